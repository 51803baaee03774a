/**
 * Phase four: the desired capacity. The fleet as it serves now (in-service instances that have
 * not failed, those a voluntary disruption is about to take out included: they serve until they
 * are drained) is measured, its load point joins the history of a predictive fleet, and target
 * tracking with the forecast decides, within the bounds of the schedule open now, if any, and
 * down to zero for a fleet idle long enough.
 */
import { idleSince, withIdle } from '../calendar/idle.ts';
import { type CapacityBounds, capacityBounds } from '../calendar/scheduled-capacity.ts';
import type { FleetConfig } from '../config.ts';
import { type LoadPoint, type PredictiveState, addLoadPoint, loadPointOf, refreshForecast } from '../load-history.ts';
import { type Member, sumUnits } from '../placement.ts';
import { unsettledReading } from '../metric-cadence.ts';
import { type CapacityDecision, type ForecastInput, type ScalingStatus, decideCapacity } from '../scaling.ts';
import type { CapacitySnapshot, StepContext, StepInput } from './context.ts';

export interface CapacityPlan {
  readonly snapshot: CapacitySnapshot;
  readonly decision: CapacityDecision;
  readonly loadPoint?: LoadPoint;
  readonly forecast?: ForecastInput;
  /** Since when the load has been zero, for an idle fleet (the next status keeps it). */
  readonly idleSinceMs?: number;
  /** The window start of the schedule that set desired this step (the next status keeps it). */
  readonly scheduledDesiredAtMs?: number;
  /** This step's reading makes the next step read the metric whatever its cadence (../metric-cadence.ts). */
  readonly metricUnsettled: boolean;
}

/** The status scaling moves from: a schedule's desired capacity at the first step of its window, and the bounds saying so. */
function scheduledStart(status: StepContext['status'], bounds: CapacityBounds): { status: ScalingStatus | undefined; bounds: CapacityBounds } {
  const start = bounds.desiredAtStart;
  if (start === undefined || status?.scheduledDesiredAtMs === start.windowStartMs) return { status, bounds };
  const why = `${bounds.why ?? ''}; it sets desired ${start.value} now, at the start of its window`;
  return { status: { ...(status ?? { recommendations: [] }), desiredCapacity: start.value }, bounds: { ...bounds, why } };
}

/** The history with this step's point, and the forecast fitted to it, for a predictive fleet. */
function forecastInput(fleet: FleetConfig, state: PredictiveState | undefined, point: LoadPoint | undefined, nowMs: number): ForecastInput | undefined {
  if (fleet.scaling.predictive === undefined) return undefined;
  const history = state?.history === undefined ? addLoadPoint(undefined, point, fleet.scaling.metric.periodSeconds * 1000, nowMs) : state.history.withPoint(point);
  if (history === undefined) return undefined;
  if (state?.unreadable !== undefined) return { history, fit: { unavailable: `reading the load history failed (${state.unreadable})` } };
  return { history, fit: refreshForecast(fleet.scaling, history, state?.model, nowMs) };
}

function snapshotOf(context: StepContext, members: readonly Member[], unitsInFlight: number): CapacitySnapshot {
  const warmupMs = context.fleet.scaling.warmupSeconds * 1000;
  const warming = members.filter((m) => m.launchedAtMs + warmupMs > context.nowMs);
  const currentUnits = sumUnits(members);
  return {
    currentUnits,
    replacingUnits: unitsInFlight,
    warmedUnits: currentUnits - sumUnits(warming),
    warmingInstances: warming.length,
    instances: members.length,
  };
}

export function planCapacity(context: StepContext, input: Pick<StepInput, 'metric' | 'predictive'>, members: readonly Member[], unitsInFlight: number): CapacityPlan {
  const { fleet, nowMs } = context;
  const snapshot = snapshotOf(context, members, unitsInFlight);
  const loadPoint = loadPointOf(fleet.scaling, input.metric, snapshot.warmedUnits, fleet.capacity.max);
  const forecast = forecastInput(fleet, input.predictive, loadPoint, nowMs);
  const idleSinceMs = idleSince(fleet, input.metric, context.status?.idleSinceMs, nowMs);
  const scheduled = scheduledStart(context.status, withIdle(capacityBounds(fleet, nowMs), fleet, idleSinceMs, nowMs));
  const decision = decideCapacity({
    fleet,
    status: scheduled.status,
    currentUnits: snapshot.currentUnits,
    warmedUnits: snapshot.warmedUnits,
    warmingInstances: snapshot.warmingInstances,
    metric: input.metric,
    nowMs,
    bounds: scheduled.bounds,
    ...(forecast === undefined ? {} : { forecast }),
  });
  return {
    snapshot,
    decision,
    metricUnsettled: unsettledReading(fleet, input.metric, decision.desiredCapacity, snapshot.warmedUnits),
    ...(loadPoint === undefined ? {} : { loadPoint }),
    ...(forecast === undefined ? {} : { forecast }),
    ...(idleSinceMs === undefined ? {} : { idleSinceMs }),
    ...(scheduled.bounds.desiredAtStart === undefined ? {} : { scheduledDesiredAtMs: scheduled.bounds.desiredAtStart.windowStartMs }),
  };
}
