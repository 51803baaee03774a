// Tests of the in-memory event publisher and notifier: what was sent, counted in full and kept for the last few.
import { describe, expect, it } from 'vitest';
import { MemoryEvents, MemoryNotifier } from '../../../functions/memory/events.ts';
import { START_MS, TestClock } from './fixtures.ts';

describe('MemoryEvents', () => {
  it('counts events by detail type and keeps the newest, stamped with the time', async () => {
    const clock = new TestClock();
    const events = new MemoryEvents({ keep: 2, clock });
    for (const [type, n] of [['Instance Draining', 1], ['Instance Failover', 2], ['Instance Draining', 3]] as const) {
      await events.publish(type, { n });
      clock.advance(1000);
    }
    expect([events.count(), events.count('Instance Draining'), events.count('Scaled')]).toEqual([3, 2, 0]);
    expect(events.published).toEqual([
      { detailType: 'Instance Failover', detail: { n: 2 }, atMs: START_MS + 1000 },
      { detailType: 'Instance Draining', detail: { n: 3 }, atMs: START_MS + 2000 },
    ]);
  });
});

describe('MemoryNotifier', () => {
  it('counts every notification and keeps the newest (100 by default)', async () => {
    const notifier = new MemoryNotifier();
    for (let n = 0; n < 150; n++) await notifier.notify(`subject ${n}`, 'message', { n });
    expect([notifier.count, notifier.notified.length, notifier.notified[0]]).toEqual([150, 100, { subject: 'subject 50', message: 'message', details: { n: 50 } }]);
  });
});
