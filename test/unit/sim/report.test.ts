// The report's chart data: fleetward's decisions travel with their step and reason, within a size budget.
import { describe, expect, it } from 'vitest';
import type { Comparison } from '../../../sim/compare.ts';
import type { ElasticityMetrics } from '../../../sim/metrics.ts';
import { chartData, MAX_REPORT_REASON_CHARS } from '../../../sim/report.ts';

const METRICS: ElasticityMetrics = {
  steps: 4,
  instanceHours: 1,
  underTimeshare: 0,
  underAccuracy: 0,
  overTimeshare: 0,
  overAccuracy: 0,
  unservedPercent: 0,
  launches: 0,
  terminations: 0,
  instability: 0,
  meanDemandInstances: 1,
};

function comparison(reasons: readonly string[]): Comparison {
  return {
    trace: 'trace.csv',
    steps: 4,
    stepS: 60,
    bootS: 120,
    peakInstances: 1,
    instanceCapacity: 1,
    warmupSteps: 1,
    mode: { kind: 'target', target: 0.7 },
    rows: [
      { policy: 'fleetward', target: 0.7, metrics: METRICS, costRatio: 1, seconds: 0, decisions: reasons.map((reason, step) => ({ step: step + 1, desired: step + 2, reason })) },
      { policy: 'oracle', target: undefined, metrics: METRICS, costRatio: 1, seconds: 0 },
    ],
    demand: Float64Array.from([1, 1, 1, 1]),
    supply: new Map([
      ['fleetward', Int32Array.from([1, 2, 3, 4])],
      ['oracle', Int32Array.from([1, 1, 1, 1])],
    ]),
  };
}

describe('chartData', () => {
  it('carries each explained policy\'s decisions with their step and reason', () => {
    expect(chartData(comparison(['scale out 1 -> 2: why', 'scale out 2 -> 3: why not'])).decisions).toEqual([
      { policy: 'fleetward', steps: [1, 2], reasons: ['scale out 1 -> 2: why', 'scale out 2 -> 3: why not'], total: 2 },
    ]);
  });

  it('keeps the oldest reasons that fit the budget and says how many there were', () => {
    const long = 'x'.repeat(MAX_REPORT_REASON_CHARS / 2);
    const [kept] = chartData(comparison([long, long, `${long}!`])).decisions;
    expect(kept?.steps).toEqual([1, 2]);
    expect(kept?.total).toBe(3);
  });
});
