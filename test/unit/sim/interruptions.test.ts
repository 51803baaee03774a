// Spot interruptions in the simulator: a seeded Poisson process per running Spot instance, a warning two minutes before EC2 terminates it.
import { describe, expect, it } from 'vitest';
import { SPOT_WARNING_MS, SpotInterruptions } from '../../../sim/interruptions.ts';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('SpotInterruptions', () => {
  it('warns each running Spot instance with probability 1 - exp(-rate x step), once, and hands it to EC2 two minutes later', () => {
    // 6 per instance-hour in 60-second steps: p = 1 - exp(-0.1) = 0.095 per instance and step.
    const spot = new SpotInterruptions(6, 60, 7);
    const fleet = ids('i', 10);
    expect(spot.warn(fleet, 0)).toEqual(['i-0', 'i-1']);
    expect(spot.warn(fleet, 60_000)).toEqual([]);
    expect(spot.due(SPOT_WARNING_MS - 1)).toEqual([]);
    expect(spot.due(SPOT_WARNING_MS)).toEqual(['i-0', 'i-1']);
    expect(spot.due(180_000)).toEqual([]);
    expect(spot.count).toBe(2);
  });

  it('interrupts at the rate asked for: 9,862 of 600,000 instance-steps at 1 per instance-hour, within 2 standard deviations of the 9,917 expected', () => {
    const spot = new SpotInterruptions(1, 60, 42);
    let warned = 0;
    for (let step = 0; step < 6000; step++) warned += spot.warn(ids(`s${step}`, 100), step * 60_000).length;
    expect(warned).toBe(9862);
    expect(spot.count).toBe(9862);
    const p = 1 - Math.exp(-1 / 60);
    expect(Math.abs(warned - 600_000 * p)).toBeLessThan(2 * Math.sqrt(600_000 * p * (1 - p)));
  });

  it('interrupts nothing at rate 0, and the same seed interrupts the same instances', () => {
    const never = new SpotInterruptions(0, 60, 1);
    expect([never.active, never.warn(ids('i', 1000), 0)]).toEqual([false, []]);
    const warnedWith = (seed: number) => new SpotInterruptions(60, 60, seed).warn(ids('i', 50), 0);
    expect(warnedWith(3)).toEqual(warnedWith(3));
    expect(warnedWith(3)).not.toEqual(warnedWith(4));
  });
});
