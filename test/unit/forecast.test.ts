// Predictive pre-scaling in the core: fitting the forecast, its bound, the config section, and decideCapacity's exact reasons with a forecast.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PredictiveConfig, type ScalingConfig, validateConfig } from '../../functions/core/config.ts';
import {
  AT_MAX,
  buildForecast,
  coverageNow,
  type ForecastModel,
  forecastIsStale,
  forecastSettings,
  forecastUpper,
  isMissedPeriod,
  type LoadHistory,
  loadUnits,
  SHORT,
} from '../../functions/core/forecast/index.ts';
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
    expect(() => raw({ coverageGain: 0.01 })).toThrow('fleets[0].scaling.predictive.coverageGain: ');
    expect(() => raw({ coverageGain: -0.0001 })).toThrow('fleets[0].scaling.predictive.coverageGain: ');
  });

  it('turns a datapoint into load in units, and the config into fit settings', () => {
    expect(loadUnits(scaling(), PREDICTIVE, 80, 6)).toBeCloseTo(4.8, 12);
    expect(loadUnits(scaling({ metricType: 'total', target: 100 }), { ...PREDICTIVE, unitCapacity: undefined }, 480, 6)).toBeCloseTo(4.8, 12);
    expect(forecastSettings(scaling(), PREDICTIVE)).toEqual(SETTINGS);
    // The coverage adapts only where the metric can show the fleet was short: a ceiling.
    expect(forecastSettings(scaling(), { ...PREDICTIVE, coverageGain: 0.0003 }).coverageGain).toBe(0.0003);
    expect(forecastSettings(scaling({ metricType: 'total' }), { ...PREDICTIVE, coverageGain: 0.0003 }).coverageGain).toBe(0);
    expect(forecastSettings(scaling(), { ...PREDICTIVE, coverageGain: 0.0003, unitCapacity: undefined }).coverageGain).toBe(0);
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

  it('does not refit a fleet saturated at capacity.max: the ceiling is configured, not a forecast miss', () => {
    const model = { ...MEAN_15, builtAtMs: NOW - 300 * STEP };
    const saturated = new Uint8Array(400);
    saturated.fill(AT_MAX, 200);
    expect(forecastIsStale({ model }, PREDICTIVE, NOW, { ...historyOf(Array(400).fill(8)), saturated })).toBe(false);
    saturated.fill(SHORT, 200);
    expect(forecastIsStale({ model }, PREDICTIVE, NOW, { ...historyOf(Array(400).fill(8)), saturated })).toBe(true);
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

describe('adaptive coverage', () => {
  const flagsOf = (text: string) => Uint8Array.from(text, (c) => (c === 's' ? SHORT : c === 'm' ? AT_MAX : 0));

  it('counts a short period as missed unless the two before it in the window were short too; capacity.max is never a miss', () => {
    const flags = flagsOf('ssss.s.sm.ss.');
    const missedAt = (start: number) => Array.from(flags.keys()).filter((k) => k >= start && isMissedPeriod(flags, k, start));
    expect(missedAt(0)).toEqual([0, 1, 5, 7, 10, 11]);
    // A window starting inside a run counts its first two periods there.
    expect(missedAt(2)).toEqual([2, 3, 5, 7, 10, 11]);
  });

  // 1000 periods at 99.3% allow 7 missed periods; the gain moves the coverage 0.0003 per period.
  const model: ForecastModel = { ...MEAN_15, coverageGain: 0.0003 };
  const periods = 1000;
  const withMissed = (missed: number): LoadHistory => {
    const saturated = new Uint8Array(periods);
    for (let k = 0; k < missed; k++) saturated[3 * k] = SHORT;
    return { ...historyOf(Array(periods).fill(8)), saturated };
  };
  const table: Array<{ missed: number; gain?: number; coverage: number }> = [
    { missed: 7, coverage: 0.993 },
    { missed: 17, coverage: 0.996 },
    { missed: 0, coverage: 0.9909 },
    { missed: 40, coverage: 1 },
    // Never more than twice the configured share left uncovered: 98.6%.
    { missed: 0, gain: 0.002, coverage: 0.986 },
    { missed: 7, gain: 0, coverage: 0.993 },
  ];
  it.each(table)('moves 99.3% to $coverage with $missed missed periods in 1000 (gain $gain)', ({ missed, gain, coverage }) => {
    const now = coverageNow({ ...model, coverageGain: gain ?? model.coverageGain }, withMissed(missed));
    expect(now.coverage).toBeCloseTo(coverage, 12);
    expect(now).toMatchObject({ missedPeriods: missed, periods });
  });

  it("takes the caller's count of missed periods when it keeps one", () => {
    expect(coverageNow(model, { ...withMissed(0), missedPeriods: 17 })).toMatchObject({ missedPeriods: 17 });
    expect(coverageNow(model, { ...withMissed(0), missedPeriods: 17 }).coverage).toBeCloseTo(0.996, 12);
  });

  // Absolute errors 0..4 are the largest 5 of 100: rank 94 is the 95% quantile.
  const tails: ForecastModel = { ...model, method: 'last', errorScale: 'absolute', errorTails: [[0, 1, 2, 3, 4]], errorCount: 100, coverage: 0.97, coverageGain: 0.001 };
  const flat = (missed: number): LoadHistory => {
    const saturated = new Uint8Array(300);
    for (let k = 0; k < missed; k++) saturated[3 * k] = SHORT;
    return { ...historyOf(Array(300).fill(8)), saturated };
  };

  it('reads the headroom at the moved coverage from the errors the model kept, never below the lowest kept', () => {
    // 300 periods at 97% allow 9 missed; none moves it to 96.1% (rank 96), 19 to 98% (rank 97), 100 to 1 (the largest).
    expect(forecastUpper(tails, flat(0)).upper).toBe(9);
    expect(forecastUpper(tails, flat(19)).upper).toBe(10);
    expect(forecastUpper(tails, flat(100)).upper).toBe(12);
    // A gain that would move it below the kept errors reads the lowest of them.
    expect(forecastUpper({ ...tails, coverageGain: 0.01 }, flat(0)).upper).toBe(8);
    expect(forecastUpper({ ...tails, errorTails: [[]] }, flat(0)).upper).toBeNaN();
  });

  it('keeps the errors from the lowest coverage the gain can reach, sorted, and reads the configured quantile at no miss', () => {
    const values = Array.from({ length: 900 }, (_, i) => 20 + ((i * 7919) % 13));
    const settings = { ...SETTINGS, coverageGain: 0.0003 };
    const fit = buildForecast(historyOf(values), settings, NOW);
    if (!('model' in fit)) throw new Error(fit.unavailable);
    const { errorTails, errorCount } = fit.model;
    // 99.3% less 0.0003 × 0.7% × 20160 periods is below the coverage limit of 98.6%: the tail starts at rank ⌈0.986 n⌉ - 1.
    for (const tail of errorTails) {
      expect(tail).toHaveLength(errorCount - Math.ceil(0.986 * errorCount) + 1);
      expect([...tail].sort((a, b) => a - b)).toEqual(tail);
    }
    const withoutGain = buildForecast(historyOf(values), SETTINGS, NOW);
    if (!('model' in withoutGain)) throw new Error(withoutGain.unavailable);
    expect(withoutGain.model.errorTails.map((tail) => tail.length)).toEqual(errorTails.map(() => errorCount - Math.ceil(0.993 * errorCount) + 1));
    // At exactly the allowed share of missed periods the bound is the fixed-coverage bound.
    const history = { ...historyOf(values), missedPeriods: (1 - 0.993) * values.length };
    expect(forecastUpper(fit.model, history).upper).toBe(forecastUpper(withoutGain.model, history).upper);
  });

  it('says in the reason how far the coverage moved and why', () => {
    const forecast: ForecastInput = { history: { ...historyOf(Array(300).fill(7.6)), missedPeriods: 12 }, fit: { model: { ...MEAN_15, coverageGain: 0.0003 } } };
    expect(decideCapacity(input({ desired: 6, metric: cpu(80), forecast })).reason).toBe(
      'scale out 6 -> 10: forecast 7.6 units in the next 3 min from the mean of the last 15 periods, headroom 25% (covers 99.6% of its relative errors over 3 days: 99.3% raised: 12 periods missed in the last 5 h, 2.1 allowed) recommends 10',
    );
    const lowered: ForecastInput = { history: historyOf(Array(300).fill(7.6)), fit: { model: { ...MEAN_15, coverageGain: 0.0003 } } };
    expect(decideCapacity(input({ desired: 6, metric: cpu(80), forecast: lowered })).reason).toContain(
      '(covers 99.24% of its relative errors over 3 days: 99.3% lowered: 0 periods missed in the last 5 h, 2.1 allowed)',
    );
  });
});
