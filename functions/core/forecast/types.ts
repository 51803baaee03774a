/** The forecast's plain data: the load history it reads, the settings it is fitted with, the model it keeps. */

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

/** Every forecast method, in the order a fit tries them. */
export const FORECAST_METHODS = ['last', 'trend', 'mean-5', 'mean-15', 'mean-60', 'peak-60', 'peak-240', 'linear', 'daily', 'weekly'] as const;
export type ForecastMethod = (typeof FORECAST_METHODS)[number];

/** How errors scale with the load, in the order a fit tries them: absolute, with its square root (counting noise), relative. */
export const ERROR_SCALES = ['absolute', 'sqrt', 'relative'] as const;
export type ErrorScale = (typeof ERROR_SCALES)[number];

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
