// The dispatcher's plan (pure) and its pacing loop over a fake invoker and a manual clock.
import { describe, expect, it } from 'vitest';
import { dispatchFleets } from '../../functions/control/dispatch-fleets.ts';
import { DISPATCH_DEFAULTS, planDispatch } from '../../functions/core/dispatch.ts';
import type { FleetStepEvent } from '../../functions/ports/invoker.ts';

const names = (count: number) => Array.from({ length: count }, (_, i) => `fleet-${i}`);

describe('planDispatch', () => {
  it.each([
    { count: 1, rate: 3, last: 0, pace: 3, reason: '1 fleet at 3 a second: spread over 0.0 s' },
    { count: 10, rate: 3, last: 3000, pace: 3, reason: '10 fleets at 3 a second: spread over 3.0 s' },
    { count: 50, rate: 3, last: 16333, pace: 3, reason: '50 fleets at 3 a second: spread over 16.3 s' },
    { count: 136, rate: 3, last: 45000, pace: 3, reason: '136 fleets at 3 a second: spread over 45.0 s' },
    {
      count: 500,
      rate: 3,
      last: 45000,
      pace: 499 / 45,
      reason:
        '500 fleets at 3 a second would take 166.3 s, over the dispatch window of 45.0 s: 11.1 a second instead, spread over 45.0 s (EC2 may throttle; a slower schedule keeps the pace)',
    },
  ])('$count fleets at $rate a second', ({ count, rate, last, pace, reason }) => {
    const plan = planDispatch(names(count), { fleetsPerSecond: rate, concurrency: 10 });
    expect(plan.reason).toBe(reason);
    expect(plan.fleetsPerSecond).toBeCloseTo(pace, 9);
    expect(plan.starts.map((s) => s.fleet)).toEqual(names(count));
    expect(plan.starts.at(-1)?.offsetMs).toBe(last);
    expect(plan.starts[0]?.offsetMs).toBe(0);
  });

  it('gives each fleet the same offset every tick', () => {
    expect(planDispatch(names(7), DISPATCH_DEFAULTS)).toEqual(planDispatch(names(7), DISPATCH_DEFAULTS));
    expect(planDispatch(names(4), DISPATCH_DEFAULTS).starts.map((s) => s.offsetMs)).toEqual([0, 333, 667, 1000]);
  });
});

/** A clock that moves only when the loop sleeps. */
function manualTime() {
  let now = 1_000_000;
  return { clock: { now: () => now }, sleep: async (ms: number) => void (now += ms), elapsed: () => now - 1_000_000 };
}

const tick = { source: 'fleetward.schedule' as const, executionId: 'e-1', scheduledTime: '2026-12-01T12:00:00Z' };

describe('dispatchFleets', () => {
  it('invokes each fleet once at its offset with the tick and its name', async () => {
    const time = manualTime();
    const calls: Array<{ event: FleetStepEvent; at: number }> = [];
    const invoker = { invoke: async (event: FleetStepEvent) => void calls.push({ event, at: time.elapsed() }) };
    const outcome = await dispatchFleets({ invoker, ...time }, planDispatch(names(4), DISPATCH_DEFAULTS), 10, tick);
    expect(calls).toEqual([0, 333, 667, 1000].map((at, i) => ({ event: { ...tick, fleet: `fleet-${i}` }, at })));
    expect(outcome).toEqual({ invoked: names(4), failed: [] });
  });

  it('keeps at most `concurrency` invocations in flight', async () => {
    const time = manualTime();
    let inFlight = 0;
    let most = 0;
    const invoker = {
      invoke: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
      },
    };
    const outcome = await dispatchFleets({ invoker, ...time }, planDispatch(names(12), { fleetsPerSecond: 1000, concurrency: 3 }), 3, tick);
    expect(most).toBe(3);
    expect(outcome.invoked).toHaveLength(12);
  });

  it('reports a failed invocation with its fleet and still invokes the others', async () => {
    const time = manualTime();
    const invoker = {
      invoke: async (event: FleetStepEvent) => {
        if (event.fleet === 'fleet-1') throw new Error('Rate exceeded');
      },
    };
    const outcome = await dispatchFleets({ invoker, ...time }, planDispatch(names(3), DISPATCH_DEFAULTS), 10, tick);
    expect(outcome).toEqual({ invoked: ['fleet-0', 'fleet-2'], failed: [{ fleet: 'fleet-1', reason: 'Rate exceeded' }] });
  });
});
