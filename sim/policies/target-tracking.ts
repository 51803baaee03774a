/**
 * Baseline: EC2 Auto Scaling target tracking, as documented.
 * - https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
 *   and .../target-tracking-scaling-policy-overview.html: the policy creates and manages two
 *   CloudWatch alarms; it scales out as soon as the metric is above the target and scales in
 *   gradually; the alarm for scale-out needs 3 of 3 one-minute datapoints above the target, the
 *   one for scale-in 15 of 15 below a lower threshold (90% of the target); the new capacity is
 *   proportional (capacity × metric / target, rounded up when adding, and whole instances are
 *   removed only while the metric stays at or below the target, i.e. the remainder rounds down).
 * - https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-default-instance-warmup.html:
 *   instances still warming up do not contribute to the aggregated metric, and scale-in waits
 *   until they have warmed up.
 * - https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html:
 *   an alarm that stays in ALARM keeps invoking its Auto Scaling action every period, so each
 *   minute above the target (after the first three) re-evaluates the capacity.
 */
import type { Observation } from '../engine.ts';

export interface TargetTrackingParams {
  /** Target utilisation, 0..1. */
  readonly target: number;
}

export interface TargetTrackingState {
  /** Consecutive datapoints above the target. */
  readonly above: number;
  /** Consecutive datapoints below the scale-in threshold. */
  readonly below: number;
}

export const TARGET_TRACKING_OUT_DATAPOINTS = 3;
export const TARGET_TRACKING_IN_DATAPOINTS = 15;
/** The scale-in alarm's threshold, as a share of the target. */
export const TARGET_TRACKING_LOW_RATIO = 0.9;

export const initialTargetTracking: TargetTrackingState = { above: 0, below: 0 };

const EPSILON = 1e-9;

/** Capacity that brings the metric to the target: warmed instances × metric / target, rounded up. */
export function proportionalCapacity(warmed: number, utilisation: number, target: number): number {
  return Math.ceil((warmed * utilisation) / target - EPSILON);
}

/** One step of target tracking: the group's desired capacity and the alarms' datapoint counts. */
export function targetTrackingStep(
  state: TargetTrackingState,
  observation: Observation,
  params: TargetTrackingParams,
): { readonly desired: number; readonly state: TargetTrackingState } {
  const { utilisation, warmed, alive, inService } = observation;
  if (utilisation === undefined) return { desired: alive, state: initialTargetTracking };
  const next: TargetTrackingState = {
    above: utilisation > params.target ? state.above + 1 : 0,
    below: utilisation < params.target * TARGET_TRACKING_LOW_RATIO ? state.below + 1 : 0,
  };
  const proposed = proportionalCapacity(warmed, utilisation, params.target);
  if (next.above >= TARGET_TRACKING_OUT_DATAPOINTS && proposed > alive) return { desired: proposed, state: next };
  const warming = alive - inService;
  if (next.below >= TARGET_TRACKING_IN_DATAPOINTS && warming === 0 && proposed < alive) {
    return { desired: Math.max(1, proposed), state: next };
  }
  return { desired: alive, state: next };
}
