/**
 * Baseline: EC2 Auto Scaling predictive scaling in "forecast and scale" mode, together with
 * target tracking (sim/policies/target-tracking.ts), as documented:
 * - https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-predictive-scaling.html
 *   and https://docs.aws.amazon.com/autoscaling/application/userguide/aas-predictive-scaling-how-it-works.html:
 *   it analyses up to the past 14 days of the load metric (at least 24 hours are needed),
 *   forecasts the load hourly, refreshes the forecast every 6 hours, turns the load into
 *   capacity with the target utilisation, and scales out to the forecast but never scales in.
 * - https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PredictiveScalingConfiguration.html:
 *   SchedulingBufferTime (default 300 s) launches the capacity of an hour that much earlier.
 * AWS does not document its forecasting model; this stand-in forecasts an hour's mean load as
 * the mean load of the same hour of the day over the previous (up to) 14 days.
 */
import type { Observation, TargetStepParams } from '../engine.ts';
import { initialTargetTracking, targetTrackingStep, type TargetTrackingState } from './target-tracking.ts';

export const PREDICTIVE_HISTORY_DAYS = 14;
export const PREDICTIVE_MIN_HISTORY_HOURS = 24;
export const PREDICTIVE_REFRESH_HOURS = 6;
export const PREDICTIVE_BUFFER_S = 300;

const HOUR_MS = 3_600_000;

export interface PredictiveState {
  readonly tracking: TargetTrackingState;
  /** Mean observed load (in instances) of the latest complete hours, the oldest being `firstHour`. */
  readonly hourlyLoad: readonly number[];
  readonly firstHour: number;
  /** The load observed so far in the current hour, and over how many steps. */
  readonly hourSum: number;
  readonly hourSteps: number;
  /** Forecast load for the hours from `forecastFrom` on, made at the last refresh. */
  readonly forecastFrom: number;
  readonly forecast: readonly number[];
}

export const initialPredictive: PredictiveState = {
  tracking: initialTargetTracking,
  hourlyLoad: [],
  firstHour: 0,
  hourSum: 0,
  hourSteps: 0,
  forecastFrom: 0,
  forecast: [],
};

const KEPT_HOURS = PREDICTIVE_HISTORY_DAYS * 24;
const FORECAST_HOURS = 48;

/**
 * Forecasts the mean load of the `count` hours after the given complete hours (the newest last)
 * as the mean of the same hour of the day on each earlier day they cover.
 */
export function forecastHours(hourlyLoad: readonly number[], count: number): number[] {
  const forecast: number[] = [];
  for (let ahead = 0; ahead < count; ahead++) {
    let sum = 0;
    let days = 0;
    for (let index = hourlyLoad.length + ahead - 24; index >= 0; index -= 24) {
      if (index >= hourlyLoad.length) continue;
      sum += hourlyLoad[index] ?? 0;
      days++;
    }
    forecast.push(days === 0 ? 0 : sum / days);
  }
  return forecast;
}

/** One step of predictive scaling plus target tracking. */
export function predictiveStep(
  state: PredictiveState,
  observation: Observation,
  params: TargetStepParams,
): { readonly desired: number; readonly state: PredictiveState; readonly forecastCapacity?: number } {
  const tracked = targetTrackingStep(state.tracking, observation, params);
  let { hourlyLoad, firstHour, hourSum, hourSteps, forecastFrom, forecast } = state;
  if (observation.step > 0) {
    // The datapoint just observed belongs to the previous step's hour.
    const hour = Math.floor((observation.nowMs - params.stepS * 1000) / HOUR_MS);
    while (hour > firstHour + hourlyLoad.length) {
      hourlyLoad = [...hourlyLoad, hourSteps === 0 ? 0 : hourSum / hourSteps];
      hourSum = 0;
      hourSteps = 0;
      if (hourlyLoad.length > KEPT_HOURS) {
        hourlyLoad = hourlyLoad.slice(hourlyLoad.length - KEPT_HOURS);
        firstHour = hour - KEPT_HOURS;
      }
    }
    if (observation.utilisation !== undefined) {
      hourSum += observation.utilisation * observation.warmed;
      hourSteps++;
    }
  }
  const complete = firstHour + hourlyLoad.length;
  const history = complete >= PREDICTIVE_MIN_HISTORY_HOURS;
  if (history && (forecast.length === 0 || complete - forecastFrom >= PREDICTIVE_REFRESH_HOURS)) {
    forecastFrom = complete;
    forecast = forecastHours(hourlyLoad, FORECAST_HOURS);
  }
  const next: PredictiveState = { tracking: tracked.state, hourlyLoad, firstHour, hourSum, hourSteps, forecastFrom, forecast };
  // The capacity of the hour that starts one scheduling buffer from now is put in place now.
  const stepMs = params.stepS * 1000;
  const upcoming = Math.floor((observation.nowMs + PREDICTIVE_BUFFER_S * 1000) / HOUR_MS);
  const scheduleAt = upcoming * HOUR_MS - PREDICTIVE_BUFFER_S * 1000;
  const load = forecast[upcoming - forecastFrom];
  if (load === undefined || observation.nowMs >= scheduleAt + stepMs) return { desired: tracked.desired, state: next };
  const forecastCapacity = Math.ceil(load / params.target - 1e-9);
  return { desired: Math.max(tracked.desired, forecastCapacity), state: next, forecastCapacity };
}
