// Property (fast-check): adding this step's point to an assembled history (addLoadPoint) gives what
// assembling the stored points and that point gives, missed periods included; and what it cannot know.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOAD_HISTORY_DAYS, type LoadHistory, SHORT, isMissedPeriod } from '../../functions/core/forecast/index.ts';
import { type LoadPoint, addLoadPoint, assembleHistory } from '../../functions/core/load-history.ts';

const MINUTE = 60_000;
const NOW = 2_000_000_040_000;
const NOW_PERIOD = Math.floor(NOW / MINUTE) * MINUTE;
const WINDOW_MINUTES = LOAD_HISTORY_DAYS * 1440;

/** Points near now and near the window's start (both edges), with loads and flags assembleHistory takes or drops. */
const pointArb: fc.Arbitrary<LoadPoint> = fc
  .record({
    minutesAgo: fc.oneof(fc.integer({ min: -2, max: 12 }), fc.integer({ min: WINDOW_MINUTES - 12, max: WINDOW_MINUTES + 2 })),
    offsetMs: fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, 0, 1_000),
    load: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(-1, Number.NaN, Number.POSITIVE_INFINITY)),
    saturation: fc.constantFrom('none', 'short', 'short', 'short', 'at-max'),
  })
  .map(({ minutesAgo, offsetMs, load, saturation }) => ({
    periodStartMs: NOW_PERIOD - minutesAgo * MINUTE + offsetMs,
    load,
    ...(saturation === 'none' ? {} : { saturated: true, ...(saturation === 'at-max' ? { atMaxCapacity: true } : {}) }),
  }));

/** Stored points: scattered ones, and a run of consecutive periods, mostly saturated (where missed periods change). */
const storedArb: fc.Arbitrary<LoadPoint[]> = fc
  .tuple(
    fc.array(pointArb, { maxLength: 30 }),
    fc.integer({ min: 0, max: 10 }),
    fc.array(fc.constantFrom(undefined, { saturated: true }, { saturated: true }, { saturated: true, atMaxCapacity: true }), { maxLength: 8 }),
  )
  .map(([scattered, newestAgo, run]) => [...scattered, ...run.map((flag, i) => ({ periodStartMs: NOW_PERIOD - (newestAgo + run.length - i) * MINUTE, load: i, ...flag }))]);

const plain = (history: LoadHistory | undefined) =>
  history && { startMs: history.startMs, stepMs: history.stepMs, values: Array.from(history.values), saturated: Array.from(history.saturated ?? []) };

const missedIn = (history: LoadHistory) => {
  const flags = Array.from(history.saturated ?? []);
  return flags.filter((_, k) => isMissedPeriod(flags, k, 0)).length;
};

/** Whether the history cannot know what addLoadPoint would need to: the point replaces a period followed by a carried one. */
function replacesBeforeAGap(history: LoadHistory | undefined, stored: readonly LoadPoint[], point: LoadPoint): boolean {
  if (history === undefined) return false;
  const index = (point.periodStartMs - history.startMs) / MINUTE;
  if (!Number.isInteger(index) || index < 0 || index >= history.values.length - 1) return false;
  const next = history.startMs + (index + 1) * MINUTE;
  return assembleHistory(stored.filter((p) => p.periodStartMs === next), MINUTE, NOW) === undefined;
}

describe('addLoadPoint', () => {
  it('equals assembleHistory of the stored points and the new one, and keeps missedPeriods right', () => {
    fc.assert(
      fc.property(storedArb, pointArb, fc.boolean(), (stored, point, counted) => {
        const assembled = assembleHistory(stored, MINUTE, NOW);
        fc.pre(!replacesBeforeAGap(assembled, stored, point));
        const history = counted && assembled !== undefined ? { ...assembled, missedPeriods: missedIn(assembled) } : assembled;
        const added = addLoadPoint(history, point, MINUTE, NOW);
        const expected = assembleHistory([...stored, point], MINUTE, NOW);
        expect(plain(added)).toEqual(plain(expected));
        expect(added?.missedPeriods).toBe(history?.missedPeriods === undefined || expected === undefined ? undefined : missedIn(expected));
      }),
      { numRuns: 400 },
    );
  });

  it('replaces a period inside the history alone: it cannot tell which later periods were carried over a gap', () => {
    const stored: LoadPoint[] = [
      { periodStartMs: NOW_PERIOD - 3 * MINUTE, load: 1 },
      { periodStartMs: NOW_PERIOD - MINUTE, load: 4, saturated: true },
    ];
    const history = assembleHistory(stored, MINUTE, NOW);
    const added = addLoadPoint(history, { periodStartMs: NOW_PERIOD - 3 * MINUTE, load: 2 }, MINUTE, NOW);
    expect(Array.from(added?.values ?? [])).toEqual([2, 1, 4]);
    expect(Array.from(added?.saturated ?? [])).toEqual([0, 0, SHORT]);
    expect(addLoadPoint(history, undefined, MINUTE, NOW)).toBe(history);
    expect(addLoadPoint(history, stored[1], MINUTE, NOW)).toBe(history);
  });
});
