// fleetward's own step on a fleet of several types and markets in the simulator: the mix priced from the table,
// Spot interrupted at a seeded rate and replaced by the product's failover, every counted step billed by type and market.
import { beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../functions/core/config.ts';
import type { LinearSolver } from '../../../functions/ports/solver.ts';
import { loadHighsSolver } from '../../../functions/solver/highs-solver.ts';
import type { SimPriceTable } from '../../../sim/cost.ts';
import { simulate } from '../../../sim/engine.ts';
import { simFleetConfig } from '../../../sim/policies/fleetward.ts';
import { createMixedFleetwardPolicy } from '../../../sim/policies/mixed-fleetward.ts';
import { prepare } from '../../../sim/run.ts';
import { parseTrace } from '../../../sim/trace.ts';

const TABLE: SimPriceTable = { source: 'fixture', date: '2026-12-01', region: 'us-east-1', onDemand: { 'm7g.large': 0.0816, 'm6g.xlarge': 0.154 }, spot: { 'm7g.large': 0.03, 'm6g.xlarge': 0.05 } };

const USER = validateConfig({
  fleets: [
    {
      name: 'web',
      launchTemplate: { name: 'web-server' },
      subnets: ['subnet-0123456789abcdef0'],
      instanceTypes: [{ type: 'm7g.large' }, { type: 'm6g.xlarge', weight: 2 }],
      capacity: { min: 2, max: 40 },
      scaling: { metric: { namespace: 'AWS/EC2', name: 'CPUUtilization', statistic: 'Average' }, metricType: 'per-instance', target: 50 },
      mix: { maxSpotShare: 1 },
      optimization: { mode: 'act' },
    },
  ],
}).fleets[0];

let solver: LinearSolver;
beforeAll(async () => {
  solver = await loadHighsSolver();
});

/** 90 minutes of a steady 10 units at target 50% (20 units, 10 m6g.xlarge); the bill and the metrics count from minute 30. */
async function run(spotInterruptionsPerHour: number) {
  if (USER?.mix === undefined) throw new Error('the fixture fleet has a mix');
  const trace = parseTrace(`t_s,value\n${Array.from({ length: 90 }, (_, i) => `${i * 60},10`).join('\n')}\n`, 'steady');
  const setup = prepare(trace, { stepS: 60, bootS: 120, peakInstances: 10, instanceCapacity: 1, warmupS: 1800 });
  const fleet = simFleetConfig({ target: 0.5, stepS: 60, bootS: 120, minInstances: 1, maxInstances: 30, fleet: USER, instanceTypes: USER.instanceTypes, mix: USER.mix, optimization: USER.optimization });
  const policy = createMixedFleetwardPolicy({ fleet, table: TABLE, solver: async () => solver, stepS: 60, bootS: 120, warmupSteps: setup.settings.warmupSteps, spotInterruptionsPerHour, seed: 1 });
  const result = await simulate(setup.demand, policy, setup.settings, { initialInstances: 10 });
  const bill = policy.bill.rows().map((row) => [`${row.type} ${row.market}`, Math.round(row.instanceHours * 1000) / 1000, Math.round(row.usd * 10_000) / 10_000]);
  return { result, bill, interruptions: policy.interruptions(), billedHours: policy.bill.rows().reduce((sum, row) => sum + row.instanceHours, 0) };
}

describe('fleetward on a mixed fleet in the simulator', () => {
  it('runs the whole fleet on the cheapest Spot units per the mix, billed at the Spot price, when nothing is interrupted', async () => {
    const { result, bill, interruptions, billedHours } = await run(0);
    expect(interruptions).toBe(0);
    expect(bill).toEqual([['m6g.xlarge spot', 10, 0.5]]);
    expect(billedHours).toBeCloseTo(result.metrics.instanceHours, 9);
    expect(result.metrics.underTimeshare).toBe(0);
  });

  it('interrupts Spot at the seeded rate: the failover replaces each on the other Spot pool, the interrupted one left out of launches for 5 min, with no shortfall', async () => {
    const { result, bill, interruptions, billedHours } = await run(2);
    expect(interruptions).toBe(24);
    // 24 warnings in the counted hour (more Spot instances run, so more are warned); 2.1 of 16.7
    // instance-hours ran on-demand (6.0 of 11 when a failover went on-demand), $0.77 instead of $1.18.
    expect(bill).toEqual([
      ['m6g.xlarge on-demand', 0.983, 0.1514],
      ['m6g.xlarge spot', 4.65, 0.2325],
      ['m7g.large on-demand', 1.15, 0.0938],
      ['m7g.large spot', 9.867, 0.296],
    ]);
    expect(billedHours).toBeCloseTo(result.metrics.instanceHours, 9);
    expect(result.metrics.underTimeshare).toBe(0);
  });
});
