/**
 * Predictive pre-scaling: forecasts the fleet's load over the next few minutes from the load's
 * own history, with headroom learned from the forecast's past errors, so that capacity is in
 * service before the load arrives. Pure: the history comes in as plain data.
 *
 * A model is fitted now and then (`buildForecast`): each candidate method (the newest value, a
 * trend, recent means and peaks, a least-squares linear fit of the recent values, the daily and
 * weekly pattern) is replayed over the recent history; for each, the headroom is the `coverage`
 * quantile of its errors (absolute, relative, or scaled by the square root of the load, as
 * counting noise is), and the method that would have needed the least capacity, launches
 * included, wins. Each step then evaluates the chosen method at the newest datapoint
 * (`forecastUpper`), with the coverage moved by how often the fleet was short of late: up for each
 * missed period beyond the share the coverage allows, down while there are fewer (adaptive
 * conformal inference, Gibbs & Candès 2021), so the headroom answers misses on the next step
 * instead of at the next fit.
 */

import type { PredictiveConfig, ScalingConfig } from './config.ts';

/** The fleet's load, in capacity units' worth of work, one value per metric period. */
export interface LoadHistory {
  /** Time of the first value: the start of its period. */
  readonly startMs: number;
  readonly stepMs: number;
  /** Oldest first; finite and >= 0 (the caller carries the last value over any gap). */
  readonly values: ArrayLike<number>;
  /**
   * Where the value is a lower bound (a per-instance metric sat at unitCapacity): SHORT when the
   * fleet was short of capacity, a forecast miss; AT_MAX when capacity.max was serving, a ceiling
   * rather than a miss. 0 elsewhere.
   */
  readonly saturated?: ArrayLike<number>;
  /** The missed periods among the flags (isMissedPeriod), when the caller keeps that count; counted otherwise. */
  readonly missedPeriods?: number;
}

/** Days of load history a fleet keeps and reads: a weekly pattern plus a week of errors. */
export const LOAD_HISTORY_DAYS = 14;
/** A saturated period with fewer than capacity.max units serving: the fleet was short. */
export const SHORT = 1;
/** A saturated period with capacity.max units serving: the configured ceiling, not a forecast miss. */
export const AT_MAX = 2;
/** The periods of a run of short periods that count as missed. */
export const MISS_RUN_PERIODS = 2;

export interface ForecastSettings {
  /** Share of past forecast errors the headroom covers, e.g. 0.995. */
  readonly coverage: number;
  /** Periods ahead the bound must cover: boot and warm-up, plus the newest datapoint's age. */
  readonly horizonSteps: number;
  /** Periods of history the errors are learned from (the newest ones). */
  readonly backtestSteps: number;
  /** Fewest periods of history before a model is fitted. */
  readonly minHistorySteps: number;
  /** Periods a launched unit is billed before it serves (counted against jumpy methods). */
  readonly bootSteps: number;
  /** How far the coverage moves for each missed period more (or fewer) than it allows; 0 keeps it fixed. */
  readonly coverageGain: number;
  /** Periods of history the missed periods are counted over at most. */
  readonly historySteps: number;
}

export type ForecastMethod =
  | 'last'
  | 'trend'
  | 'mean-5'
  | 'mean-15'
  | 'mean-60'
  | 'peak-60'
  | 'peak-240'
  | 'linear'
  | 'daily'
  | 'weekly';

/** How errors scale with the load: absolute, with its square root (counting noise), relative. */
export type ErrorScale = 'absolute' | 'sqrt' | 'relative';

/** A fitted forecast: plain data, cached by the caller until it is stale. */
export interface ForecastModel {
  readonly builtAtMs: number;
  readonly stepMs: number;
  readonly method: ForecastMethod;
  readonly errorScale: ErrorScale;
  /**
   * For 1..horizonSteps periods ahead, the replay's largest scaled errors, ascending: all those
   * above the lowest coverage the gain can reach, so that each step can read the quantile at its
   * own coverage.
   */
  readonly errorTails: readonly (readonly number[])[];
  /** Replayed points the errors come from: the tails are the largest of them. */
  readonly errorCount: number;
  /** Scaled errors are divided by max(load, floor)^power; floor is 1% of the mean load. */
  readonly floor: number;
  /** The configured coverage: the method was chosen at it, and the coverage moves around it. */
  readonly coverage: number;
  readonly coverageGain: number;
  /** Periods of history the errors were learned from. */
  readonly backtestSteps: number;
  /**
   * The linear method's weights, one row per period ahead: a constant, then one weight for each
   * of the newest LINEAR_ORDER values (newest first).
   */
  readonly weights?: readonly (readonly number[])[];
}

export type ForecastFit = { readonly model: ForecastModel } | { readonly unavailable: string };

const MINUTE_MS = 60_000;
const SEASONAL_SMOOTHING = 2;
const LEVEL_STEPS = 15;
/** The linear method's inputs: this many newest values (and a constant). */
export const LINEAR_ORDER = 10;
/**
 * Fewest replayed points before the linear method joins: 20 per weight. It is fitted to the points
 * its errors are then measured on, so with few of them it fits the noise and learns no headroom.
 */
const LINEAR_MIN_POINTS = 20 * (LINEAR_ORDER + 1);
/** Ridge penalty, relative to the mean of the normal matrix's diagonal: keeps a flat history's fit stable. */
const RIDGE = 1e-6;
/** At most this many replayed points per fit: a stride keeps a fit's cost bounded. */
const MAX_BACKTEST_POINTS = 2160;

const POWER: Record<ErrorScale, number> = { absolute: 0, sqrt: 0.5, relative: 1 };
const ERROR_SCALES: readonly ErrorScale[] = ['absolute', 'sqrt', 'relative'];

const DESCRIPTION: Record<ForecastMethod, string> = {
  last: 'the newest datapoint',
  trend: 'the trend of the last two datapoints',
  'mean-5': 'the mean of the last 5 periods',
  'mean-15': 'the mean of the last 15 periods',
  'mean-60': 'the mean of the last 60 periods',
  'peak-60': 'the peak of the last 60 periods',
  'peak-240': 'the peak of the last 240 periods',
  linear: `a linear fit of the last ${LINEAR_ORDER} periods`,
  daily: 'the daily pattern',
  weekly: 'the weekly pattern',
};

const ERROR_DESCRIPTION: Record<ErrorScale, string> = {
  absolute: 'absolute',
  sqrt: 'square-root-scaled',
  relative: 'relative',
};

/** A method's periods of history needed before its first forecast. */
function lookback(method: ForecastMethod, stepMs: number): number {
  const day = Math.round((1440 * MINUTE_MS) / stepMs);
  switch (method) {
    case 'last':
      return 1;
    case 'trend':
      return 2;
    case 'mean-5':
      return 5;
    case 'mean-15':
      return 15;
    case 'mean-60':
    case 'peak-60':
      return 60;
    case 'peak-240':
      return 240;
    case 'linear':
      return LINEAR_ORDER;
    case 'daily':
      return day + LEVEL_STEPS;
    case 'weekly':
      return 7 * day + LEVEL_STEPS;
  }
}

/** Every forecast method, in the order a fit tries them. */
export const FORECAST_METHODS = Object.keys(DESCRIPTION) as ForecastMethod[];
const SEASONAL: ReadonlySet<ForecastMethod> = new Set(['daily', 'weekly']);

/** Reads history values by index; prefix sums make window means O(1). */
class Series {
  readonly prefix: Float64Array;

  constructor(readonly values: ArrayLike<number>) {
    this.prefix = new Float64Array(values.length + 1);
    for (let i = 0; i < values.length; i++) this.prefix[i + 1] = (this.prefix[i] ?? 0) + (values[i] ?? 0);
  }

  /** Mean of values[from..to], clipped to the series. */
  mean(from: number, to: number): number {
    const a = Math.max(0, from);
    const b = Math.min(this.values.length - 1, to);
    if (b < a) return 0;
    return ((this.prefix[b + 1] ?? 0) - (this.prefix[a] ?? 0)) / (b - a + 1);
  }
}

/** Mean of values[from..to] without prefix sums (for one forecast at the newest point). */
function directMean(values: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  let count = 0;
  for (let j = Math.max(0, from); j <= to && j < values.length; j++) {
    sum += values[j] ?? 0;
    count++;
  }
  return count === 0 ? 0 : sum / count;
}

/**
 * The seasonal forecast for period i + h: the level now (mean of the last 15 periods) plus how
 * the load moved from this time to that time in the `cycles` previous periods of length `period`.
 */
function seasonal(
  mean: (from: number, to: number) => number,
  i: number,
  h: number,
  period: number,
  cycles: number,
): number {
  const level = mean(i - LEVEL_STEPS + 1, i);
  let change = 0;
  for (let k = 1; k <= cycles; k++) {
    const then = i + h - k * period;
    change += mean(then - SEASONAL_SMOOTHING, then + SEASONAL_SMOOTHING) - mean(i - k * period - LEVEL_STEPS + 1, i - k * period);
  }
  return Math.max(0, level + change / cycles);
}

function cyclesFor(method: ForecastMethod, available: number, stepMs: number): { period: number; cycles: number } {
  const day = Math.round((1440 * MINUTE_MS) / stepMs);
  const period = method === 'daily' ? day : 7 * day;
  const cycles = method === 'daily' ? Math.max(1, Math.min(3, Math.floor((available - LEVEL_STEPS) / period))) : 1;
  return { period, cycles };
}

/** Point forecast of a method for period i + h, made with the data up to period i. */
function predict(
  method: ForecastMethod,
  values: ArrayLike<number>,
  mean: (from: number, to: number) => number,
  peak: (from: number, to: number) => number,
  i: number,
  h: number,
  stepMs: number,
  weights: readonly (readonly number[])[] | undefined,
): number {
  switch (method) {
    case 'last':
      return values[i] ?? 0;
    case 'trend': {
      const now = values[i] ?? 0;
      return Math.max(0, now + h * (now - (values[i - 1] ?? now)));
    }
    case 'mean-5':
      return mean(i - 4, i);
    case 'mean-15':
      return mean(i - 14, i);
    case 'mean-60':
      return mean(i - 59, i);
    case 'peak-60':
      return peak(i - 59, i);
    case 'peak-240':
      return peak(i - 239, i);
    case 'linear': {
      // A model without a weight row for this horizon cannot forecast: NaN, so it is refitted.
      const row = weights?.[h - 1];
      return row?.length === LINEAR_ORDER + 1 ? Math.max(0, linearPoint(row, values, i)) : Number.NaN;
    }
    case 'daily':
    case 'weekly': {
      const { period, cycles } = cyclesFor(method, i + 1, stepMs);
      return seasonal(mean, i, h, period, cycles);
    }
  }
}

/** A linear method's point forecast from the newest LINEAR_ORDER values up to index i. */
export function linearPoint(row: readonly number[], values: ArrayLike<number>, i: number): number {
  let sum = row[0] ?? 0;
  for (let lag = 0; lag < LINEAR_ORDER; lag++) sum += (row[lag + 1] ?? 0) * (values[i - lag] ?? 0);
  return sum;
}

/** Solves a·x = b for a symmetric positive definite a (Cholesky); a and b are not modified. */
function solveSymmetric(a: readonly Float64Array[], b: Float64Array): number[] {
  const size = b.length;
  const lower = Array.from({ length: size }, () => new Float64Array(size));
  for (let r = 0; r < size; r++) {
    for (let c = 0; c <= r; c++) {
      let sum = a[r]?.[c] ?? 0;
      for (let k = 0; k < c; k++) sum -= (lower[r]?.[k] ?? 0) * (lower[c]?.[k] ?? 0);
      (lower[r] as Float64Array)[c] = r === c ? Math.sqrt(Math.max(sum, Number.MIN_VALUE)) : sum / (lower[c]?.[c] ?? 1);
    }
  }
  const y = new Float64Array(size);
  for (let r = 0; r < size; r++) {
    let sum = b[r] ?? 0;
    for (let k = 0; k < r; k++) sum -= (lower[r]?.[k] ?? 0) * (y[k] ?? 0);
    y[r] = sum / (lower[r]?.[r] ?? 1);
  }
  const x = new Array<number>(size).fill(0);
  for (let r = size - 1; r >= 0; r--) {
    let sum = y[r] ?? 0;
    for (let k = r + 1; k < size; k++) sum -= (lower[k]?.[r] ?? 0) * (x[k] ?? 0);
    x[r] = sum / (lower[r]?.[r] ?? 1);
  }
  return x;
}

/**
 * The linear method's weights for 1..H periods ahead: the least-squares fit (lightly ridged) of
 * the value h periods after each replayed point to a constant and the newest LINEAR_ORDER values.
 */
export function fitLinear(values: ArrayLike<number>, points: readonly number[], H: number): number[][] {
  const size = LINEAR_ORDER + 1;
  const normal = new Float64Array(size * size);
  const moments = Array.from({ length: H }, () => new Float64Array(size));
  const x = new Float64Array(size);
  x[0] = 1;
  for (const i of points) {
    for (let k = 1; k < size; k++) x[k] = values[i - k + 1] ?? 0;
    for (let r = 0; r < size; r++) {
      const xr = x[r] ?? 0;
      for (let c = 0; c <= r; c++) normal[r * size + c] = (normal[r * size + c] ?? 0) + xr * (x[c] ?? 0);
    }
    for (let h = 0; h < H; h++) {
      const truth = values[i + h + 1] ?? 0;
      const moment = moments[h] as Float64Array;
      for (let r = 0; r < size; r++) moment[r] = (moment[r] ?? 0) + (x[r] ?? 0) * truth;
    }
  }
  let diagonal = 0;
  for (let r = 0; r < size; r++) diagonal += normal[r * size + r] ?? 0;
  const ridge = RIDGE * (diagonal / size) + Number.MIN_VALUE;
  const rows = Array.from({ length: size }, (_, r) =>
    Float64Array.from({ length: size }, (_, c) => (r >= c ? (normal[r * size + c] ?? 0) : (normal[c * size + r] ?? 0)) + (r === c ? ridge : 0)),
  );
  return moments.map((moment) => solveSymmetric(rows, moment));
}

/** The k-th smallest value (0-based) of a scratch array, which it reorders. */
function select(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const pivot = values[(lo + hi) >> 1] ?? 0;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] ?? 0) < pivot) i++;
      while ((values[j] ?? 0) > pivot) j--;
      if (i <= j) {
        const swap = values[i] ?? 0;
        values[i] = values[j] ?? 0;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k] ?? 0;
  }
  return values[k] ?? 0;
}

const scaleOf = (point: number, power: number, floor: number) =>
  power === 0 ? 1 : power === 1 ? Math.max(point, floor) : Math.sqrt(Math.max(point, floor));

function upperOf(point: number, quantile: number, power: number, floor: number): number {
  return Math.max(0, point + quantile * scaleOf(point, power, floor));
}

/** Sliding maximum of values over `window` periods ending at each of from..to. */
export function slidingPeaks(values: ArrayLike<number>, window: number, from: number, to: number): Float64Array {
  const peaks = new Float64Array(to - from + 1);
  const deque = new Int32Array(to - from + window + 1);
  let head = 0;
  let tail = 0;
  for (let i = Math.max(0, from - window + 1); i <= to; i++) {
    const value = values[i] ?? 0;
    while (tail > head && (values[deque[tail - 1] ?? 0] ?? 0) <= value) tail--;
    deque[tail++] = i;
    while ((deque[head] ?? 0) <= i - window) head++;
    if (i >= from) peaks[i - from] = values[deque[head] ?? 0] ?? 0;
  }
  return peaks;
}

/** Point forecasts of a method at each replayed point, for 1..H periods ahead. */
function replay(
  method: ForecastMethod,
  values: ArrayLike<number>,
  series: Series,
  points: readonly number[],
  H: number,
  stepMs: number,
  weights: readonly (readonly number[])[],
): Float64Array[] {
  const count = points.length;
  const mean = (from: number, to: number) => series.mean(from, to);
  const flat = (at: (i: number, j: number) => number) => {
    const row = new Float64Array(count);
    for (let j = 0; j < count; j++) row[j] = at(points[j] ?? 0, j);
    return Array.from({ length: H }, () => row);
  };
  switch (method) {
    case 'last':
      return flat((i) => values[i] ?? 0);
    case 'mean-5':
      return flat((i) => series.mean(i - 4, i));
    case 'mean-15':
      return flat((i) => series.mean(i - 14, i));
    case 'mean-60':
      return flat((i) => series.mean(i - 59, i));
    case 'peak-60':
    case 'peak-240': {
      const window = method === 'peak-60' ? 60 : 240;
      const first = points[0] ?? 0;
      const peaks = slidingPeaks(values, window, first, points[count - 1] ?? first);
      return flat((i) => peaks[i - first] ?? 0);
    }
    default:
      return Array.from({ length: H }, (_, index) => {
        const row = new Float64Array(count);
        for (let j = 0; j < count; j++) row[j] = predict(method, values, mean, mean, points[j] ?? 0, index + 1, stepMs, weights);
        return row;
      });
  }
}

/** The 0-based rank of the `coverage` quantile among `count` errors. */
const rankOf = (coverage: number, count: number) => Math.min(count - 1, Math.max(0, Math.ceil(coverage * count) - 1));

/** Fits a forecast model to the history; says why not when the history is too short. */
export function buildForecast(history: LoadHistory, settings: ForecastSettings, nowMs: number): ForecastFit {
  const { values, stepMs } = history;
  const n = values.length - 1;
  const H = Math.max(1, settings.horizonSteps);
  if (values.length < settings.minHistorySteps) {
    const have = (values.length * stepMs) / 3_600_000;
    const need = (settings.minHistorySteps * stepMs) / 3_600_000;
    return { unavailable: `${formatHours(have)} of load history, ${formatHours(need)} needed` };
  }
  // A method whose first forecast needs more than half the history waits: replaying it would leave
  // every other method only the few periods after its lookback to learn errors from.
  const base = Math.max(...FORECAST_METHODS.filter((m) => !SEASONAL.has(m) && 2 * lookback(m, stepMs) <= values.length).map((m) => lookback(m, stepMs)));
  let span = Math.min(settings.backtestSteps, n - H - base + 1);
  if (span < 2 * H) return { unavailable: 'too little load history to learn the forecast error from' };
  // A seasonal method joins once a day of errors can be replayed after its first cycle; every
  // method is then replayed over the same (possibly shorter) span.
  const day = Math.round((1440 * MINUTE_MS) / stepMs);
  for (const method of SEASONAL) {
    const room = n - H - lookback(method, stepMs) + 1;
    if (room >= Math.min(settings.backtestSteps, day)) span = Math.min(span, room);
  }
  const first = n - H - span + 1;
  const stride = Math.ceil(span / MAX_BACKTEST_POINTS);
  const points: number[] = [];
  for (let i = first; i <= n - H; i += stride) points.push(i);
  const count = points.length;
  const series = new Series(values);
  const floor = Math.max(1e-9, 0.01 * series.mean(first, n));
  const rank = rankOf(settings.coverage, count);
  const scratch = new Float64Array(count);
  const actual = Array.from({ length: H }, (_, index) => Float64Array.from(points, (i) => values[i + index + 1] ?? 0));
  const weights = count >= LINEAR_MIN_POINTS ? fitLinear(values, points, H) : [];

  let best: { method: ForecastMethod; errorScale: ErrorScale; predicted: Float64Array[]; cost: number } | undefined;
  for (const method of FORECAST_METHODS) {
    if (first - lookback(method, stepMs) + 1 < 0 || (method === 'linear' && weights.length === 0)) continue;
    const predicted = replay(method, values, series, points, H, stepMs, weights);
    for (const errorScale of ERROR_SCALES) {
      const power = POWER[errorScale];
      const quantiles: number[] = [];
      for (let h = 0; h < H; h++) {
        const row = predicted[h] as Float64Array;
        const truth = actual[h] as Float64Array;
        for (let j = 0; j < count; j++) {
          const point = row[j] ?? 0;
          scratch[j] = ((truth[j] ?? 0) - point) / scaleOf(point, power, floor);
        }
        quantiles.push(select(scratch, rank));
      }
      // What it would have cost: the capacity it asks for, plus a boot's billing per launch.
      let units = 0;
      let launched = 0;
      let previous = -1;
      for (let j = 0; j < count; j++) {
        let bound = 0;
        for (let h = 0; h < H; h++) bound = Math.max(bound, upperOf((predicted[h] as Float64Array)[j] ?? 0, quantiles[h] ?? 0, power, floor));
        const capacity = Math.ceil(bound - 1e-9);
        units += capacity;
        if (previous >= 0 && capacity > previous) launched += capacity - previous;
        previous = capacity;
      }
      const cost = (units * stride + launched * settings.bootSteps) / (count * stride);
      if (best === undefined || cost < best.cost - 1e-12) best = { method, errorScale, predicted, cost };
    }
  }
  if (best === undefined) return { unavailable: 'no forecast method has enough history' };
  const { method, errorScale, predicted } = best;
  const power = POWER[errorScale];
  const lowestRank = rankOf(lowestCoverage(settings), count);
  const errorTails = actual.map((truth, h) => {
    const row = predicted[h] as Float64Array;
    for (let j = 0; j < count; j++) scratch[j] = ((truth[j] ?? 0) - (row[j] ?? 0)) / scaleOf(row[j] ?? 0, power, floor);
    return Array.from(scratch.sort().subarray(lowestRank));
  });
  return {
    model: {
      builtAtMs: nowMs,
      stepMs,
      method,
      errorScale,
      errorTails,
      errorCount: count,
      floor,
      coverage: settings.coverage,
      coverageGain: settings.coverageGain,
      backtestSteps: span,
      ...(method === 'linear' ? { weights } : {}),
    },
  };
}

/** The lowest coverage the gain may move to: at most twice the share of errors uncovered that the configured one leaves. */
const coverageLimit = (coverage: number) => 2 * coverage - 1;

/** The coverage a fleet that was never short over a whole history window moves down to. */
function lowestCoverage(settings: Pick<ForecastSettings, 'coverage' | 'coverageGain' | 'historySteps'>): number {
  return Math.max(coverageLimit(settings.coverage), settings.coverage - settings.coverageGain * (1 - settings.coverage) * settings.historySteps);
}

/**
 * Whether period k of `flags` is a missed period in a window of them that starts at `start`: the
 * fleet was short, and not already in the periods just before it. A run of short periods counts
 * at most its first MISS_RUN_PERIODS: the rest is a level the load jumped to, which the launches
 * the run set off answer, and which more headroom in every period would buy back dearly.
 */
export function isMissedPeriod(flags: ArrayLike<number>, k: number, start: number): boolean {
  if (flags[k] !== SHORT) return false;
  for (let back = 1; back <= MISS_RUN_PERIODS; back++) if (k - back < start || flags[k - back] !== SHORT) return true;
  return false;
}

/** The missed periods in the history (isMissedPeriod). */
function missedPeriodsOf(history: LoadHistory): number {
  if (history.missedPeriods !== undefined) return history.missedPeriods;
  const flags = history.saturated ?? [];
  let missed = 0;
  for (let k = 0; k < flags.length; k++) if (isMissedPeriod(flags, k, 0)) missed++;
  return missed;
}

/** The coverage the headroom uses this step, and the missed periods that moved it. */
export interface CoverageNow {
  readonly coverage: number;
  readonly missedPeriods: number;
  /** Periods of history they were counted over. */
  readonly periods: number;
}

/**
 * The model's coverage moved by the missed periods in the history: up by coverageGain for each one
 * beyond the share (1 - coverage) of the periods, down for each one fewer; at most 1 (the largest
 * error learned), and leaving at most twice the configured share of errors uncovered.
 */
export function coverageNow(model: ForecastModel, history: LoadHistory): CoverageNow {
  const periods = history.values.length;
  const missedPeriods = missedPeriodsOf(history);
  const moved = model.coverage + model.coverageGain * (missedPeriods - (1 - model.coverage) * periods);
  return { coverage: Math.min(1, Math.max(coverageLimit(model.coverage), moved)), missedPeriods, periods };
}

/** The scaled error at `coverage`, `index` + 1 periods ahead; NaN when the model kept none. */
function quantileAt(model: ForecastModel, index: number, coverage: number): number {
  const tail = model.errorTails[index] ?? [];
  const kept = model.errorCount - tail.length;
  return tail[Math.max(0, rankOf(coverage, model.errorCount) - kept)] ?? Number.NaN;
}

export interface ForecastBound {
  /** The largest point forecast over the horizon. */
  readonly point: number;
  /** The largest upper bound (point + headroom) over the horizon. */
  readonly upper: number;
  readonly horizonSteps: number;
  readonly coverage: CoverageNow;
}

/** The model's forecast over the next `horizonSteps` periods after the newest datapoint. */
export function forecastUpper(model: ForecastModel, history: LoadHistory): ForecastBound {
  const { values, stepMs } = history;
  const n = values.length - 1;
  const mean = (from: number, to: number) => directMean(values, from, to);
  const peak = (from: number, to: number) => {
    let top = 0;
    for (let j = Math.max(0, from); j <= to; j++) top = Math.max(top, values[j] ?? 0);
    return top;
  };
  const power = POWER[model.errorScale];
  const coverage = coverageNow(model, history);
  let point = 0;
  let upper = 0;
  model.errorTails.forEach((_, index) => {
    const p = predict(model.method, values, mean, peak, n, index + 1, stepMs, model.weights);
    point = Math.max(point, p);
    upper = Math.max(upper, upperOf(p, quantileAt(model, index, coverage.coverage), power, model.floor));
  });
  return { point, upper, horizonSteps: model.errorTails.length, coverage };
}

function formatHours(hours: number): string {
  return hours >= 48 ? `${Number((hours / 24).toFixed(1))} days` : `${Number(hours.toFixed(1))} h`;
}

const percent = (share: number) => `${Number((share * 100).toFixed(2))}%`;

/**
 * "the mean of the last 15 periods, headroom 12% (covers 99.62% of its relative errors over 3
 * days: 99.3% raised: 150 periods missed in the last 14 days, 141.1 allowed)".
 */
export function describeForecast(model: ForecastModel, bound: ForecastBound): string {
  const headroom = bound.point > 0 ? Math.round((100 * (bound.upper - bound.point)) / bound.point) : 0;
  const over = formatHours((model.backtestSteps * model.stepMs) / 3_600_000);
  const { coverage, missedPeriods, periods } = bound.coverage;
  const covers = `covers ${percent(coverage)} of its ${ERROR_DESCRIPTION[model.errorScale]} errors over ${over}`;
  if (percent(coverage) === percent(model.coverage)) return `${DESCRIPTION[model.method]}, headroom ${headroom}% (${covers})`;
  const window = formatHours((periods * model.stepMs) / 3_600_000);
  const allowed = Number(((1 - model.coverage) * periods).toFixed(1));
  const missed = `${missedPeriods} ${missedPeriods === 1 ? 'period' : 'periods'} missed`;
  const moved = `${percent(model.coverage)} ${coverage > model.coverage ? 'raised' : 'lowered'}: ${missed} in the last ${window}, ${allowed} allowed`;
  return `${DESCRIPTION[model.method]}, headroom ${headroom}% (${covers}: ${moved})`;
}

/** The metric value one capacity unit serves at most. */
export function unitCapacityOf(scaling: Pick<ScalingConfig, 'target'>, predictive: PredictiveConfig): number {
  return predictive.unitCapacity ?? scaling.target;
}

/**
 * The value a per-instance metric reads when the fleet is full: an explicit unitCapacity (100
 * for CPU %). None for a total metric, or with the default unitCapacity (the target), which is
 * not a ceiling.
 */
export function metricCeiling(scaling: Pick<ScalingConfig, 'metricType'>, predictive: PredictiveConfig): number | undefined {
  return scaling.metricType === 'per-instance' ? predictive.unitCapacity : undefined;
}

/** A metric datapoint as load in capacity units (a per-instance value counts for the warmed units). */
export function loadUnits(scaling: Pick<ScalingConfig, 'target' | 'metricType'>, predictive: PredictiveConfig, value: number, warmedUnits: number): number {
  const perUnit = unitCapacityOf(scaling, predictive);
  return scaling.metricType === 'per-instance' ? (value * warmedUnits) / perUnit : value / perUnit;
}

/**
 * The fit settings a fleet's config implies: the horizon covers warm-up (boot and the first
 * datapoint). Only a metric with a ceiling can show that the fleet was short, so without one the
 * coverage stays fixed: counting no misses, it would only ever be lowered.
 */
export function forecastSettings(scaling: Pick<ScalingConfig, 'metric' | 'metricType' | 'warmupSeconds'>, predictive: PredictiveConfig): ForecastSettings {
  const period = scaling.metric.periodSeconds;
  const horizonSteps = Math.max(1, Math.ceil(scaling.warmupSeconds / period));
  return {
    coverage: predictive.coverage,
    horizonSteps,
    backtestSteps: Math.round((predictive.backtestDays * 86_400) / period),
    minHistorySteps: Math.ceil((predictive.minHistoryHours * 3600) / period),
    bootSteps: Math.max(1, horizonSteps - 1),
    coverageGain: metricCeiling(scaling, predictive) === undefined ? 0 : predictive.coverageGain,
    historySteps: Math.round((LOAD_HISTORY_DAYS * 86_400) / period),
  };
}

/**
 * Whether to fit again: there is no model yet, the model is older than refitMinutes, it learned
 * its errors from less than backtestDays and as many periods have come since (a young fleet's
 * next fit learns from about twice as much), or the fleet was short in the newest period and in
 * more periods since the model was fitted than its coverage allows to miss (the load has outgrown
 * what the model learned). A fleet saturated at capacity.max is not short: a refit cannot help it.
 */
export function forecastIsStale(fit: ForecastFit | undefined, predictive: PredictiveConfig, nowMs: number, history?: LoadHistory): boolean {
  if (fit === undefined || 'unavailable' in fit) return true;
  const { model } = fit;
  if (nowMs - model.builtAtMs >= predictive.refitMinutes * 60_000) return true;
  const configuredBacktest = Math.round((predictive.backtestDays * 86_400_000) / model.stepMs);
  if (model.backtestSteps < configuredBacktest && nowMs - model.builtAtMs >= model.backtestSteps * model.stepMs) return true;
  const flags = history?.saturated;
  if (history === undefined || flags === undefined || flags[flags.length - 1] !== SHORT) return false;
  const since = Math.floor((history.startMs + flags.length * history.stepMs - model.builtAtMs) / history.stepMs);
  let short = 0;
  for (let k = Math.max(0, flags.length - since); k < flags.length; k++) if (flags[k] === SHORT) short++;
  return short > Math.max(1, (1 - model.coverage) * since);
}
