// Property (fast-check): the in-memory load history, kept incrementally, reads back at every step
// exactly what assembleHistory makes of every point recorded so far, missed periods included.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { LOAD_HISTORY_DAYS } from '../../functions/core/forecast/index.ts';
import type { LoadPoint } from '../../functions/core/load-history.ts';
import { MemoryLoadHistoryStore } from '../../functions/memory/state.ts';
import { expectAssembled } from '../contract/state.contract.ts';

const MINUTE = 60_000;
const START = 1_800_000_000_000;
const WINDOW_MINUTES = LOAD_HISTORY_DAYS * 1440;

type Operation =
  | { readonly kind: 'advance'; readonly minutes: number }
  | { readonly kind: 'record'; readonly minutesAgo: number; readonly load: number; readonly flag: number }
  | { readonly kind: 'bulk'; readonly minutes: number; readonly load: number }
  | { readonly kind: 'run'; readonly newestAgo: number; readonly flags: readonly number[] };

/**
 * Mostly the next periods; sometimes a period already kept, one near the window's start, a jump
 * of days, a backfill, or a run of consecutive periods, mostly saturated (where missed periods change).
 */
const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 1000, max: 2 * WINDOW_MINUTES }) }) },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('record' as const),
      minutesAgo: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: WINDOW_MINUTES - 4, max: WINDOW_MINUTES + 2 })),
      load: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(-1)),
      flag: fc.constantFrom(0, 1, 1, 2),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bulk' as const), minutes: fc.integer({ min: 1, max: 300 }), load: fc.integer({ min: 0, max: 5 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('run' as const),
      newestAgo: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: WINDOW_MINUTES - 8, max: WINDOW_MINUTES })),
      flags: fc.array(fc.constantFrom(0, 1, 1, 1, 2), { minLength: 1, maxLength: 6 }),
    }),
  },
);

const pointAt = (periodStartMs: number, load: number, flag: number): LoadPoint => ({
  periodStartMs,
  load,
  ...(flag === 0 ? {} : { saturated: true, ...(flag === 2 ? { atMaxCapacity: true } : {}) }),
});

describe('the in-memory load history', () => {
  it('reads what assembleHistory makes of every point recorded, step after step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operationArb, { minLength: 1, maxLength: 60 }), async (operations) => {
        const store = new MemoryLoadHistoryStore();
        const recorded: LoadPoint[] = [];
        let nowMs = START;
        for (const operation of operations) {
          const nowPeriod = Math.floor(nowMs / MINUTE) * MINUTE;
          if (operation.kind === 'advance') nowMs += operation.minutes * MINUTE + 7_000;
          else if (operation.kind === 'record') {
            const point = pointAt(nowPeriod - operation.minutesAgo * MINUTE, operation.load, operation.flag);
            recorded.push(point);
            await store.recordLoad('workers', 60, point);
          } else if (operation.kind === 'run') {
            const { flags, newestAgo } = operation;
            const points = flags.map((flag, i) => pointAt(nowPeriod - (newestAgo + flags.length - 1 - i) * MINUTE, i, flag));
            recorded.push(...points);
            for (const point of points) await store.recordLoad('workers', 60, point);
          } else {
            const points = Array.from({ length: operation.minutes }, (_, i) => pointAt(nowPeriod - (operation.minutes - i) * MINUTE, operation.load + (i % 3), i % 11 === 0 ? 1 : 0));
            recorded.push(...points);
            await store.putLoadHistory('workers', 60, points);
          }
          expectAssembled((await store.readHistory('workers', 60, nowMs))?.history, recorded, MINUTE, nowMs);
        }
      }),
      { numRuns: 150 },
    );
  });
});
