// The baselines step by step against hand-computed scenarios: AWS target tracking, the Kubernetes HPA, AWS predictive scaling, static.
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../sim/engine.ts';
import { hpaStep, initialHpa, type HpaState } from '../../../sim/policies/hpa.ts';
import { createPolicy } from '../../../sim/policies/index.ts';
import { forecastHours, initialPredictive, predictiveStep, type PredictiveState } from '../../../sim/policies/predictive.ts';
import { initialTargetTracking, targetTrackingStep, type TargetTrackingState } from '../../../sim/policies/target-tracking.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** An observation: step k at k minutes, the utilisation seen, warmed, alive and in-service instances. */
function obs(step: number, utilisation: number | undefined, warmed: number, alive = warmed, inService = warmed): Observation {
  return { step, nowMs: step * MINUTE, utilisation, warmed, alive, inService };
}

/** Feeds observations through a pure step function; returns the desired capacity of each. */
function drive<S>(initial: S, step: (state: S, o: Observation) => { desired: number; state: S }, observations: Observation[]): number[] {
  let state = initial;
  return observations.map((o) => {
    const result = step(state, o);
    state = result.state;
    return result.desired;
  });
}

describe('AWS target tracking (target 50%)', () => {
  const tt = (state: TargetTrackingState, o: Observation) => targetTrackingStep(state, o, { target: 0.5 });

  it('scales out after 3 datapoints above the target, to capacity × metric / target rounded up, and again each minute the alarm stays', () => {
    expect(
      drive(initialTargetTracking, tt, [
        obs(0, 0.6, 4),
        obs(1, 0.7, 4),
        obs(2, 0.8, 4), // ceil(4 × 0.8 / 0.5) = ceil(6.4)
        obs(3, 0.9, 4, 7, 4), // still in alarm: ceil(4 × 0.9 / 0.5) = ceil(7.2) = 8 > 7
        obs(4, 0.55, 4, 8, 7), // ceil(4.4) = 5 is below the 8 already there
        obs(5, 0.52, 7, 8, 8), // ceil(7.28) = 8: nothing to add
      ]),
    ).toEqual([4, 4, 7, 8, 8, 8]);
  });

  it('does not count a broken run of high datapoints', () => {
    expect(drive(initialTargetTracking, tt, [obs(0, 0.8, 4), obs(1, 0.8, 4), obs(2, 0.5, 4), obs(3, 0.8, 4), obs(4, 0.8, 4), obs(5, 0.8, 4)])).toEqual([
      4, 4, 4, 4, 4, 7,
    ]);
  });

  it('scales in after 15 datapoints below 90% of the target, removing whole instances without going above the target', () => {
    const low = Array.from({ length: 15 }, (_, k) => obs(k, 0.3, 10));
    // 15th: ceil(10 × 0.3 / 0.5) = 6 keeps the metric at 50%; then 6 × 0.5 / 0.5 = 6 holds.
    expect(drive(initialTargetTracking, tt, [...low, obs(15, 0.5, 6)])).toEqual([...Array(14).fill(10), 6, 6]);
    // 0.46 is above the 45% threshold: the count starts again.
    const broken = [...low.slice(0, 14), obs(14, 0.46, 10), ...Array.from({ length: 15 }, (_, k) => obs(15 + k, 0.31, 10))];
    expect(drive(initialTargetTracking, tt, broken)).toEqual([...Array(29).fill(10), 7]);
  });

  it('does not scale in while an instance is warming up', () => {
    const low = Array.from({ length: 14 }, (_, k) => obs(k, 0.3, 10, 11, 10));
    expect(drive(initialTargetTracking, tt, [...low, obs(14, 0.3, 10, 11, 10), obs(15, 0.3, 10, 11, 11)])).toEqual([...Array(15).fill(11), 6]);
  });

  it('holds without a datapoint', () => {
    expect(drive(initialTargetTracking, tt, [obs(0, 0.9, 4), obs(1, 0.9, 4), obs(2, undefined, 0, 4, 0), obs(3, 0.9, 4)])).toEqual([4, 4, 4, 4]);
  });
});

describe('Kubernetes HPA (target 50%)', () => {
  const hpa = (state: HpaState, o: Observation) => hpaStep(state, o, { target: 0.5, stepS: 60 });

  it('scales to ceil(ready × metric / target) outside the 10% tolerance, dampened while pods are not ready', () => {
    expect(
      drive(initialHpa, hpa, [
        obs(0, 0.52, 4), // ratio 1.04: within tolerance
        obs(1, 0.8, 4), // ceil(1.6 × 4) = 7
        obs(2, 0.9, 4, 7, 4), // 3 not ready count as 0%: 0.9 × 4 / (0.5 × 7) = 1.03, within tolerance
        obs(3, 1, 4, 7, 4), // 1 × 4 / 3.5 = 1.14: ceil(1.14 × 7) = 8
      ]),
    ).toEqual([4, 7, 7, 8]);
  });

  it('adds at most max(4 pods, 100%) per period', () => {
    expect(drive(initialHpa, (s, o) => hpaStep(s, o, { target: 0.2, stepS: 60 }), [obs(0, 1, 2), obs(1, 1, 20)])).toEqual([6, 40]);
  });

  it('scales down only to the highest recommendation of the last 5 minutes', () => {
    // Recommendations 10 (within tolerance), then 5 each minute; the 10 leaves the window at 300 s.
    expect(drive(initialHpa, hpa, [obs(0, 0.5, 10), ...[1, 2, 3, 4, 5].map((k) => obs(k, 0.25, 10))])).toEqual([10, 10, 10, 10, 10, 5]);
  });
});

describe('AWS predictive scaling (target 50%)', () => {
  it('forecasts an hour as the mean of the same hour on the earlier days', () => {
    const day0 = Array.from({ length: 24 }, (_, h) => h);
    const day1 = day0.map((h) => h + 10);
    expect(forecastHours([...day0, ...day1], 3)).toEqual([5, 6, 7]);
    expect(forecastHours(day1, 2)).toEqual([10, 11]);
  });

  const at = (state: PredictiveState, nowMs: number, alive: number) =>
    predictiveStep(state, { step: nowMs / MINUTE, nowMs, utilisation: 0.5, warmed: alive, alive, inService: alive }, { target: 0.5, stepS: 60 });

  it("puts the next hour's forecast capacity in place 5 minutes before it starts, and never scales in by itself", () => {
    const state: PredictiveState = {
      ...initialPredictive,
      hourlyLoad: Array(30).fill(4),
      hourSum: 0,
      hourSteps: 0,
      forecastFrom: 30,
      forecast: [4.2, 7.2, 3.1],
    };
    const early = at(state, 31 * HOUR - 6 * MINUTE, 10);
    expect(early.desired).toBe(10);
    const scheduled = at(early.state, 31 * HOUR - 5 * MINUTE, 10);
    expect(scheduled).toMatchObject({ desired: 15, forecastCapacity: 15 }); // ceil(7.2 / 0.5)
    expect(at(scheduled.state, 31 * HOUR - 4 * MINUTE, 15).desired).toBe(15);
    // Hour 32's forecast, 3.1, needs 7: less than the 15 in place, so nothing changes.
    expect(at(scheduled.state, 32 * HOUR - 5 * MINUTE, 15)).toMatchObject({ desired: 15, forecastCapacity: 7 });
  });

  it('forecasts from 24 complete hours of load, refreshed every 6 hours', () => {
    let state = initialPredictive;
    let forecasts = 0;
    let previous = state.forecast;
    for (let step = 1; step <= 31 * 60; step++) {
      state = predictiveStep(state, { step, nowMs: step * MINUTE, utilisation: 0.5, warmed: 4, alive: 4, inService: 4 }, { target: 0.5, stepS: 60 }).state;
      if (state.forecast !== previous) {
        forecasts++;
        previous = state.forecast;
        expect([state.forecastFrom, state.forecast[0]]).toEqual([forecasts === 1 ? 24 : 30, 2]);
      }
    }
    expect(forecasts).toBe(2);
  });
});

describe('static provisioning', () => {
  it('keeps the peak all the time', () => {
    const demand = { stepS: 60, values: Float64Array.from([1, 7.5, 3]), scale: 1, peak: 7.5 };
    const settings = { stepS: 60, bootS: 120, instanceCapacity: 1, warmupSteps: 0, minInstances: 1, maxInstances: 30 };
    const { policy, initialInstances } = createPolicy('static', 0.5, demand, settings);
    expect(initialInstances).toBe(8);
    if (!('decide' in policy)) throw new Error('static provisioning names a desired capacity');
    expect([0, 1, 2].map((step) => policy.decide(obs(step, 0.1, 8)))).toEqual([8, 8, 8]);
  });
});
