/** What a fleet's config implies for its forecast: the load in capacity units, the fit settings, and when to fit again. */
import type { PredictiveConfig, ScalingConfig } from '../config.ts';
import { type ForecastFit, type ForecastSettings, LOAD_HISTORY_DAYS, type LoadHistory, SHORT } from './types.ts';

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
