/**
 * The I/O around a predictive fleet's load history: reading the assembled history and cached
 * model for a step (starting a total metric's history from CloudWatch), and storing what the step
 * adds. None of it can fail a step: a failure costs forecast quality, and says so.
 */
import type { FleetConfig } from '../core/config.ts';
import { type PredictiveState, assembleHistory, backfilledPoints, historyStartMs, storedHistory } from '../core/load-history.ts';
import type { StepDecision } from '../core/step/index.ts';
import { type StepDependencies, errorMessage } from './journal.ts';

/** A predictive fleet's stored load history and cached model; nothing for other fleets. */
export async function readPredictiveState(deps: StepDependencies, fleet: FleetConfig): Promise<PredictiveState | undefined> {
  if (fleet.scaling.predictive === undefined) return undefined;
  const [history, model] = await Promise.all([
    deps.history.readHistory(fleet.name, fleet.scaling.metric.periodSeconds, deps.clock.now()),
    deps.history.getForecastModel(fleet.name),
  ]);
  return { ...(history === undefined ? {} : { history }), ...(model === undefined ? {} : { model }) };
}

/**
 * A predictive fleet on a total metric with no stored history starts from the metric's last 14
 * days in CloudWatch; `store` keeps them (a plan only reads). Failing costs forecasts, not the step.
 */
async function withBackfill(deps: StepDependencies, fleet: FleetConfig, state: PredictiveState | undefined, store: boolean) {
  if (state === undefined || state.history !== undefined || fleet.scaling.metricType !== 'total') return state;
  const nowMs = deps.clock.now();
  const { periodSeconds } = fleet.scaling.metric;
  let points;
  try {
    points = backfilledPoints(fleet.scaling, await deps.metrics.history(fleet.scaling.metric, historyStartMs(nowMs), nowMs));
  } catch (error) {
    deps.log.warn('reading the metric history failed; the load history starts with this step', { fleet: fleet.name, error: errorMessage(error) });
    return state;
  }
  if (store && points.length > 0) {
    await deps.history
      .putLoadHistory(fleet.name, periodSeconds, points)
      .catch((error: unknown) => deps.log.warn('storing the metric history failed; the next step reads it again', { fleet: fleet.name, error: errorMessage(error) }));
  }
  const history = assembleHistory(points, periodSeconds * 1000, nowMs);
  return history === undefined ? state : { ...state, history: storedHistory(history, periodSeconds * 1000, nowMs) };
}

/** Keeps this step's load point and any new model; losing them costs forecast quality, not the step. */
export async function savePredictiveState(deps: StepDependencies, fleet: FleetConfig, decision: StepDecision): Promise<void> {
  try {
    if (decision.loadPoint !== undefined) await deps.history.recordLoad(fleet.name, fleet.scaling.metric.periodSeconds, decision.loadPoint);
    if (decision.forecastModel !== undefined) await deps.history.putForecastModel(fleet.name, decision.forecastModel);
  } catch (error) {
    deps.log.warn('saving the load history failed; the forecast carries the last value over the gap', {
      fleet: fleet.name,
      error: errorMessage(error),
    });
  }
}

/** What a step decides with: the stored state, backfilled if empty, or why it could not be read. */
export function predictiveStateForStep(deps: StepDependencies, fleet: FleetConfig, storeBackfill: boolean): Promise<PredictiveState | undefined> {
  return readPredictiveState(deps, fleet).then(
    (state) => withBackfill(deps, fleet, state, storeBackfill),
    (error: unknown): PredictiveState => {
      deps.log.warn('reading the load history failed; this step scales by target tracking', { fleet: fleet.name, error: errorMessage(error) });
      return { unreadable: errorMessage(error) };
    },
  );
}
