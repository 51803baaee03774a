/**
 * Baseline: the Kubernetes Horizontal Pod Autoscaler's algorithm with its default behaviour,
 * as documented at https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 * - "Algorithm details": desired = ceil(current × metric / target) over the ready pods; no
 *   change while the ratio is within the 10% tolerance; when scaling up with pods not yet ready,
 *   those count as using 0% of the target, and the scale-up is skipped if that reverses the
 *   direction or falls within the tolerance.
 * - "Stabilization window" / "Default Behavior": scale-down uses the highest recommendation of
 *   the last 300 s; scale-up has no window and adds at most max(4 pods, 100%) per 15 s period.
 * The HPA syncs every 15 s by default; here it decides once per control step, so the per-period
 * limit applies to each step.
 */
import type { Observation, TargetStepParams } from '../engine.ts';

export const HPA_TOLERANCE = 0.1;
export const HPA_SCALE_DOWN_WINDOW_S = 300;
export const HPA_SCALE_UP_PODS = 4;
export const HPA_SCALE_UP_PERCENT = 100;

export interface HpaState {
  /** Raw recommendations of the scale-down window, oldest first. */
  readonly recommendations: ReadonlyArray<{ readonly atMs: number; readonly replicas: number }>;
}

export const initialHpa: HpaState = { recommendations: [] };

const EPSILON = 1e-9;

/** The replica calculator's recommendation, before stabilization and rate limits. */
export function hpaRecommendation(observation: Observation, target: number): number {
  const { utilisation, warmed: ready, alive: current } = observation;
  if (utilisation === undefined || ready === 0) return current;
  const ratio = utilisation / target;
  const unready = current - ready;
  if (unready > 0 && ratio > 1) {
    const dampened = (utilisation * ready) / (target * current);
    if (Math.abs(dampened - 1) <= HPA_TOLERANCE || dampened < 1) return current;
    const replicas = Math.ceil(dampened * current - EPSILON);
    return replicas < current ? current : replicas;
  }
  if (Math.abs(ratio - 1) <= HPA_TOLERANCE) return current;
  return Math.ceil(ratio * ready - EPSILON);
}

/** One HPA sync: the stabilized, rate-limited desired replicas. */
export function hpaStep(
  state: HpaState,
  observation: Observation,
  params: TargetStepParams,
): { readonly desired: number; readonly state: HpaState } {
  const current = observation.alive;
  const recommendation = hpaRecommendation(observation, params.target);
  const since = observation.nowMs - HPA_SCALE_DOWN_WINDOW_S * 1000;
  const recommendations = [...state.recommendations.filter((r) => r.atMs > since), { atMs: observation.nowMs, replicas: recommendation }];
  const highest = Math.max(...recommendations.map((r) => r.replicas));
  let desired = current;
  if (recommendation > current) desired = recommendation;
  else if (highest < current) desired = highest;
  const upLimit = Math.max(current + HPA_SCALE_UP_PODS, Math.ceil(current * (1 + HPA_SCALE_UP_PERCENT / 100)));
  desired = Math.min(desired, upLimit);
  return { desired: Math.max(1, desired), state: { recommendations } };
}
