// Table-driven tests of decideCapacity: the desired capacity and the exact reason of every branch.
import { describe, expect, it } from 'vitest';
import type { ScalingConfig } from '../../functions/core/config.ts';
import type { FleetStatus, MetricReading, Recommendation } from '../../functions/core/model.ts';
import { type CapacityInput, type ScalingDirection, decideCapacity, formatNumber, scalingStatusAfter } from '../../functions/core/scaling.ts';

const NOW = 1_000_000_000;
const sec = (s: number) => s * 1000;

interface FleetOptions {
  min?: number;
  max?: number;
  initial?: number;
  metricType?: ScalingConfig['metricType'];
  target?: number;
  scaleOut?: Partial<ScalingConfig['scaleOut']>;
  scaleIn?: Partial<ScalingConfig['scaleIn']>;
}

function fleet(options: FleetOptions = {}): CapacityInput['fleet'] {
  return {
    capacity: {
      min: options.min ?? 1,
      max: options.max ?? 10,
      ...(options.initial === undefined ? {} : { initial: options.initial }),
    },
    scaling: {
      metric: { namespace: 'AWS/EC2', name: 'CPUUtilization', dimensions: {}, statistic: 'Average', periodSeconds: 60 },
      metricType: options.metricType ?? 'per-instance',
      target: options.target ?? 50,
      warmupSeconds: 120,
      // Stabilization and cooldown off unless a case turns them on, so each case tests one rule.
      scaleOut: { stabilizationSeconds: 0, cooldownSeconds: 0, ...options.scaleOut },
      scaleIn: { stabilizationSeconds: 0, cooldownSeconds: 0, ...options.scaleIn },
      scaleOutAlarms: [],
    },
  };
}

function status(desiredCapacity: number, extra: Partial<FleetStatus> = {}): FleetStatus {
  return { step: 7, desiredCapacity, recommendations: [], version: 3, ...extra };
}

const cpu = (value: number): MetricReading => ({ kind: 'value', value, timestampMs: NOW - sec(60), label: 'cpu' });
const queue = (value: number): MetricReading => ({ kind: 'value', value, timestampMs: NOW - sec(60), label: 'queue' });
const missing: MetricReading = { kind: 'missing', label: 'cpu', why: 'no datapoints in the last 5 minutes' };

function input(partial: Partial<CapacityInput> & Pick<CapacityInput, 'metric'>): CapacityInput {
  const units = partial.status?.desiredCapacity ?? 0;
  return {
    fleet: fleet(),
    status: undefined,
    currentUnits: units,
    warmedUnits: units,
    warmingInstances: 0,
    nowMs: NOW,
    ...partial,
  };
}

interface Case {
  readonly name: string;
  readonly input: CapacityInput;
  readonly desired: number;
  readonly direction: ScalingDirection;
  readonly reason: string;
}

const cases: Case[] = [
  // First step: no status yet.
  {
    name: 'first step starts from capacity.initial',
    input: input({ fleet: fleet({ initial: 3 }), metric: missing }),
    desired: 3,
    direction: 'hold',
    reason: 'hold at 3: no data for cpu (no datapoints in the last 5 minutes)',
  },
  {
    name: 'first step without initial starts from capacity.min',
    input: input({ fleet: fleet({ min: 2 }), metric: missing }),
    desired: 2,
    direction: 'hold',
    reason: 'hold at 2: no data for cpu (no datapoints in the last 5 minutes)',
  },
  {
    name: 'first step on a fleet already running keeps what runs while the metric is missing',
    input: input({ fleet: fleet({ min: 2, initial: 3 }), currentUnits: 8, warmedUnits: 8, metric: missing }),
    desired: 8,
    direction: 'hold',
    reason: 'hold at 8: no data for cpu (no datapoints in the last 5 minutes)',
  },
  {
    name: 'first step on a fleet already running above max starts from max',
    input: input({ fleet: fleet({ max: 6 }), currentUnits: 8, warmedUnits: 8, metric: missing }),
    desired: 6,
    direction: 'hold',
    reason: 'hold at 6 (lowered from 8 to capacity.max): no data for cpu (no datapoints in the last 5 minutes)',
  },
  {
    name: 'first step scales out from initial',
    input: input({ fleet: fleet({ initial: 2 }), currentUnits: 2, warmedUnits: 2, metric: cpu(100) }),
    desired: 4,
    direction: 'out',
    reason: 'scale out 2 -> 4: cpu = 100 per unit over 2 warmed units at target 50 recommends 4',
  },
  // Recommendation from the metric.
  {
    name: 'total metric: value / target, rounded up',
    input: input({ fleet: fleet({ metricType: 'total', target: 10 }), status: status(2), metric: queue(45) }),
    desired: 5,
    direction: 'out',
    reason: 'scale out 2 -> 5: queue = 45 total at target 10 per unit recommends 5',
  },
  {
    name: 'total metric ignores warming and absent instances',
    input: input({
      fleet: fleet({ metricType: 'total', target: 10 }),
      status: status(1),
      currentUnits: 0,
      warmedUnits: 0,
      metric: queue(30),
    }),
    desired: 3,
    direction: 'out',
    reason: 'scale out 1 -> 3: queue = 30 total at target 10 per unit recommends 3',
  },
  {
    name: 'per-instance metric: warmed units × value / target',
    input: input({ status: status(4), metric: cpu(75) }),
    desired: 6,
    direction: 'out',
    reason: 'scale out 4 -> 6: cpu = 75 per unit over 4 warmed units at target 50 recommends 6',
  },
  {
    name: 'per-instance metric counts only warmed units',
    input: input({ status: status(4), currentUnits: 4, warmedUnits: 3, warmingInstances: 1, metric: cpu(100) }),
    desired: 6,
    direction: 'out',
    reason: 'scale out 4 -> 6: cpu = 100 per unit over 3 warmed units at target 50 recommends 6',
  },
  {
    name: 'per-instance metric with one warmed unit says unit, and rounds to two decimals',
    input: input({ status: status(1), metric: cpu(66.6666) }),
    desired: 2,
    direction: 'out',
    reason: 'scale out 1 -> 2: cpu = 66.67 per unit over 1 warmed unit at target 50 recommends 2',
  },
  {
    name: 'recommendation equal to the desired capacity holds',
    input: input({ status: status(4), metric: cpu(50) }),
    desired: 4,
    direction: 'hold',
    reason: 'hold at 4: cpu = 50 per unit over 4 warmed units at target 50 recommends 4',
  },
  {
    name: 'float dust does not round up (3 × 0.1 / 0.1 stays 3)',
    input: input({ fleet: fleet({ target: 0.1 }), status: status(3), metric: cpu(0.1) }),
    desired: 3,
    direction: 'hold',
    reason: 'hold at 3: cpu = 0.1 per unit over 3 warmed units at target 0.1 recommends 3',
  },
  {
    name: 'float dust does not round down either (0.3 / 0.1 is 3)',
    input: input({ fleet: fleet({ metricType: 'total', target: 0.1 }), status: status(3), metric: queue(0.3) }),
    desired: 3,
    direction: 'hold',
    reason: 'hold at 3: queue = 0.3 total at target 0.1 per unit recommends 3',
  },
  // No recommendation possible.
  {
    name: 'missing metric holds',
    input: input({ status: status(5), metric: missing }),
    desired: 5,
    direction: 'hold',
    reason: 'hold at 5: no data for cpu (no datapoints in the last 5 minutes)',
  },
  {
    name: 'per-instance metric with no instance holds',
    input: input({ status: status(2), currentUnits: 0, warmedUnits: 0, metric: cpu(80) }),
    desired: 2,
    direction: 'hold',
    reason: 'hold at 2: a per-instance metric needs a running instance (cpu = 80)',
  },
  {
    name: 'per-instance metric with every instance warming holds',
    input: input({ status: status(2), currentUnits: 2, warmedUnits: 0, warmingInstances: 2, metric: cpu(80) }),
    desired: 2,
    direction: 'hold',
    reason: 'hold at 2: every instance is still warming (cpu = 80)',
  },
  // Bounds.
  {
    name: 'at capacity.max a higher recommendation holds',
    input: input({ status: status(10), metric: cpu(90) }),
    desired: 10,
    direction: 'hold',
    reason: 'hold at 10: cpu = 90 per unit over 10 warmed units at target 50 recommends 18, but the fleet is at capacity.max 10',
  },
  {
    name: 'at capacity.min a lower recommendation holds',
    input: input({ status: status(1), metric: cpu(0) }),
    desired: 1,
    direction: 'hold',
    reason: 'hold at 1: cpu = 0 per unit over 1 warmed unit at target 50 recommends 0, but the fleet is at capacity.min 1',
  },
  {
    name: 'scale-out beyond capacity.max is capped',
    input: input({ status: status(8), metric: cpu(100) }),
    desired: 10,
    direction: 'out',
    reason: 'scale out 8 -> 10: cpu = 100 per unit over 8 warmed units at target 50 recommends 16, capped by capacity.max 10',
  },
  {
    name: 'scale-in below capacity.min is capped',
    input: input({ fleet: fleet({ min: 2 }), status: status(6), metric: cpu(0) }),
    desired: 2,
    direction: 'in',
    reason: 'scale in 6 -> 2: cpu = 0 per unit over 6 warmed units at target 50 recommends 0, capped by capacity.min 2',
  },
  {
    name: 'a previous desired above a lowered capacity.max is brought down',
    input: input({ status: status(15), currentUnits: 15, warmedUnits: 15, metric: missing }),
    desired: 10,
    direction: 'hold',
    reason: 'hold at 10 (lowered from 15 to capacity.max): no data for cpu (no datapoints in the last 5 minutes)',
  },
  {
    name: 'a previous desired below a raised capacity.min is brought up',
    input: input({ fleet: fleet({ min: 3 }), status: status(1), metric: missing }),
    desired: 3,
    direction: 'hold',
    reason: 'hold at 3 (raised from 1 to capacity.min): no data for cpu (no datapoints in the last 5 minutes)',
  },
  {
    name: 'a raised minimum is named in a scale-out reason too',
    input: input({ fleet: fleet({ min: 2 }), status: status(0), currentUnits: 2, warmedUnits: 2, metric: cpu(100) }),
    desired: 4,
    direction: 'out',
    reason: 'scale out 2 -> 4 (raised from 0 to capacity.min): cpu = 100 per unit over 2 warmed units at target 50 recommends 4',
  },
  {
    name: 'a lowered maximum is named in a scale-in reason too',
    input: input({ fleet: fleet({ max: 6 }), status: status(8), currentUnits: 8, warmedUnits: 8, metric: cpu(25) }),
    desired: 4,
    direction: 'in',
    reason: 'scale in 6 -> 4 (lowered from 8 to capacity.max): cpu = 25 per unit over 8 warmed units at target 50 recommends 4',
  },
  // Stabilization windows.
  {
    name: 'scale-out stabilization: the lowest recommendation of the window is not above desired',
    input: input({
      fleet: fleet({ scaleOut: { stabilizationSeconds: 120 } }),
      status: status(3, { recommendations: [{ atMs: NOW - sec(60), capacity: 3 }] }),
      metric: cpu(100),
    }),
    desired: 3,
    direction: 'hold',
    reason: 'hold at 3: cpu = 100 per unit over 3 warmed units at target 50 recommends 6, but the lowest recommendation in the last 120 s is 3',
  },
  {
    name: 'scale-out stabilization: scales to the lowest recommendation of the window',
    input: input({
      fleet: fleet({ scaleOut: { stabilizationSeconds: 120 } }),
      status: status(3, {
        recommendations: [
          { atMs: NOW - sec(90), capacity: 7 },
          { atMs: NOW - sec(60), capacity: 5 },
        ],
      }),
      metric: cpu(100),
    }),
    desired: 5,
    direction: 'out',
    reason: 'scale out 3 -> 5: cpu = 100 per unit over 3 warmed units at target 50 recommends 6, capped by the scale-out stabilization window (the lowest recommendation in the last 120 s is 5)',
  },
  {
    name: 'scale-out stabilization ignores recommendations replaced before its own window',
    input: input({
      fleet: fleet({ scaleOut: { stabilizationSeconds: 60 }, scaleIn: { stabilizationSeconds: 300 } }),
      status: status(3, {
        recommendations: [
          { atMs: NOW - sec(120), capacity: 2 },
          { atMs: NOW - sec(90), capacity: 6 },
        ],
      }),
      metric: cpu(100),
    }),
    desired: 6,
    direction: 'out',
    reason: 'scale out 3 -> 6: cpu = 100 per unit over 3 warmed units at target 50 recommends 6',
  },
  {
    name: 'scale-out stabilization: a recommendation made before the window stands in it until a different one follows',
    input: input({
      fleet: fleet({ scaleOut: { stabilizationSeconds: 60 }, scaleIn: { stabilizationSeconds: 300 } }),
      status: status(3, { recommendations: [{ atMs: NOW - sec(120), capacity: 2 }] }),
      metric: cpu(100),
    }),
    desired: 3,
    direction: 'hold',
    reason: 'hold at 3: cpu = 100 per unit over 3 warmed units at target 50 recommends 6, but the lowest recommendation in the last 60 s is 2',
  },
  {
    name: 'scale-in stabilization: the highest recommendation of the window is not below desired',
    input: input({
      fleet: fleet({ scaleIn: { stabilizationSeconds: 300 } }),
      status: status(6, { recommendations: [{ atMs: NOW - sec(100), capacity: 6 }] }),
      metric: cpu(10),
    }),
    desired: 6,
    direction: 'hold',
    reason: 'hold at 6: cpu = 10 per unit over 6 warmed units at target 50 recommends 2, but the highest recommendation in the last 300 s is 6',
  },
  {
    name: 'scale-in stabilization: scales to the highest recommendation of the window',
    input: input({
      fleet: fleet({ scaleIn: { stabilizationSeconds: 300 } }),
      status: status(6, {
        recommendations: [
          { atMs: NOW - sec(299), capacity: 4 },
          { atMs: NOW - sec(100), capacity: 3 },
        ],
      }),
      metric: cpu(10),
    }),
    desired: 4,
    direction: 'in',
    reason: 'scale in 6 -> 4: cpu = 10 per unit over 6 warmed units at target 50 recommends 2, capped by the scale-in stabilization window (the highest recommendation in the last 300 s is 4)',
  },
  {
    name: 'scale-in stabilization: a recommendation replaced exactly one window ago has left it',
    input: input({
      fleet: fleet({ scaleIn: { stabilizationSeconds: 300 } }),
      status: status(6, {
        recommendations: [
          { atMs: NOW - sec(400), capacity: 9 },
          { atMs: NOW - sec(300), capacity: 2 },
        ],
      }),
      metric: cpu(10),
    }),
    desired: 2,
    direction: 'in',
    reason: 'scale in 6 -> 2: cpu = 10 per unit over 6 warmed units at target 50 recommends 2',
  },
  // Cooldowns.
  {
    name: 'scale-out cooldown holds, with the seconds left rounded up',
    input: input({
      fleet: fleet({ scaleOut: { cooldownSeconds: 300 } }),
      status: status(2, { lastScaleOutAtMs: NOW - 100_500 }),
      metric: cpu(100),
    }),
    desired: 2,
    direction: 'hold',
    reason: 'hold at 2: cpu = 100 per unit over 2 warmed units at target 50 recommends 4, but scale-out cooldown has 200 s left',
  },
  {
    name: 'scale-out cooldown is over at exactly its end',
    input: input({
      fleet: fleet({ scaleOut: { cooldownSeconds: 300 } }),
      status: status(2, { lastScaleOutAtMs: NOW - sec(300) }),
      metric: cpu(100),
    }),
    desired: 4,
    direction: 'out',
    reason: 'scale out 2 -> 4: cpu = 100 per unit over 2 warmed units at target 50 recommends 4',
  },
  {
    name: 'scale-out cooldown does not count the last scale-in',
    input: input({
      fleet: fleet({ scaleOut: { cooldownSeconds: 300 } }),
      status: status(2, { lastScaleInAtMs: NOW - sec(10) }),
      metric: cpu(100),
    }),
    desired: 4,
    direction: 'out',
    reason: 'scale out 2 -> 4: cpu = 100 per unit over 2 warmed units at target 50 recommends 4',
  },
  {
    name: 'scale-in cooldown counts from the last scale-in',
    input: input({
      fleet: fleet({ scaleIn: { cooldownSeconds: 300 } }),
      status: status(6, { lastScaleInAtMs: NOW - sec(100) }),
      metric: cpu(10),
    }),
    desired: 6,
    direction: 'hold',
    reason: 'hold at 6: cpu = 10 per unit over 6 warmed units at target 50 recommends 2, but scale-in cooldown has 200 s left',
  },
  {
    name: 'scale-in cooldown counts from the last scale-out too',
    input: input({
      fleet: fleet({ scaleIn: { cooldownSeconds: 300 } }),
      status: status(6, { lastScaleInAtMs: NOW - sec(1000), lastScaleOutAtMs: NOW - sec(60) }),
      metric: cpu(10),
    }),
    desired: 6,
    direction: 'hold',
    reason: 'hold at 6: cpu = 10 per unit over 6 warmed units at target 50 recommends 2, but scale-in cooldown has 240 s left',
  },
  {
    name: 'scale-in cooldown is over',
    input: input({
      fleet: fleet({ scaleIn: { cooldownSeconds: 300 } }),
      status: status(6, { lastScaleInAtMs: NOW - sec(1000), lastScaleOutAtMs: NOW - sec(300) }),
      metric: cpu(10),
    }),
    desired: 2,
    direction: 'in',
    reason: 'scale in 6 -> 2: cpu = 10 per unit over 6 warmed units at target 50 recommends 2',
  },
  // Warm-up.
  {
    name: 'scale-in waits while instances warm up',
    input: input({ status: status(6), currentUnits: 6, warmedUnits: 4, warmingInstances: 2, metric: cpu(10) }),
    desired: 6,
    direction: 'hold',
    reason: 'hold at 6: cpu = 10 per unit over 4 warmed units at target 50 recommends 1, but scale-in waits while 2 instances warm up',
  },
  {
    name: 'scale-in waits while one instance warms up',
    input: input({ status: status(6), currentUnits: 6, warmedUnits: 5, warmingInstances: 1, metric: cpu(10) }),
    desired: 6,
    direction: 'hold',
    reason: 'hold at 6: cpu = 10 per unit over 5 warmed units at target 50 recommends 1, but scale-in waits while 1 instance warm up',
  },
  {
    name: 'scale-out does not wait for warming instances',
    input: input({ status: status(4), currentUnits: 4, warmedUnits: 3, warmingInstances: 1, metric: cpu(90) }),
    desired: 6,
    direction: 'out',
    reason: 'scale out 4 -> 6: cpu = 90 per unit over 3 warmed units at target 50 recommends 6',
  },
  // maxStep.
  {
    name: 'scaleOut.maxStep caps a scale-out',
    input: input({ fleet: fleet({ scaleOut: { maxStep: 4 } }), status: status(2), metric: cpu(225) }),
    desired: 6,
    direction: 'out',
    reason: 'scale out 2 -> 6: cpu = 225 per unit over 2 warmed units at target 50 recommends 9, capped by scaleOut.maxStep 4',
  },
  {
    name: 'scaleOut.maxStep and capacity.max both cap a scale-out',
    input: input({ fleet: fleet({ scaleOut: { maxStep: 4 } }), status: status(8), metric: cpu(100) }),
    desired: 10,
    direction: 'out',
    reason:
      'scale out 8 -> 10: cpu = 100 per unit over 8 warmed units at target 50 recommends 16, capped by scaleOut.maxStep 4 and capacity.max 10',
  },
  {
    name: 'scaleOut.maxStep not reached leaves the recommendation alone',
    input: input({ fleet: fleet({ scaleOut: { maxStep: 4 } }), status: status(2), metric: cpu(150) }),
    desired: 6,
    direction: 'out',
    reason: 'scale out 2 -> 6: cpu = 150 per unit over 2 warmed units at target 50 recommends 6',
  },
  {
    name: 'scaleIn.maxStep caps a scale-in',
    input: input({ fleet: fleet({ scaleIn: { maxStep: 1 } }), status: status(6), metric: cpu(10) }),
    desired: 5,
    direction: 'in',
    reason: 'scale in 6 -> 5: cpu = 10 per unit over 6 warmed units at target 50 recommends 2, capped by scaleIn.maxStep 1',
  },
  {
    name: 'scaleIn.maxStep and capacity.min both cap a scale-in',
    input: input({ fleet: fleet({ min: 3, scaleIn: { maxStep: 4 } }), status: status(5), metric: cpu(0) }),
    desired: 3,
    direction: 'in',
    reason:
      'scale in 5 -> 3: cpu = 0 per unit over 5 warmed units at target 50 recommends 0, capped by scaleIn.maxStep 4 and capacity.min 3',
  },
];

describe('decideCapacity', () => {
  it.each(cases)('$name', ({ input: capacityInput, desired, direction, reason }) => {
    const decision = decideCapacity(capacityInput);
    expect(decision.reason).toBe(reason);
    expect(decision.desiredCapacity).toBe(desired);
    expect(decision.direction).toBe(direction);
  });

  it('returns the recommendation and adds it to the history', () => {
    const decision = decideCapacity(input({ status: status(4), metric: cpu(75) }));
    expect(decision.recommendation).toBe(6);
    expect(decision.recommendations).toEqual([{ atMs: NOW, capacity: 6 }]);
  });

  it('has no recommendation when the metric is missing, and keeps the history', () => {
    const history: Recommendation[] = [{ atMs: NOW - sec(30), capacity: 4 }];
    const decision = decideCapacity(
      input({ fleet: fleet({ scaleIn: { stabilizationSeconds: 300 } }), status: status(4, { recommendations: history }), metric: missing }),
    );
    expect(decision).not.toHaveProperty('recommendation');
    expect(decision.recommendations).toEqual(history);
  });

  it('keeps only recommendations inside the largest stabilization window', () => {
    const decision = decideCapacity(
      input({
        fleet: fleet({ scaleOut: { stabilizationSeconds: 60 }, scaleIn: { stabilizationSeconds: 300 } }),
        status: status(4, {
          recommendations: [
            { atMs: NOW - sec(400), capacity: 1 },
            { atMs: NOW - sec(300), capacity: 2 },
            { atMs: NOW - sec(299), capacity: 3 },
            { atMs: NOW - sec(30), capacity: 4 },
            // A recommendation from this same instant (a repeated step) is replaced, not doubled.
            { atMs: NOW, capacity: 9 },
          ],
        }),
        metric: cpu(50),
      }),
    );
    expect(decision.recommendations).toEqual([
      { atMs: NOW - sec(300), capacity: 2 },
      { atMs: NOW - sec(299), capacity: 3 },
      { atMs: NOW - sec(30), capacity: 4 },
    ]);
  });

  it('appends nothing for a recommendation equal to the newest, however old', () => {
    const history: Recommendation[] = [{ atMs: NOW - sec(3600), capacity: 4 }];
    const decision = decideCapacity(input({ fleet: fleet({ scaleIn: { stabilizationSeconds: 300 } }), status: status(4, { recommendations: history }), metric: cpu(50) }));
    expect(decision.recommendation).toBe(4);
    expect(decision.recommendations).toEqual(history);
  });

  it('keeps no history when both windows are zero', () => {
    const decision = decideCapacity(
      input({ status: status(4, { recommendations: [{ atMs: NOW - 1, capacity: 8 }] }), metric: cpu(50) }),
    );
    expect(decision.recommendations).toEqual([{ atMs: NOW, capacity: 4 }]);
  });

  it('does not modify its input', () => {
    const capacityInput = input({
      fleet: fleet({ scaleIn: { stabilizationSeconds: 300 } }),
      status: status(6, { recommendations: [{ atMs: NOW - sec(100), capacity: 4 }] }),
      metric: cpu(10),
    });
    const before = structuredClone(capacityInput);
    decideCapacity(capacityInput);
    expect(capacityInput).toEqual(before);
  });
});

describe('scalingStatusAfter', () => {
  const before = { lastScaleOutAtMs: NOW - sec(600), lastScaleInAtMs: NOW - sec(900) };
  const recommendations: Recommendation[] = [{ atMs: NOW, capacity: 6 }];
  it.each([
    ['out', { desiredCapacity: 6, recommendations, lastScaleOutAtMs: NOW, lastScaleInAtMs: NOW - sec(900) }],
    ['in', { desiredCapacity: 6, recommendations, lastScaleOutAtMs: NOW - sec(600), lastScaleInAtMs: NOW }],
    ['hold', { desiredCapacity: 6, recommendations, ...before }],
  ] as const)('after a %s, stamps only that direction with the step time', (direction, expected) => {
    expect(scalingStatusAfter(before, { desiredCapacity: 6, direction, recommendations }, NOW)).toEqual(expected);
  });

  it('carries no time for a direction the fleet never scaled in', () => {
    expect(scalingStatusAfter(undefined, { desiredCapacity: 3, direction: 'hold', recommendations: [] }, NOW)).toEqual({ desiredCapacity: 3, recommendations: [] });
  });

  it('makes the next step honour the cooldown the decision started', () => {
    const scaleFleet = fleet({ scaleIn: { cooldownSeconds: 300 } });
    const out = decideCapacity(input({ fleet: scaleFleet, status: status(4), metric: cpu(100) }));
    const next = decideCapacity(input({ fleet: scaleFleet, status: { ...status(out.desiredCapacity), ...scalingStatusAfter(undefined, out, NOW) }, metric: cpu(0), nowMs: NOW + sec(60) }));
    expect(next.reason).toBe('hold at 8: cpu = 0 per unit over 8 warmed units at target 50 recommends 0, but scale-in cooldown has 240 s left');
  });
});

describe('formatNumber', () => {
  it.each([
    [4, '4'],
    [0.1, '0.1'],
    [66.6666, '66.67'],
    [2.5, '2.5'],
    [1.005, '1'],
    [1e-9, '0'],
  ])('formats %s as %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});

describe('decideCapacity on a step that did not read the metric', () => {
  const notRead: MetricReading = { kind: 'not-read', label: 'cpu', why: 'steady' };
  const cases: Array<{ name: string; status: FleetStatus; expected: { desiredCapacity: number; direction: ScalingDirection; reason: string } }> = [
    {
      name: 'the standing recommendation decides, as if the metric read the same',
      status: status(4, { recommendations: [{ atMs: NOW - sec(600), capacity: 4 }] }),
      expected: { desiredCapacity: 4, direction: 'hold', reason: 'hold at 4: cpu not read (steady): the standing recommendation 4' },
    },
    {
      name: 'a standing recommendation above the desired capacity scales out as it would have',
      status: status(3, { recommendations: [{ atMs: NOW - sec(600), capacity: 5 }] }),
      expected: { desiredCapacity: 5, direction: 'out', reason: 'scale out 3 -> 5: cpu not read (steady): the standing recommendation 5' },
    },
    {
      name: 'no standing recommendation: hold',
      status: status(4),
      expected: { desiredCapacity: 4, direction: 'hold', reason: 'hold at 4: cpu not read (steady) and no recommendation stands' },
    },
  ];
  it.each(cases)('$name', ({ status: read, expected }) => {
    expect(decideCapacity(input({ status: read, metric: notRead }))).toMatchObject(expected);
  });
});
