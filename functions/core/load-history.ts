/**
 * The load history a predictive fleet keeps between steps: the stored points become the evenly
 * spaced series the forecast reads, each step turns its metric into one point of load and adds it
 * to that series, and the cached forecast model is refitted only when it is stale. Pure: points
 * and series come in and go out as data.
 */
import type { ScalingConfig } from './config.ts';
import {
  AT_MAX,
  type ForecastFit,
  type ForecastModel,
  LOAD_HISTORY_DAYS,
  type LoadHistory,
  MISS_RUN_PERIODS,
  SHORT,
  buildForecast,
  forecastIsStale,
  forecastSettings,
  forecastUpper,
  isMissedPeriod,
  loadUnits,
  metricCeiling,
} from './forecast/index.ts';
import type { MetricReading } from './model.ts';

/** The start of the history window that ends now. */
export function historyStartMs(nowMs: number): number {
  return nowMs - LOAD_HISTORY_DAYS * 86_400_000;
}

/** The fleet's load over one metric period, in capacity units. */
export interface LoadPoint {
  /** Start of the metric period, a multiple of the period. */
  readonly periodStartMs: number;
  readonly load: number;
  /** The per-instance metric was at its explicit unitCapacity: the load was at least this, how much more is unknown. */
  readonly saturated?: boolean;
  /** Saturated with capacity.max units serving: the fleet's ceiling, not a forecast miss. */
  readonly atMaxCapacity?: boolean;
}

/** A fleet's stored history as the forecast reads it, and the same history with this step's point added. */
export interface StoredHistory {
  /** The stored points as assembleHistory makes them. */
  readonly history: LoadHistory;
  /** What addLoadPoint makes of the history and the point; a store may make it without copying the history. */
  withPoint(point: LoadPoint | undefined): LoadHistory | undefined;
}

/** A stored history whose step point is added by addLoadPoint (a copy of the history). */
export function storedHistory(history: LoadHistory, periodMs: number, nowMs: number): StoredHistory {
  return { history, withPoint: (point) => addLoadPoint(history, point, periodMs, nowMs) };
}

/** What the history and the cached model give this step's forecast. */
export interface PredictiveState {
  /** The stored history; this step's point is added by the step itself. */
  readonly history?: StoredHistory;
  /** The model fitted by an earlier step, if one is cached. */
  readonly model?: ForecastModel;
  /** Why the stored history could not be read: the step then scales by target tracking and says so. */
  readonly unreadable?: string;
}

type PredictiveScaling = Pick<ScalingConfig, 'metric' | 'metricType' | 'target' | 'warmupSeconds' | 'predictive'>;

/**
 * The load this step's metric shows, or undefined when it shows none: no datapoint, or a
 * per-instance metric with no warmed instance behind it. `maxUnits` is capacity.max.
 */
export function loadPointOf(scaling: PredictiveScaling, metric: MetricReading, warmedUnits: number, maxUnits: number): LoadPoint | undefined {
  const { predictive } = scaling;
  if (predictive === undefined || metric.kind !== 'value') return undefined;
  if (scaling.metricType === 'per-instance' && warmedUnits <= 0) return undefined;
  const periodMs = scaling.metric.periodSeconds * 1000;
  const ceiling = metricCeiling(scaling, predictive);
  const saturated = ceiling !== undefined && metric.value >= ceiling;
  return {
    periodStartMs: Math.floor(metric.timestampMs / periodMs) * periodMs,
    load: loadUnits(scaling, predictive, metric.value, warmedUnits),
    ...(saturated ? { saturated } : {}),
    ...(saturated && warmedUnits >= maxUnits ? { atMaxCapacity: true } : {}),
  };
}

/**
 * A total metric's past datapoints as load points, to start a new predictive fleet's history;
 * none for a per-instance metric, whose past warmed units are not known.
 */
export function backfilledPoints(
  scaling: PredictiveScaling,
  datapoints: ReadonlyArray<{ readonly timestampMs: number; readonly value: number }>,
): LoadPoint[] {
  const { predictive } = scaling;
  if (predictive === undefined || scaling.metricType !== 'total') return [];
  const periodMs = scaling.metric.periodSeconds * 1000;
  return datapoints
    .filter((d) => Number.isFinite(d.value) && d.value >= 0)
    .map((d) => ({ periodStartMs: Math.floor(d.timestampMs / periodMs) * periodMs, load: loadUnits(scaling, predictive, d.value, 0) }));
}

/** A point's flag in the history the forecast reads: 0, SHORT, or AT_MAX. */
export function saturationFlag(point: LoadPoint | undefined): number {
  return point?.saturated !== true ? 0 : point.atMaxCapacity === true ? AT_MAX : SHORT;
}

/** Whether the history of the window ending now has a place for the point: a whole period in it, with a usable load. */
export function isPlaceable(point: LoadPoint, periodMs: number, nowMs: number): boolean {
  const { periodStartMs, load } = point;
  return periodStartMs % periodMs === 0 && periodStartMs >= historyStartMs(nowMs) && periodStartMs <= nowMs && Number.isFinite(load) && load >= 0;
}

/**
 * The points of the last LOAD_HISTORY_DAYS as one value per period, oldest first: a period
 * seen twice keeps its last point, and a period with no point carries the value before it (as
 * not saturated). Saturated periods are flagged SHORT, or AT_MAX with capacity.max serving.
 * Undefined when there is no point in the window.
 */
export function assembleHistory(points: readonly LoadPoint[], periodMs: number, nowMs: number): LoadHistory | undefined {
  const byPeriod = new Map<number, LoadPoint>();
  for (const point of points) if (isPlaceable(point, periodMs, nowMs)) byPeriod.set(point.periodStartMs, point);
  if (byPeriod.size === 0) return undefined;
  const starts = [...byPeriod.keys()].sort((a, b) => a - b);
  const startMs = starts[0] ?? 0;
  const values = new Float64Array(((starts[starts.length - 1] ?? startMs) - startMs) / periodMs + 1);
  const saturated = new Uint8Array(values.length);
  let carried = 0;
  for (let i = 0; i < values.length; i++) {
    const point = byPeriod.get(startMs + i * periodMs);
    carried = point?.load ?? carried;
    values[i] = carried;
    saturated[i] = saturationFlag(point);
  }
  return { startMs, stepMs: periodMs, values, saturated };
}

/** The missed periods (isMissedPeriod) among periods from..to of the flags, in a window of them that starts at `start`. */
export function missedPeriodsIn(flags: ArrayLike<number>, from: number, to: number, start: number): number {
  let missed = 0;
  for (let k = Math.max(from, start); k <= Math.min(to, flags.length - 1); k++) if (isMissedPeriod(flags, k, start)) missed++;
  return missed;
}

/**
 * The history with one more point, as assembleHistory of its points and this one makes it: the
 * point replaces its period's value, or extends the history at either end with the value before
 * a gap carried over it; a point assembleHistory drops changes nothing. A period inside the
 * history is replaced alone: the history does not say which periods after it were carried over
 * a gap, so they keep their value. The history's missedPeriods, when it has one, is kept right
 * by recounting only the periods the point can change.
 */
export function addLoadPoint(history: LoadHistory | undefined, point: LoadPoint | undefined, periodMs: number, nowMs: number): LoadHistory | undefined {
  if (point === undefined || !isPlaceable(point, periodMs, nowMs)) return history;
  const flag = saturationFlag(point);
  if (history === undefined) return { startMs: point.periodStartMs, stepMs: periodMs, values: Float64Array.of(point.load), saturated: Uint8Array.of(flag) };
  const { values: old, saturated: oldFlags = new Uint8Array(old.length) } = history;
  const index = (point.periodStartMs - history.startMs) / periodMs;
  if (index >= 0 && index < old.length && old[index] === point.load && oldFlags[index] === flag) return history;
  const shift = Math.max(0, -index);
  const values = new Float64Array(Math.max(old.length, index + 1) + shift);
  const saturated = new Uint8Array(values.length);
  values.set(old, shift);
  saturated.set(oldFlags, shift);
  if (index >= old.length) values.fill(old[old.length - 1] ?? point.load, old.length, index);
  else if (index < 0) values.fill(point.load, 1, shift);
  values[index + shift] = point.load;
  saturated[index + shift] = flag;
  const added = { startMs: Math.min(history.startMs, point.periodStartMs), stepMs: periodMs, values, saturated };
  if (history.missedPeriods === undefined) return added;
  // Only the point's period and the MISS_RUN_PERIODS after it (or after the old start) look back at what changed.
  const from = Math.max(0, index);
  const to = from + MISS_RUN_PERIODS;
  const missedPeriods =
    history.missedPeriods -
    missedPeriodsIn(oldFlags, from, to, 0) +
    missedPeriodsIn(saturated, from + shift, to + shift, 0) +
    (shift > 0 ? missedPeriodsIn(saturated, 0, 0, 0) : 0);
  return { ...added, missedPeriods };
}

/**
 * The cached model while it is fresh and made for this config; otherwise a new fit to the
 * history (or why there is none).
 */
export function refreshForecast(scaling: PredictiveScaling, history: LoadHistory, cached: ForecastModel | undefined, nowMs: number): ForecastFit {
  const { predictive } = scaling;
  if (predictive === undefined) return { unavailable: 'scaling.predictive is off' };
  const settings = forecastSettings(scaling, predictive);
  const fits =
    cached !== undefined &&
    cached.stepMs === history.stepMs &&
    cached.errorTails.length === settings.horizonSteps &&
    cached.coverage === settings.coverage &&
    cached.coverageGain === settings.coverageGain &&
    cached.builtAtMs <= nowMs;
  // A model cached by another version of fleetward may not evaluate: then it is refitted too.
  if (fits && !forecastIsStale({ model: cached }, predictive, nowMs, history) && Number.isFinite(forecastUpper(cached, history).upper)) return { model: cached };
  return buildForecast(history, settings, nowMs);
}
