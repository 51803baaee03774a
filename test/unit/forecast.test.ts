// Predictive pre-scaling in the core: fitting the forecast, its bound, the config section, and decideCapacity's exact reasons with a forecast.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PredictiveConfig, type ScalingConfig, validateConfig } from '../../functions/core/config.ts';
import {
  buildForecast,
  type ForecastModel,
  forecastIsStale,
  forecastSettings,
  forecastUpper,
  type LoadHistory,
  loadUnits,
} from '../../functions/core/forecast.ts';
import type { MetricReading, Recommendation } from '../../functions/core/model.ts';
import { type CapacityInput, decideCapacity, type ForecastInput } from '../../functions/core/scaling.ts';
import { cpuScaling } from './fixtures.ts';

const NOW = 2_000_000_000;
const STEP = 60_000;
const PREDICTIVE: PredictiveConfig = { unitCapacity: 100, coverage: 0.993, coverageGain: 0, backtestDays: 3, minHistoryHours: 4, refitMinutes: 360 };
const SETTINGS = { coverage: 0.993, horizonSteps: 3, backtestSteps: 4320, minHistorySteps: 240, bootSteps: 2, coverageGain: 0, historySteps: 20_160 };

const historyOf = (values: readonly number[]): LoadHistory => ({ startMs: NOW - values.length * STEP, stepMs: STEP, values: Float64Array.from(values) });

function scaling(extra: Partial<ScalingConfig> = {}): ScalingConfig {
  return cpuScaling({ warmupSeconds: 180, predictive: PREDICTIVE, ...extra });
}

/** A model's tails when one error per horizon was learned: that error is the quantile at every coverage. */
const oneError = (quantiles: readonly number[]) => ({ errorTails: quantiles.map((quantile) => [quantile]), errorCount: 1 });

const MEAN_15: ForecastModel = {
  builtAtMs: NOW - 600_000,
  stepMs: STEP,
  method: 'mean-15',
  errorScale: 'relative',
  ...oneError([0.1, 0.2, 0.25]),
  floor: 0.1,
  coverage: 0.993,
  coverageGain: 0,
  backtestSteps: 4320,
};

/** The bound without how the coverage moved. */
const boundOf = (model: ForecastModel, history: LoadHistory) => {
  const { point, upper, horizonSteps } = forecastUpper(model, history);
  return { point, upper, horizonSteps };
};

const cpu = (value: number): MetricReading => ({ kind: 'value', value, timestampMs: NOW - STEP, label: 'cpu' });

function input(options: { desired: number; warmed?: number; metric: MetricReading; forecast?: ForecastInput; scaling?: ScalingConfig; recommendations?: Recommendation[] }): CapacityInput {
  const warmed = options.warmed ?? options.desired;
  return {
    fleet: { capacity: { min: 1, max: 50 }, scaling: options.scaling ?? scaling() },
    status: { desiredCapacity: options.desired, recommendations: options.recommendations ?? [] },
    currentUnits: options.desired,
    warmedUnits: warmed,
    warmingInstances: 0,
    metric: options.metric,
    nowMs: NOW,
    ...(options.forecast === undefined ? {} : { forecast: options.forecast }),
  };
}

const EIGHTS = historyOf(Array(300).fill(8));

describe('forecastUpper', () => {
  it('evaluates the chosen method at the newest datapoint and adds each horizon\'s headroom', () => {
    expect(boundOf(MEAN_15, EIGHTS)).toEqual({ point: 8, upper: 10, horizonSteps: 3 });
    const trend: ForecastModel = { ...MEAN_15, method: 'trend', errorScale: 'absolute', ...oneError([1, 1, 1]) };
    expect(boundOf(trend, historyOf([...Array(20).fill(5), 6, 7]))).toEqual({ point: 10, upper: 11, horizonSteps: 3 });
    const peak: ForecastModel = { ...MEAN_15, method: 'peak-60', errorScale: 'sqrt', ...oneError([0, 0.5]) };
    expect(boundOf(peak, historyOf([...Array(30).fill(2), 16, ...Array(30).fill(3)]))).toEqual({ point: 16, upper: 18, horizonSteps: 2 });
  });

  it('evaluates a linear model with its weights row for each horizon, newest value first, and cannot without them', () => {
    const row = (constant: number, newest: number, before: number) => [constant, newest, before, 0, 0, 0, 0, 0, 0, 0, 0];
    const linear: ForecastModel = { ...MEAN_15, method: 'linear', errorScale: 'absolute', ...oneError([1, 2]), weights: [row(1, 0.5, 0.5), row(0, 2, -1)] };
    const history = historyOf([...Array(20).fill(4), 6, 10]);
    // Ahead 1: 1 + 0.5 × 10 + 0.5 × 6 = 9 (bound 10); ahead 2: 2 × 10 − 6 = 14 (bound 16).
    expect(boundOf(linear, history)).toEqual({ point: 14, upper: 16, horizonSteps: 2 });
    const { weights: _weights, ...withoutWeights } = linear;
    expect(forecastUpper(withoutWeights, history).upper).toBeNaN();
    expect(forecastUpper({ ...linear, weights: [row(1, 0.5, 0.5)] }, history).upper).toBeNaN();
  });
});

describe('buildForecast', () => {
  it('waits for the minimum history', () => {
    expect(buildForecast(historyOf(Array(120).fill(3)), SETTINGS, NOW)).toEqual({ unavailable: '2 h of load history, 4 h needed' });
  });

  it('bounds a steady ramp exactly: the newest value plus the climb over the horizon', () => {
    const ramp = Array.from({ length: 600 }, (_, i) => 10 + i / 4);
    const fit = buildForecast(historyOf(ramp), SETTINGS, NOW);
    if (!('model' in fit)) throw new Error(fit.unavailable);
    expect(fit.model).toMatchObject({ builtAtMs: NOW, backtestSteps: 357, coverage: 0.993 });
    expect(forecastUpper(fit.model, historyOf(ramp)).upper).toBeCloseTo(10 + 599 / 4 + 3 / 4, 9);
  });

  it('fits from the minimum history: a method that needs more than half of it (the 240-period peak) waits', () => {
    const ramp = (length: number) => Array.from({ length }, (_, i) => 10 + i / 4);
    // 4 h: the 60-period methods set the replay's start, so 3 h of errors (177 points), not none.
    const fourHours = buildForecast(historyOf(ramp(240)), SETTINGS, NOW);
    if (!('model' in fourHours)) throw new Error(fourHours.unavailable);
    expect(fourHours.model.backtestSteps).toBe(177);
    expect(forecastUpper(fourHours.model, historyOf(ramp(240))).upper).toBeCloseTo(10 + 239 / 4 + 3 / 4, 9);
    // minHistoryHours 1: only methods of at most 30 periods' lookback; the 15-period mean sets the start.
    const oneHour = buildForecast(historyOf(ramp(60)), { ...SETTINGS, minHistorySteps: 60 }, NOW);
    expect('model' in oneHour && oneHour.model.backtestSteps).toBe(42);
    // With 8 h, every method replays over the same span after the 240-period peak's lookback.
    const eightHours = buildForecast(historyOf(ramp(480)), SETTINGS, NOW);
    expect('model' in eightHours && eightHours.model.backtestSteps).toBe(479 - 3 - 240 + 1);
  });

  it('learns a daily pattern of level changes, and pre-scales before a rise instead of holding headroom all day', () => {
    // Every two hours the level changes; the pattern repeats daily for 5 days.
    const levels = [2, 10, 5, 8, 3, 12, 6, 9, 4, 11, 7, 2];
    const values = Array.from({ length: 5 * 1440 }, (_, i) => levels[Math.floor((i % 1440) / 120)] ?? 0);
    const fit = buildForecast(historyOf(values), SETTINGS, NOW);
    if (!('model' in fit)) throw new Error(fit.unavailable);
    expect(fit.model.method).toBe('daily');
    const boundAt = (minute: number) => forecastUpper(fit.model, historyOf(values.slice(0, 4 * 1440 + minute + 1))).upper;
    // At 01:58 the load is 2 and rises to 10 at 02:00.
    expect(boundAt(118)).toBeGreaterThan(9);
    // At 03:00, in the middle of the block at 10, little headroom.
    expect(boundAt(180)).toBeLessThan(12);
  });

  it('fits a linear model to a wave that a trend overshoots, and bounds it tightly', () => {
    // A wave of period 20 around 50: a trend misses its turns by several units, while each value
    // is an exact linear combination of the two before it.
    const wave = Array.from({ length: 900 }, (_, i) => 50 + 20 * Math.sin((2 * Math.PI * i) / 20));
    const fit = buildForecast(historyOf(wave), SETTINGS, NOW);
    if (!('model' in fit)) throw new Error(fit.unavailable);
    expect(fit.model.method).toBe('linear');
    expect(fit.model.weights).toHaveLength(3);
    const { point, upper } = forecastUpper(fit.model, historyOf(wave));
    const next = Math.max(...[900, 901, 902].map((i) => 50 + 20 * Math.sin((2 * Math.PI * i) / 20)));
    expect(point).toBeCloseTo(next, 2);
    expect(upper - point).toBeLessThan(0.05);
  });

  it('keeps the linear fit out until the backtest has 20 points per weight: on fewer it fits the noise and learns no headroom', () => {
    let seed = 7;
    const noise = () => 20 + 10 * ((seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647);
    // 250 periods leave 8 points to replay after the longest lookback (240): fewer than the 11 weights.
    for (let trial = 0; trial < 10; trial++) {
      const fit = buildForecast(historyOf(Array.from({ length: 250 }, noise)), SETTINGS, NOW);
      if (!('model' in fit)) throw new Error(fit.unavailable);
      expect(fit.model.method).not.toBe('linear');
    }
  });

  it('covers at least `coverage` of the future values it was fitted on', () => {
    const series = fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 400, maxLength: 700 });
    fc.assert(
      fc.property(series, fc.constantFrom(0.9, 0.95, 0.99), (values, coverage) => {
        const settings = { ...SETTINGS, coverage };
        const fit = buildForecast(historyOf(values), settings, NOW);
        if (!('model' in fit)) throw new Error(fit.unavailable);
        const n = values.length - 1;
        const first = n - 3 - fit.model.backtestSteps + 1;
        let covered = 0;
        let total = 0;
        for (let i = first; i <= n - 3; i++) {
          const { upper } = forecastUpper(fit.model, historyOf(values.slice(0, i + 1)));
          for (let h = 1; h <= 3; h++) {
            total++;
            if ((values[i + h] ?? 0) <= upper + 1e-9) covered++;
          }
        }
        expect(covered / total).toBeGreaterThanOrEqual(coverage);
      }),
      { numRuns: 15 },
    );
  });
});

describe('the predictive config and its helpers', () => {
  const raw = (predictive?: unknown) =>
    validateConfig({
      fleets: [
        {
          name: 'web',
          launchTemplate: { id: 'lt-0123456789abcdef0' },
          subnets: ['subnet-0a'],
          instanceTypes: [{ type: 'm7g.large' }],
          capacity: { min: 1, max: 10 },
          scaling: {
            metric: { namespace: 'AWS/EC2', name: 'CPUUtilization', statistic: 'Average' },
            metricType: 'per-instance',
            target: 50,
            ...(predictive === undefined ? {} : { predictive }),
          },
        },
      ],
    }).fleets[0]?.scaling.predictive;

  it('is off when absent, and fills its defaults when present', () => {
    expect(raw()).toBeUndefined();
    expect(raw({})).toEqual({ coverage: 0.993, coverageGain: 0.0003, backtestDays: 3, minHistoryHours: 4, refitMinutes: 360 });
    expect(raw({ unitCapacity: 100, coverage: 0.99 })).toMatchObject({ unitCapacity: 100, coverage: 0.99 });
  });

  it('rejects unknown fields and out-of-range values', () => {
    expect(() => raw({ coverag: 0.9 })).toThrow('fleets[0].scaling.predictive.coverag: unknown field');
    expect(() => raw({ coverage: 1 })).toThrow('fleets[0].scaling.predictive.coverage: ');
  });

  it('turns a datapoint into load in units, and the config into fit settings', () => {
    expect(loadUnits(scaling(), PREDICTIVE, 80, 6)).toBeCloseTo(4.8, 12);
    expect(loadUnits(scaling({ metricType: 'total', target: 100 }), { ...PREDICTIVE, unitCapacity: undefined }, 480, 6)).toBeCloseTo(4.8, 12);
    expect(forecastSettings(scaling(), PREDICTIVE)).toEqual(SETTINGS);
  });

  it('refits when there is no model, or the model is older than refitMinutes', () => {
    expect(forecastIsStale(undefined, PREDICTIVE, NOW)).toBe(true);
    expect(forecastIsStale({ unavailable: 'x' }, PREDICTIVE, NOW)).toBe(true);
    expect(forecastIsStale({ model: { ...MEAN_15, builtAtMs: NOW - 359 * STEP } }, PREDICTIVE, NOW)).toBe(false);
    expect(forecastIsStale({ model: { ...MEAN_15, builtAtMs: NOW - 360 * STEP } }, PREDICTIVE, NOW)).toBe(true);
  });

  it('refits a model learned from less than backtestDays once as many periods have come since', () => {
    const young = { ...MEAN_15, backtestSteps: 177 };
    expect(forecastIsStale({ model: { ...young, builtAtMs: NOW - 176 * STEP } }, PREDICTIVE, NOW)).toBe(false);
    expect(forecastIsStale({ model: { ...young, builtAtMs: NOW - 177 * STEP } }, PREDICTIVE, NOW)).toBe(true);
    // A model that learned from the whole backtestDays waits for refitMinutes.
    expect(forecastIsStale({ model: { ...MEAN_15, builtAtMs: NOW - 177 * STEP } }, PREDICTIVE, NOW)).toBe(false);
  });

  it('refits early once the newest period is saturated and more periods since the fit were than its coverage allows to miss', () => {
    // The model was fitted 300 periods ago; 99.3% coverage allows 2.1 misses in 300.
    const model = { ...MEAN_15, builtAtMs: NOW - 300 * STEP };
    const flagged = (at: readonly number[]) => {
      const saturated = new Uint8Array(400);
      for (const k of at) saturated[k] = 1;
      return { ...historyOf(Array(400).fill(8)), saturated };
    };
    expect(forecastIsStale({ model }, PREDICTIVE, NOW, flagged([200, 300, 399]))).toBe(true);
    expect(forecastIsStale({ model }, PREDICTIVE, NOW, flagged([300, 399]))).toBe(false);
    // Saturated periods before the fit are what it learned from; a newest period not saturated waits for the schedule.
    expect(forecastIsStale({ model }, PREDICTIVE, NOW, flagged([10, 20, 30, 399]))).toBe(false);
    expect(forecastIsStale({ model }, PREDICTIVE, NOW, flagged([200, 300, 398]))).toBe(false);
    expect(forecastIsStale({ model }, PREDICTIVE, NOW, historyOf(Array(400).fill(8)))).toBe(false);
  });
});

describe('decideCapacity with scaling.predictive', () => {
  // A bound of 7.6 × 1.25 = 9.5 units; EIGHTS gives a whole-number bound of 10.
  const forecast: ForecastInput = { history: historyOf(Array(300).fill(7.6)), fit: { model: MEAN_15 } };
  const wholeBound: ForecastInput = { history: EIGHTS, fit: { model: MEAN_15 } };
  const cases: Array<{ name: string; input: CapacityInput; desired: number; reason: string }> = [
    {
      name: 'scales to the forecast bound, naming the forecast and the headroom',
      input: input({ desired: 6, metric: cpu(80), forecast }),
      desired: 10,
      reason:
        'scale out 6 -> 10: forecast 7.6 units in the next 3 min from the mean of the last 15 periods, headroom 25% (covers 99.3% of its relative errors over 3 days) recommends 10',
    },
    {
      name: 'takes the reactive recommendation when the metric is saturated and it is larger',
      input: input({ desired: 6, metric: cpu(100), forecast }),
      desired: 12,
      reason:
        'scale out 6 -> 12: forecast 7.6 units in the next 3 min from the mean of the last 15 periods, headroom 25% (covers 99.3% of its relative errors over 3 days) recommends 10, but the metric is saturated, so cpu = 100 per unit over 6 warmed units at target 50 recommends 12',
    },
    {
      name: 'scales in to the forecast bound',
      input: input({ desired: 14, metric: cpu(20), forecast }),
      desired: 10,
      reason:
        'scale in 14 -> 10: forecast 7.6 units in the next 3 min from the mean of the last 15 periods, headroom 25% (covers 99.3% of its relative errors over 3 days) recommends 10',
    },
    {
      name: 'keeps the scale-in stabilization window',
      input: input({
        desired: 12,
        metric: cpu(20),
        forecast,
        scaling: scaling({ scaleIn: { stabilizationSeconds: 300, cooldownSeconds: 0 } }),
        recommendations: [{ atMs: NOW - 120_000, capacity: 12 }],
      }),
      desired: 12,
      reason:
        'hold at 12: forecast 7.6 units in the next 3 min from the mean of the last 15 periods, headroom 25% (covers 99.3% of its relative errors over 3 days) recommends 10, but the highest recommendation in the last 300 s is 12',
    },
    {
      name: 'plans one unit over a whole-number bound when unitCapacity is explicit, as a fleet exactly full reads as saturated',
      input: input({ desired: 6, metric: cpu(80), forecast: wholeBound }),
      desired: 11,
      reason:
        'scale out 6 -> 11: forecast 8 units in the next 3 min from the mean of the last 15 periods, headroom 25% (covers 99.3% of its relative errors over 3 days) recommends 11 (one over its whole-number bound, so the fleet is not planned exactly full)',
    },
    {
      name: 'plans nothing for a forecast of no load: a bound of zero is not a full fleet',
      input: input({ desired: 6, metric: cpu(0), forecast: { history: historyOf(Array(300).fill(0)), fit: { model: { ...MEAN_15, errorScale: 'absolute', ...oneError([0, 0, 0]) } } } }),
      desired: 1,
      reason:
        'scale in 6 -> 1: forecast 0 units in the next 3 min from the mean of the last 15 periods, headroom 0% (covers 99.3% of its absolute errors over 3 days) recommends 0, capped by capacity.min 1',
    },
    {
      name: 'plans a whole-number bound exactly with the default unitCapacity, which is not a ceiling',
      input: input({ desired: 6, metric: cpu(80), forecast: wholeBound, scaling: scaling({ predictive: { ...PREDICTIVE, unitCapacity: undefined } }) }),
      desired: 10,
      reason:
        'scale out 6 -> 10: forecast 8 units in the next 3 min from the mean of the last 15 periods, headroom 25% (covers 99.3% of its relative errors over 3 days) recommends 10',
    },
    {
      name: 'is reactive, saying why, until the history is long enough',
      input: input({ desired: 6, metric: cpu(80), forecast: { history: historyOf(Array(120).fill(5)), fit: { unavailable: '2 h of load history, 4 h needed' } } }),
      desired: 10,
      reason: 'scale out 6 -> 10: cpu = 80 per unit over 6 warmed units at target 50 recommends 10 (no forecast yet: 2 h of load history, 4 h needed)',
    },
    {
      name: 'is reactive when the caller gave no history',
      input: input({ desired: 6, metric: cpu(80) }),
      desired: 10,
      reason: 'scale out 6 -> 10: cpu = 80 per unit over 6 warmed units at target 50 recommends 10 (no forecast yet: no load history)',
    },
    {
      name: 'holds without a datapoint, as without a forecast',
      input: input({ desired: 6, metric: { kind: 'missing', label: 'cpu', why: 'no datapoints in the last 10 minutes' }, forecast }),
      desired: 6,
      reason: 'hold at 6: no data for cpu (no datapoints in the last 10 minutes)',
    },
    {
      name: 'ignores a forecast when the fleet has no scaling.predictive',
      input: input({ desired: 6, metric: cpu(80), forecast, scaling: scaling({ predictive: undefined }) }),
      desired: 10,
      reason: 'scale out 6 -> 10: cpu = 80 per unit over 6 warmed units at target 50 recommends 10',
    },
  ];

  it.each(cases)('$name', ({ input: given, desired, reason }) => {
    const decision = decideCapacity(given);
    expect(decision.reason).toBe(reason);
    expect(decision.desiredCapacity).toBe(desired);
  });
});
