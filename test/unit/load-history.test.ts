// The predictive fleet's load history: the point each step adds, the series the forecast reads, the cached model's refits, and decideStep wiring them together.
import { describe, expect, it } from 'vitest';
import type { FleetConfig, PredictiveConfig, ScalingConfig } from '../../functions/core/config.ts';
import { AT_MAX, type ForecastModel, LOAD_HISTORY_DAYS, type LoadHistory, SHORT } from '../../functions/core/forecast/index.ts';
import { type LoadPoint, assembleHistory, backfilledPoints, loadPointOf, refreshForecast, storedHistory } from '../../functions/core/load-history.ts';
import type { MetricReading } from '../../functions/core/model.ts';
import type { SubnetPlacement } from '../../functions/core/placement.ts';
import { decideStep } from '../../functions/core/step/index.ts';
import { DRAIN_DEFAULTS, FAILOVER_DEFAULTS, TEST_OWNER, cpuScaling, observedInstance } from './fixtures.ts';

const MINUTE = 60_000;
const NOW = 2_000_000_040_000;
const PERIOD_START = NOW - MINUTE;
const PREDICTIVE: PredictiveConfig = { unitCapacity: 100, coverage: 0.993, coverageGain: 0.0003, backtestDays: 3, minHistoryHours: 4, refitMinutes: 360 };

function scaling(extra: Partial<ScalingConfig> = {}): ScalingConfig {
  return cpuScaling({ predictive: PREDICTIVE, ...extra });
}

const cpu = (value: number, timestampMs = NOW - MINUTE): MetricReading => ({ kind: 'value', value, timestampMs, label: 'cpu' });
const flat = (load: number, minutes: number, endMs = PERIOD_START - MINUTE): LoadPoint[] =>
  Array.from({ length: minutes }, (_, i) => ({ periodStartMs: endMs - (minutes - 1 - i) * MINUTE, load }));
/** The predictive state a store holds with these points. */
const stored = (points: readonly LoadPoint[]) => {
  const history = assembleHistory(points, MINUTE, NOW);
  return history === undefined ? {} : { history: storedHistory(history, MINUTE, NOW) };
};

describe('loadPointOf', () => {
  it('counts a per-instance metric for the warmed units, in units of unitCapacity, at the start of its period', () => {
    expect(loadPointOf(scaling(), cpu(80, NOW - MINUTE + 1_500), 4, 50)).toEqual({ periodStartMs: PERIOD_START, load: 3.2 });
  });

  it('marks a per-instance metric at an explicit unitCapacity as saturated: the load was at least that', () => {
    expect(loadPointOf(scaling(), cpu(100), 4, 50)).toEqual({ periodStartMs: PERIOD_START, load: 4, saturated: true });
    // With capacity.max warmed, saturation is the fleet's ceiling rather than a shortfall.
    expect(loadPointOf(scaling(), cpu(100), 4, 4)).toEqual({ periodStartMs: PERIOD_START, load: 4, saturated: true, atMaxCapacity: true });
    expect(loadPointOf(scaling(), cpu(90), 4, 4)).toEqual({ periodStartMs: PERIOD_START, load: 3.6 });
    expect(loadPointOf(scaling({ metricType: 'total' }), cpu(100), 4, 50)).toEqual({ periodStartMs: PERIOD_START, load: 1 });
    const atTarget = scaling({ predictive: { ...PREDICTIVE, unitCapacity: undefined } });
    expect(loadPointOf(atTarget, cpu(100), 4, 50)).toEqual({ periodStartMs: PERIOD_START, load: 8 });
  });

  it('counts a total metric per unit of capacity, and unitCapacity defaults to the target', () => {
    const queue = scaling({ metricType: 'total', target: 10, predictive: { ...PREDICTIVE, unitCapacity: undefined } });
    expect(loadPointOf(queue, cpu(35), 0, 50)).toEqual({ periodStartMs: PERIOD_START, load: 3.5 });
  });

  it('adds nothing without a datapoint, without a warmed instance behind a per-instance value, or without predictive', () => {
    expect(loadPointOf(scaling(), { kind: 'missing', label: 'cpu', why: 'no datapoints' }, 4, 50)).toBeUndefined();
    expect(loadPointOf(scaling(), cpu(80), 0, 50)).toBeUndefined();
    expect(loadPointOf(scaling({ predictive: undefined }), cpu(80), 4, 50)).toBeUndefined();
  });
});

describe('backfilledPoints', () => {
  it("turns a total metric's past datapoints into load, each at the start of its period", () => {
    const queue = scaling({ metricType: 'total', target: 10, predictive: { ...PREDICTIVE, unitCapacity: undefined } });
    const datapoints = [
      { timestampMs: PERIOD_START - MINUTE, value: 25 },
      { timestampMs: PERIOD_START + 5_000, value: 40 },
      { timestampMs: PERIOD_START + MINUTE, value: -1 },
      { timestampMs: PERIOD_START + 2 * MINUTE, value: Number.NaN },
    ];
    expect(backfilledPoints(queue, datapoints)).toEqual([
      { periodStartMs: PERIOD_START - MINUTE, load: 2.5 },
      { periodStartMs: PERIOD_START, load: 4 },
    ]);
  });

  it('backfills nothing for a per-instance metric (its past warmed units are unknown) or without predictive', () => {
    expect(backfilledPoints(scaling(), [{ timestampMs: PERIOD_START, value: 80 }])).toEqual([]);
    expect(backfilledPoints(scaling({ metricType: 'total', predictive: undefined }), [{ timestampMs: PERIOD_START, value: 80 }])).toEqual([]);
  });
});

describe('assembleHistory', () => {
  it('puts one value per period, oldest first, carrying the last value over missing periods', () => {
    const points: LoadPoint[] = [
      { periodStartMs: PERIOD_START, load: 7 },
      { periodStartMs: PERIOD_START - 4 * MINUTE, load: 2 },
      { periodStartMs: PERIOD_START - 3 * MINUTE, load: 5 },
    ];
    const history = assembleHistory(points, MINUTE, NOW);
    expect(history?.startMs).toBe(PERIOD_START - 4 * MINUTE);
    expect(history?.stepMs).toBe(MINUTE);
    expect(Array.from(history?.values ?? [])).toEqual([2, 5, 5, 5, 7]);
    expect(Array.from(history?.saturated ?? [])).toEqual([0, 0, 0, 0, 0]);
  });

  it('flags the saturated periods short, or at capacity.max; a carried-over value is not saturated', () => {
    const points: LoadPoint[] = [
      { periodStartMs: PERIOD_START - 3 * MINUTE, load: 5, saturated: true },
      { periodStartMs: PERIOD_START - MINUTE, load: 6 },
      { periodStartMs: PERIOD_START, load: 9, saturated: true, atMaxCapacity: true },
    ];
    expect(Array.from(assembleHistory(points, MINUTE, NOW)?.saturated ?? [])).toEqual([SHORT, 0, 0, AT_MAX]);
  });

  it('keeps the last point of a period written twice and drops points it cannot place', () => {
    const points: LoadPoint[] = [
      { periodStartMs: PERIOD_START - MINUTE, load: 1 },
      { periodStartMs: PERIOD_START - MINUTE, load: 4 },
      { periodStartMs: PERIOD_START - MINUTE / 2, load: 90 },
      { periodStartMs: PERIOD_START, load: Number.NaN },
      { periodStartMs: PERIOD_START, load: -1 },
      { periodStartMs: NOW + MINUTE, load: 90 },
      { periodStartMs: PERIOD_START - (LOAD_HISTORY_DAYS * 1440 + 1) * MINUTE, load: 90 },
    ];
    expect(Array.from(assembleHistory(points, MINUTE, NOW)?.values ?? [])).toEqual([4]);
    expect(assembleHistory([], MINUTE, NOW)).toBeUndefined();
  });
});

describe('refreshForecast', () => {
  // backtestDays (3 days) of errors after the longest lookback: no refit for a growing history.
  const length = 3 * 1440 + 250;
  const history: LoadHistory = { startMs: NOW - length * MINUTE, stepMs: MINUTE, values: Float64Array.from({ length }, (_, i) => 10 + (i % 7)) };
  const fitted = refreshForecast(scaling(), history, undefined, NOW);
  const model = 'model' in fitted ? fitted.model : undefined;

  it('fits a model when none is cached', () => {
    expect(model?.builtAtMs).toBe(NOW);
    expect(model?.errorTails).toHaveLength(2);
  });

  it('keeps a cached model until refitMinutes have passed', () => {
    if (model === undefined) throw new Error('no model was fitted');
    expect(refreshForecast(scaling(), history, model, NOW + 359 * MINUTE)).toEqual({ model });
    expect(refreshForecast(scaling(), history, model, NOW + 360 * MINUTE)).toEqual({ model: { ...model, builtAtMs: NOW + 360 * MINUTE } });
  });

  it('refits a cached model made for another config, or one that does not evaluate', () => {
    if (model === undefined) throw new Error('no model was fitted');
    const later = NOW + MINUTE;
    const refitted = (cached: ForecastModel, config = scaling()) => {
      const fit = refreshForecast(config, history, cached, later);
      return 'model' in fit ? fit.model.builtAtMs : fit.unavailable;
    };
    expect(refitted(model)).toBe(NOW);
    expect(refitted(model, scaling({ warmupSeconds: 300 }))).toBe(later);
    expect(refitted(model, scaling({ predictive: { ...PREDICTIVE, coverage: 0.99 } }))).toBe(later);
    expect(refitted(model, scaling({ predictive: { ...PREDICTIVE, coverageGain: 0.001 } }))).toBe(later);
    expect(refitted({ ...model, stepMs: 5 * MINUTE })).toBe(later);
    expect(refitted({ ...model, builtAtMs: later + MINUTE })).toBe(later);
    expect(refitted({ ...model, method: 'hourly' as ForecastModel['method'] })).toBe(later);
    const { weights: _weights, ...unweighted } = model;
    expect(refitted({ ...unweighted, method: 'linear' })).toBe(later);
  });

  it('refits early when the load has saturated the fleet more often since the fit than the coverage allows', () => {
    if (model === undefined) throw new Error('no model was fitted');
    const later = NOW + 3 * MINUTE;
    const grown = (saturatedPeriods: number): LoadHistory => {
      const values = Float64Array.from({ length: length + 3 }, (_, i) => (i < length ? 10 + (i % 7) : 30));
      const saturated = new Uint8Array(length + 3);
      saturated.fill(1, length + 3 - saturatedPeriods);
      return { ...history, values, saturated };
    };
    expect(refreshForecast(scaling(), grown(1), model, later)).toEqual({ model });
    const refitted = refreshForecast(scaling(), grown(3), model, later);
    expect('model' in refitted ? refitted.model.builtAtMs : refitted.unavailable).toBe(later);
  });

  it('says predictive is off when it is', () => {
    expect(refreshForecast(scaling({ predictive: undefined }), history, undefined, NOW)).toEqual({ unavailable: 'scaling.predictive is off' });
  });
});

describe('decideStep with a load history', () => {
  const subnet: SubnetPlacement = { subnetId: 'subnet-0a', availabilityZone: 'us-east-1a' };
  const ids = ['i-1', 'i-2', 'i-3', 'i-4'];
  const fleet = (extra: Partial<ScalingConfig> = {}): FleetConfig => ({
    name: 'web',
    launchTemplate: { name: 'web-server', version: '$Latest' },
    subnets: [subnet.subnetId],
    instanceTypes: [{ type: 'm7g.large', weight: 1 }],
    capacity: { min: 1, max: 10 },
    scaling: scaling(extra),
    targetGroups: [],
    drain: DRAIN_DEFAULTS,
    failover: { ...FAILOVER_DEFAULTS, enabled: false },
    dryRun: false,
    tags: {},
  });
  const base = (config: FleetConfig) => ({
    fleet: config,
    owner: TEST_OWNER,
    status: { step: 7, desiredCapacity: 4, recommendations: [], version: 3 },
    records: ids.map((instanceId) => ({ instanceId, lifecycle: 'in-service' as const, launchedAtMs: NOW - 3_600_000, version: 1, reason: 'launched' })),
    observed: ids.map((id) => observedInstance(id, subnet, NOW - 3_600_000)),
    subnets: [subnet],
    metric: cpu(80),
    nowMs: NOW,
  });

  it('adds this step\'s point to the stored history, fits a model and decides from its forecast', () => {
    const decision = decideStep({ ...base(fleet()), predictive: stored(flat(3.2, 300)) });
    expect(decision.loadPoint).toEqual({ periodStartMs: PERIOD_START, load: 3.2 });
    expect(decision.forecastModel?.builtAtMs).toBe(NOW);
    expect(decision.reason).toMatch(/^hold at 4: forecast 3\.2 units in the next 2 min from .+ recommends 4$/);
  });

  it('raises the coverage for periods the fleet was short, and not for periods at capacity.max', () => {
    // 300 periods allow 2.1 missed; 10 isolated short periods raise 99.3% by 0.0003 × 7.9.
    const flagged = (atMaxCapacity: boolean) => flat(3.2, 300).map((point, i) => (i % 30 === 0 ? { ...point, saturated: true, ...(atMaxCapacity ? { atMaxCapacity } : {}) } : point));
    expect(decideStep({ ...base(fleet()), predictive: stored(flagged(false)) }).reason).toContain(
      ': 99.3% raised: 10 periods missed in the last 5 h, 2.1 allowed)',
    );
    expect(decideStep({ ...base(fleet()), predictive: stored(flagged(true)) }).reason).toContain(
      ': 99.3% lowered: 0 periods missed in the last 5 h, 2.1 allowed)',
    );
  });

  it('uses a fresh cached model without handing back a new one', () => {
    const first = decideStep({ ...base(fleet()), predictive: stored(flat(3.2, 300)) });
    const model = first.forecastModel;
    if (model === undefined) throw new Error('no model was fitted');
    const again = decideStep({ ...base(fleet()), predictive: { ...stored(flat(3.2, 300)), model } });
    expect(again.forecastModel).toBeUndefined();
    expect(again.reason).toBe(first.reason);
  });

  it('scales by target tracking and says why while the history is short', () => {
    const decision = decideStep({ ...base(fleet()), predictive: stored(flat(3.2, 60)) });
    expect(decision.forecastModel).toBeUndefined();
    expect(decision.reason).toBe(
      'scale out 4 -> 7: cpu = 80 per unit over 4 warmed units at target 50 recommends 7 (no forecast yet: 1 h of load history, 4 h needed)',
    );
  });

  it('scales by target tracking and says why when the stored history could not be read, still adding its point', () => {
    const decision = decideStep({ ...base(fleet()), predictive: { unreadable: 'throttled' } });
    expect(decision.reason).toBe(
      'scale out 4 -> 7: cpu = 80 per unit over 4 warmed units at target 50 recommends 7 (no forecast yet: reading the load history failed (throttled))',
    );
    expect(decision.loadPoint).toEqual({ periodStartMs: PERIOD_START, load: 3.2 });
    expect(decision.forecastModel).toBeUndefined();
  });

  it('records no point for a fleet without predictive', () => {
    const decision = decideStep({ ...base(fleet({ predictive: undefined })), predictive: stored(flat(3.2, 300)) });
    expect(decision.loadPoint).toBeUndefined();
    expect(decision.forecastModel).toBeUndefined();
  });
});
