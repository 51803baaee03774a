/** The forecast methods: the history each needs, and each one's point forecast h periods after a point. */
import { LINEAR_ORDER, linearPoint } from './linear.ts';
import type { ForecastMethod } from './types.ts';

const MINUTE_MS = 60_000;
const SEASONAL_SMOOTHING = 2;
const LEVEL_STEPS = 15;

/** The methods that follow the daily or weekly pattern. */
export const SEASONAL: ReadonlySet<ForecastMethod> = new Set(['daily', 'weekly']);

/** Periods in a day. */
export function periodsPerDay(stepMs: number): number {
  return Math.round((1440 * MINUTE_MS) / stepMs);
}

/** A method's periods of history needed before its first forecast. */
export function lookback(method: ForecastMethod, stepMs: number): number {
  const day = periodsPerDay(stepMs);
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

/** Reads history values by index; prefix sums make window means O(1). */
export class Series {
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
export function directMean(values: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  let count = 0;
  for (let j = Math.max(0, from); j <= to && j < values.length; j++) {
    sum += values[j] ?? 0;
    count++;
  }
  return count === 0 ? 0 : sum / count;
}

/** Peak of values[from..to] (for one forecast at the newest point). */
export function directPeak(values: ArrayLike<number>, from: number, to: number): number {
  let top = 0;
  for (let j = Math.max(0, from); j <= to; j++) top = Math.max(top, values[j] ?? 0);
  return top;
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

/** The seasonal method's period, in periods of the history: a day or a week. */
const seasonOf = (method: ForecastMethod, stepMs: number) => (method === 'daily' ? periodsPerDay(stepMs) : 7 * periodsPerDay(stepMs));

/** How many past seasons the method averages: up to 3 days that the history has, one week. */
const cyclesOf = (method: ForecastMethod, available: number, period: number) =>
  method === 'daily' ? Math.max(1, Math.min(3, Math.floor((available - LEVEL_STEPS) / period))) : 1;

/** Point forecast of a method for period i + h, made with the data up to period i. */
export function predict(
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
      const period = seasonOf(method, stepMs);
      return seasonal(mean, i, h, period, cyclesOf(method, i + 1, period));
    }
  }
}
