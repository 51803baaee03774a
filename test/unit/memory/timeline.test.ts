// Tests of the virtual-time building blocks: the timeline's order and time, and billed time with its minimum.
import { describe, expect, it } from 'vitest';
import { BilledTime } from '../../../functions/memory/billing.ts';
import { Timeline } from '../../../functions/memory/timeline.ts';
import { TestClock } from './fixtures.ts';

describe('Timeline', () => {
  it('applies the changes due, earliest first and in scheduling order on ties, each at its own time', () => {
    const clock = new TestClock(0);
    const timeline = new Timeline(clock);
    const applied: Array<[string, number]> = [];
    const note = (name: string) => () => applied.push([name, timeline.now()]);
    for (const [name, delay] of [['c', 30], ['a', 10], ['b', 20], ['a2', 10], ['late', 100]] as const) timeline.after(delay, note(name));
    timeline.after(5, () => timeline.after(10, note('chained')));
    clock.advance(50);
    timeline.catchUp();
    expect(applied).toEqual([
      ['a', 10],
      ['a2', 10],
      ['chained', 15],
      ['b', 20],
      ['c', 30],
    ]);
    expect(timeline.now()).toBe(50);
  });

  it('keeps its order over many changes scheduled in any order', () => {
    const clock = new TestClock(0);
    const timeline = new Timeline(clock);
    const applied: number[] = [];
    const delays = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1000);
    for (const delay of delays) timeline.after(delay, () => applied.push(timeline.now()));
    clock.advance(1000);
    timeline.catchUp();
    expect(applied).toEqual([...delays].sort((a, b) => a - b));
  });
});

describe('BilledTime', () => {
  it('bills open periods so far and ended ones with their minimum, counting the minimum charged', () => {
    const billed = new BilledTime(60);
    billed.start(0);
    billed.start(10_000);
    billed.end(10_000, 40_000);
    expect([billed.open, billed.billedSeconds(100_000), billed.minimumChargeSeconds]).toEqual([1, 100 + 60, 30]);
  });
});
