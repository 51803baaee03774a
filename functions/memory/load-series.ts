/**
 * One fleet's load history of one period length, kept in memory as the forecast reads it: a value
 * and a flag per period in typed arrays, the value before a gap carried over it, the window
 * trimmed to LOAD_HISTORY_DAYS and the missed periods counted as periods come and go, so that
 * recording the next point and reading the history cost O(1) amortised instead of assembling
 * every stored point again. Reads return views, valid until the next write; the step's point is
 * added to a read without copying it.
 */
import { AT_MAX, type LoadHistory, MISS_RUN_PERIODS, SHORT } from '../core/forecast/index.ts';
import { type LoadPoint, type StoredHistory, addLoadPoint, historyStartMs, isPlaceable, missedPeriodsIn, saturationFlag } from '../core/load-history.ts';

const INITIAL_CAPACITY = 1024;

/** The typed array's live part [begin, end) moved to the start of one of `capacity` elements. */
function moved<T extends Float64Array | Uint8Array>(array: T, capacity: number, begin: number, end: number, create: (length: number) => T): T {
  if (capacity === array.length) {
    array.copyWithin(0, begin, end);
    return array;
  }
  const grown = create(capacity);
  grown.set(array.subarray(begin, end));
  return grown;
}

export class LoadSeries {
  private loads = new Float64Array(INITIAL_CAPACITY);
  private flags = new Uint8Array(INITIAL_CAPACITY);
  /** 1 where a point was stored, 0 where the value before a gap is carried over it. */
  private stored = new Uint8Array(INITIAL_CAPACITY);
  /** The period number (start / period length) of index 0 of the arrays. */
  private basePeriod = 0;
  private begin = 0;
  private end = 0;
  /** The missed periods (isMissedPeriod) among begin..end - 1, in the window that starts at begin. */
  private missed = 0;

  constructor(private readonly periodMs: number) {}

  /**
   * Adds a point, or replaces its period's; periods older than LOAD_HISTORY_DAYS before the newest
   * are dropped. A point assembleHistory could never place (not a whole period, no usable load) is ignored.
   */
  record(point: LoadPoint): void {
    if (!isPlaceable(point, this.periodMs, point.periodStartMs)) return;
    const period = point.periodStartMs / this.periodMs;
    const newestMs = this.end > this.begin ? this.startMs(this.end - 1) : undefined;
    if (newestMs === undefined || historyStartMs(point.periodStartMs) > newestMs) this.restart(period, point);
    else if (point.periodStartMs > newestMs) this.append(period, point);
    else if (period >= this.basePeriod + this.begin) this.replace(period - this.basePeriod, point);
    else if (point.periodStartMs >= historyStartMs(newestMs)) this.rebuild([point, ...this.storedPoints()]);
    this.trim(historyStartMs(this.startMs(this.end - 1)));
  }

  /**
   * The history of the window that ends at nowMs, as assembleHistory makes it of the stored
   * points, with its missed periods. The clock is taken not to go back: periods older than the
   * window are dropped for good.
   */
  history(nowMs: number): LoadHistory | undefined {
    this.trim(historyStartMs(nowMs));
    let last = this.end - 1;
    while (last >= this.begin && (this.startMs(last) > nowMs || this.stored[last] === 0)) last--;
    if (last < this.begin) return undefined;
    const later = last === this.end - 1 ? 0 : missedPeriodsIn(this.flags, last + 1, this.end - 1, this.begin);
    return {
      startMs: this.startMs(this.begin),
      stepMs: this.periodMs,
      values: this.loads.subarray(this.begin, last + 1),
      saturated: this.flags.subarray(this.begin, last + 1),
      missedPeriods: this.missed - later,
    };
  }

  /**
   * The history of the window that ends at nowMs, and that history with the step's point added:
   * when the point is the next period, written into the slot after the history without copying it
   * (left uncommitted: recording it commits it), else by addLoadPoint.
   */
  read(nowMs: number): StoredHistory | undefined {
    const history = this.history(nowMs);
    if (history === undefined) return undefined;
    const withPoint = (point: LoadPoint | undefined) => {
      const next = this.begin + history.values.length;
      if (point === undefined || next !== this.end || point.periodStartMs !== this.startMs(next) || !isPlaceable(point, this.periodMs, nowMs)) {
        return addLoadPoint(this.history(nowMs), point, this.periodMs, nowMs);
      }
      this.reserve(next - this.begin + 1);
      const index = this.end;
      this.loads[index] = point.load;
      this.flags[index] = saturationFlag(point);
      return {
        startMs: this.startMs(this.begin),
        stepMs: this.periodMs,
        values: this.loads.subarray(this.begin, index + 1),
        saturated: this.flags.subarray(this.begin, index + 1),
        missedPeriods: this.missed + missedPeriodsIn(this.flags, index, index, this.begin),
      };
    };
    return { history, withPoint };
  }

  private startMs(index: number): number {
    return (this.basePeriod + index) * this.periodMs;
  }

  private put(index: number, point: LoadPoint): void {
    this.loads[index] = point.load;
    this.flags[index] = saturationFlag(point);
    this.stored[index] = 1;
  }

  private restart(period: number, point: LoadPoint): void {
    this.basePeriod = period;
    this.begin = 0;
    this.end = 1;
    this.put(0, point);
    this.missed = missedPeriodsIn(this.flags, 0, 0, 0);
  }

  /** A point after the newest: the newest value is carried over the gap before it. */
  private append(period: number, point: LoadPoint): void {
    this.reserve(period - this.basePeriod - this.begin + 1);
    const index = period - this.basePeriod;
    this.loads.fill(this.loads[this.end - 1] ?? point.load, this.end, index);
    this.flags.fill(0, this.end, index);
    this.stored.fill(0, this.end, index);
    this.put(index, point);
    this.end = index + 1;
    this.missed += missedPeriodsIn(this.flags, index, index, this.begin);
  }

  /** A period inside the history: its value is carried over the gap after it, up to the next stored point. */
  private replace(index: number, point: LoadPoint): void {
    const affected = Math.min(this.end - 1, index + MISS_RUN_PERIODS);
    const before = missedPeriodsIn(this.flags, index, affected, this.begin);
    this.put(index, point);
    for (let k = index + 1; k < this.end && this.stored[k] === 0; k++) this.loads[k] = point.load;
    this.missed += missedPeriodsIn(this.flags, index, affected, this.begin) - before;
  }

  /** Rare (a point older than the oldest kept): the history again from its stored points, oldest first. */
  private rebuild(points: readonly LoadPoint[]): void {
    this.end = this.begin;
    for (const point of points) this.record(point);
  }

  private storedPoints(): LoadPoint[] {
    const points: LoadPoint[] = [];
    for (let k = this.begin; k < this.end; k++) {
      if (this.stored[k] === 0) continue;
      const flag = this.flags[k];
      const saturation = flag === SHORT ? { saturated: true } : flag === AT_MAX ? { saturated: true, atMaxCapacity: true } : {};
      points.push({ periodStartMs: this.startMs(k), load: this.loads[k] ?? 0, ...saturation });
    }
    return points;
  }

  /** Drops the periods before oldestMs, and any carried value that would then come first. */
  private trim(oldestMs: number): void {
    // Whether a period counts as missed depends on the ones before it inside the window, so
    // moving the window's start recounts the periods just after it.
    const missedNearStart = (start: number) => missedPeriodsIn(this.flags, start, Math.min(this.end - 1, this.begin + MISS_RUN_PERIODS), start);
    while (this.begin < this.end && (this.startMs(this.begin) < oldestMs || this.stored[this.begin] === 0)) {
      this.missed += missedNearStart(this.begin + 1) - missedNearStart(this.begin);
      this.begin++;
    }
  }

  /** Room for `periods` periods from begin on, at index 0 of the arrays. */
  private reserve(periods: number): void {
    if (this.begin + periods <= this.loads.length) return;
    const capacity = periods <= this.loads.length / 2 ? this.loads.length : Math.max(2 * this.loads.length, 2 ** Math.ceil(Math.log2(periods)));
    this.loads = moved(this.loads, capacity, this.begin, this.end, (length) => new Float64Array(length));
    this.flags = moved(this.flags, capacity, this.begin, this.end, (length) => new Uint8Array(length));
    this.stored = moved(this.stored, capacity, this.begin, this.end, (length) => new Uint8Array(length));
    this.basePeriod += this.begin;
    this.end -= this.begin;
    this.begin = 0;
  }
}
