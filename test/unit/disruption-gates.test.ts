// The gates on every voluntary move (functions/core/step/disruption/gates.ts): each gate with its
// exact reason, how they aggregate, do-not-disrupt through the loop and the step (the forced roll
// and failover excepted), and recommend-only recording moves with their saving while changing nothing.
import { describe, expect, it } from 'vitest';
import { type FleetConfig, validateConfig } from '../../functions/core/config.ts';
import { optimizationConfigSchema } from '../../functions/core/optimization-config.ts';
import type { Member } from '../../functions/core/placement.ts';
import { decideStep } from '../../functions/core/step/index.ts';
import { disrupt } from '../../functions/core/step/disruption/index.ts';
import { disruptionBudgets } from '../../functions/core/step/disruption/budget.ts';
import { churnOf, doNotDisrupt, gateContext, gateMoves, minimumSavings, savingsPerDisruption } from '../../functions/core/step/disruption/gates.ts';
import type { Move } from '../../functions/core/step/disruption/method.ts';
import { fleetMonthlyCost, monthlyUsd } from '../../functions/core/step/disruption/savings.ts';
import { LONG_AGO, SUBNET_A, SUBNET_B, cpu, fleet, instance, record, status, stepInput } from './step-fixtures.ts';
import { rawConfigWith } from './fixtures.ts';

const member = (instanceId: string, extra: Partial<Member> = {}): Member => ({ ...instance(instanceId, SUBNET_A), units: 1, launchedAtMs: LONG_AGO, ...extra });
const move = (instanceId: string, extra: Partial<Move> = {}): Move => ({ instanceId, launchedAtMs: LONG_AGO, reason: 'because', keepCapacity: false, ...extra });
const optimization = (raw: unknown = {}) => optimizationConfigSchema.parse(raw);
const PRICES = { 'm7g.large': 0.1, 'm7g.xlarge': 0.2 };
// 10 m7g.large at $73/month each, and one tagged do-not-disrupt: the fleet costs $803/month.
const TEN = Array.from({ length: 10 }, (_, i) => member(`i-${i}`));

describe('prices a month', () => {
  it('are 730 hours of the hourly price, and a fleet with an unpriced type has no total', () => {
    expect(monthlyUsd('m7g.large', PRICES)).toBeCloseTo(73);
    expect(monthlyUsd('x9.huge', PRICES)).toBeUndefined();
    expect(fleetMonthlyCost(TEN, PRICES).monthlyUsd).toBeCloseTo(730);
    expect(fleetMonthlyCost([...TEN, member('i-x', { instanceType: 'x9.huge' }), member('i-y', { instanceType: 'a1.odd' })], PRICES)).toEqual({ unpriced: ['a1.odd', 'x9.huge'] });
  });
});

describe('the gates, each with its exact reason', () => {
  const context = gateContext([...TEN, member('i-keep', { doNotDisrupt: true })], optimization({ minSavings: { monthlyUsd: 5, percent: 1 }, minSavingsPerDisruption: { monthlyUsd: 6 } }), PRICES);
  const unpricedFleet = gateContext([...TEN, member('i-x', { instanceType: 'x9.huge' })], optimization(), PRICES);

  it.each([
    ['do-not-disrupt holds a tagged instance', doNotDisrupt, move('i-keep'), false, 'do-not-disrupt: consolidation leaves i-keep in service: it carries fleetward:do-not-disrupt=true'],
    ['do-not-disrupt lets a forced (unbounded) move go', doNotDisrupt, move('i-keep'), true, undefined],
    ['do-not-disrupt lets an untagged instance go', doNotDisrupt, move('i-1'), false, undefined],
    ['minimum savings: below the absolute minimum', minimumSavings, move('i-1', { monthlySavingUsd: 4.5 }), false, 'minimum savings: consolidation of i-1 saves $4.50/month, below optimization.minSavings.monthlyUsd ($5.00)'],
    ['minimum savings: below the percent of the fleet', minimumSavings, move('i-1', { monthlySavingUsd: 7 }), false, "minimum savings: consolidation of i-1 saves $7.00/month, 0.87% of the fleet's $803.00/month, below optimization.minSavings.percent (1%)"],
    ['minimum savings: enough', minimumSavings, move('i-1', { monthlySavingUsd: 8.1 }), false, undefined],
    ['minimum savings: no saving, no gate', minimumSavings, move('i-1'), false, undefined],
    ['savings per disruption: a removal churns 1', savingsPerDisruption, move('i-1', { monthlySavingUsd: 5.99 }), false, 'savings per disruption: consolidation of i-1 saves $5.99/month for 1 instance churned (removed): $5.99 per instance, below optimization.minSavingsPerDisruption.monthlyUsd ($6.00)'],
    ['savings per disruption: a replacement churns 2', savingsPerDisruption, move('i-1', { monthlySavingUsd: 11, keepCapacity: true }), false, 'savings per disruption: consolidation of i-1 saves $11.00/month for 2 instances churned (replacement first): $5.50 per instance, below optimization.minSavingsPerDisruption.monthlyUsd ($6.00)'],
    ['savings per disruption: enough', savingsPerDisruption, move('i-1', { monthlySavingUsd: 12, keepCapacity: true }), false, undefined],
  ] as const)('%s', (_, gate, candidate, unbounded, expected) => {
    expect(gate('consolidation', candidate, context, unbounded)).toBe(expected);
  });

  it('fails closed on the percent when the fleet has an unpriced type', () => {
    expect(minimumSavings('mix', move('i-1', { monthlySavingUsd: 50 }), unpricedFleet, false)).toBe(
      "minimum savings: mix of i-1 saves $50.00/month, but the fleet's monthly cost is unknown (no price for x9.huge), so optimization.minSavings.percent (1%) cannot be checked",
    );
    expect(minimumSavings('mix', move('i-1', { monthlySavingUsd: 50 }), gateContext(TEN, optimization({ minSavings: { percent: 0 } }), {}), false)).toBeUndefined();
  });

  it('counts the churn of a removal as 1 and of a replacement as 2', () => {
    expect([churnOf(move('i-1')), churnOf(move('i-1', { keepCapacity: true }))]).toEqual([1, 2]);
  });

  it('keeps the moves every gate passes in order, and notes each gate once with how many more it held', () => {
    const moves = [move('i-1', { monthlySavingUsd: 1 }), move('i-keep', { monthlySavingUsd: 100 }), move('i-2', { monthlySavingUsd: 100 }), move('i-3', { monthlySavingUsd: 2 }), move('i-4')];
    expect(gateMoves('consolidation', { moves, notes: [] }, context)).toEqual({
      moves: [moves[2], moves[4]],
      notes: [
        'minimum savings: consolidation of i-1 saves $1.00/month, below optimization.minSavings.monthlyUsd ($5.00); and 1 more held back by the same gate',
        'do-not-disrupt: consolidation leaves i-keep in service: it carries fleetward:do-not-disrupt=true',
      ],
    });
  });
});

describe('do-not-disrupt through the loop', () => {
  const members = [member('i-old', { doNotDisrupt: true, imageId: 'ami-old' }), member('i-new', { launchedAtMs: LONG_AGO + 1, imageId: 'ami-old' })];
  const base = { fleet: fleet(), nowMs: LONG_AGO, evacuating: { zones: [], subnets: [] }, maintenanceWindow: { open: false, why: 'the fleet has no maintenanceWindows' }, disrupting: 0, budgets: disruptionBudgets(fleet(), 2) };
  const roll = (forced: boolean) => ({ targetImageId: 'ami-new', count: 2, forced, why: 'rolling onto ami-new' });

  it('scale-in takes another instance than the tagged one', () => {
    const outcome = disrupt({ ...base, desired: 1, members });
    expect(outcome.drains.map((d) => d.instanceId)).toEqual(['i-new']);
  });

  it('a roll before its deadline leaves the tagged instance, one past it replaces it too', () => {
    expect(disrupt({ ...base, desired: 2, members, roll: roll(false) }).drains.map((d) => d.instanceId)).toEqual(['i-new']);
    expect(disrupt({ ...base, desired: 2, members, roll: roll(true) }).drains.map((d) => d.instanceId)).toEqual(['i-old', 'i-new']);
  });

  it('reaches the methods through the step: scale-in takes the untagged instances', () => {
    const observed = [instance('i-a1', SUBNET_A, { doNotDisrupt: true }), instance('i-a2', SUBNET_A), instance('i-b1', SUBNET_B, { doNotDisrupt: true }), instance('i-b2', SUBNET_B)];
    const decision = decideStep(stepInput({ status: status(4), observed, metric: cpu(10) }));
    expect(decision.commands.map((c) => c.id)).toEqual(['web/42/advance/i-a2', 'web/42/advance/i-b2']);
  });

  it('never stops failover of a failed tagged instance', () => {
    const failing: FleetConfig = { ...fleet(), failover: { ...fleet().failover, enabled: true, gracePeriodSeconds: 0, unhealthyThreshold: 1 } };
    const observed = [instance('i-1', SUBNET_A, { health: 'impaired', doNotDisrupt: true }), instance('i-2', SUBNET_B)];
    const decision = decideStep(stepInput({ fleet: failing, status: status(2), observed }));
    expect(decision.commands.map((c) => `${c.kind} ${c.id}`)).toEqual(['failover web/failover/i-1']);
  });
});

describe('recommend-only', () => {
  const withOptimization = (mode: 'recommend-only' | 'act'): FleetConfig => ({
    ...fleet({ instanceTypes: [{ type: 'm7g.xlarge', weight: 2 }, { type: 'm7g.large', weight: 1 }] }),
    optimization: optimization({ mode, minSavings: { monthlyUsd: 10, percent: 0 }, minSavingsPerDisruption: { monthlyUsd: 0 } }),
  });
  const observed = [
    instance('i-a1', SUBNET_A, { instanceType: 'm7g.xlarge' }),
    instance('i-a2', SUBNET_A),
    instance('i-b1', SUBNET_B, { instanceType: 'm7g.xlarge' }),
    instance('i-b2', SUBNET_B),
  ];
  const records = observed.map((o, i) => record(o.instanceId, { launchedAtMs: LONG_AGO + i }));
  // 6 units at 20% per unit against a target of 50 recommend 3: 3 units surplus.
  const input = (mode: 'recommend-only' | 'act') => stepInput({ fleet: withOptimization(mode), status: status(6), observed, records, metric: cpu(20) });

  it('records what consolidation would remove, with its saving and budget, and leaves it to scale-in', () => {
    const decision = decideStep(input('recommend-only'));
    expect(decision.desiredCapacity).toBe(3);
    expect(decision.notes).toEqual([
      'recommend-only (optimization.mode): consolidation would remove i-a1: capacity 6 is above desired 3; it costs the most of those that fit in the 3 units left (m7g.xlarge, 2 units; us-east-1a, 2 instances there); estimated saving $119.14/month; no disruption budget holds consolidation back',
      'recommend-only (optimization.mode): consolidation would remove i-b2: capacity 6 is above desired 3; it costs the most of those that fit in the 1 unit left (m7g.large, 1 unit; us-east-1b, 2 instances there); estimated saving $59.57/month; no disruption budget holds consolidation back',
    ]);
    expect(decision.commands.map((c) => [c.id, c.reason])).toEqual([
      ['web/42/advance/i-a1', 'capacity 6 is above desired 3; chose it because it is the oldest in a balanced fleet; drained: terminating'],
      ['web/42/advance/i-b2', 'capacity 6 is above desired 3; chose it because us-east-1b has the most instances (2); drained: terminating'],
    ]);
  });

  it('in act mode, consolidation removes the same instances, within the budget it names', () => {
    const decision = decideStep({ ...input('act'), fleet: { ...withOptimization('act'), disruption: { budgets: [{ max: 1, reasons: ['consolidation'] }] } } });
    expect(decision.notes).toEqual(['consolidation: 1 of 2 instances held back by the disruption budget disruption.budgets[0] (1), with 0 disrupting already']);
    expect(decision.commands.map((c) => [c.id, c.reason])).toEqual([
      [
        'web/42/advance/i-a1',
        'capacity 6 is above desired 3; it costs the most of those that fit in the 3 units left (m7g.xlarge, 2 units; us-east-1a, 2 instances there); estimated saving $119.14/month; within the disruption budget disruption.budgets[0] (1); drained: terminating',
      ],
      ['web/42/advance/i-b2', 'capacity 4 is above desired 3; chose it because us-east-1b has the most instances (2); drained: terminating'],
    ]);
  });
});

describe('the optimization section of the config', () => {
  const raw = (optimizationSection: unknown) => rawConfigWith({ optimization: optimizationSection });

  it('defaults to recommend-only with the documented gates', () => {
    expect(validateConfig(raw({})).fleets[0]?.optimization).toEqual({
      mode: 'recommend-only',
      minSavings: { monthlyUsd: 5, percent: 1 },
      minSavingsPerDisruption: { monthlyUsd: 5 },
      zoneRebalance: { maxSkew: 1 },
    });
  });

  it('names every bad field at once', () => {
    expect(() => validateConfig(raw({ mode: 'always', minSavings: { monthlyUsd: -1, percent: 101 }, zoneRebalance: { maxSkew: 0 }, extra: true }))).toThrow(
      [
        'config is invalid (5 problems):',
        '  - fleets[0].optimization.mode: Invalid option: expected one of "recommend-only"|"act"',
        '  - fleets[0].optimization.minSavings.monthlyUsd: Too small: expected number to be >=0',
        '  - fleets[0].optimization.minSavings.percent: Too big: expected number to be <=100',
        '  - fleets[0].optimization.zoneRebalance.maxSkew: Too small: expected number to be >=1',
        '  - fleets[0].optimization.extra: unknown field',
      ].join('\n'),
    );
  });
});
