// Voluntary disruption: the budget as data (limits, the binding budget, failing closed), the
// methods in order on what the earlier ones left, and the exact notes and reasons when a budget
// holds a move back, through decideStep as the step runs it.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../functions/core/config.ts';
import { decideStep } from '../../functions/core/step/index.ts';
import { allowance, budgetLimit, disruptionBudgets, limitFor } from '../../functions/core/step/disruption/budget.ts';
import { DISRUPTION_METHODS, DISRUPTION_REASONS } from '../../functions/core/step/disruption/methods.ts';
import { LONG_AGO, NOW, SUBNET_A, SUBNET_B, cpu, fleet, instance, record, status, stepInput } from './step-fixtures.ts';
import { rawConfigWith } from './fixtures.ts';

describe('budgetLimit', () => {
  it.each([
    [0, 10, 0],
    [3, 10, 3],
    ['25%', 10, 2],
    ['25%', 2, 1],
    ['10%', 0, 1],
    ['100%', 7, 7],
    [1.5, 10, 0],
    [-1, 10, 0],
    ['25', 10, 0],
    ['abc%', 10, 0],
    ['25%', Number.NaN, 0],
  ] as const)('%s of %s instances allows %s', (max, instances, expected) => {
    expect(budgetLimit(max, instances)).toBe(expected);
  });
});

describe('disruptionBudgets', () => {
  it('lists the configured budgets, then drain.maxDraining as the evacuation budget, with their numbers', () => {
    const web = fleet({ drain: { maxDraining: '50%' }, disruption: { budgets: [{ max: '25%' }, { max: 1, reasons: ['scale-in'] }] } });
    expect(disruptionBudgets(web, 8)).toEqual([
      { name: 'disruption.budgets[0] (25% of 8 instances: 2)', limit: 2 },
      { name: 'disruption.budgets[1] (1)', limit: 1, reasons: ['scale-in'] },
      { name: 'drain.maxDraining (50% of 8 instances: 4)', limit: 4, reasons: ['evacuation'] },
    ]);
  });

  it('allows each reason the least any budget that applies to it leaves, and names that budget', () => {
    const budgets = disruptionBudgets(fleet({ disruption: { budgets: [{ max: 3 }, { max: 1, reasons: ['scale-in'] }] } }), 10);
    expect(allowance(budgets, 'scale-in', 0)).toEqual({ allowed: 1, binding: budgets[1] });
    expect(allowance(budgets, 'evacuation', 0)).toEqual({ allowed: 1, binding: budgets[2] });
    expect(allowance(budgets, 'scale-in', 2)).toEqual({ allowed: 0, binding: budgets[1] });
    expect(allowance(budgets, 'consolidation', 2)).toEqual({ allowed: 1, binding: budgets[0] });
    expect(allowance([], 'scale-in', 5)).toEqual({ allowed: Number.POSITIVE_INFINITY });
    expect(limitFor(budgets, 'evacuation')).toBe(1);
  });
});

describe('the disruption methods', () => {
  it('run evacuation, consolidation, scale-in, the roll, expiry, rightsizing, the mix drift, then zone rebalance, and the config accepts exactly their reasons', () => {
    expect(DISRUPTION_METHODS.map((method) => method.reason)).toEqual(['evacuation', 'consolidation', 'scale-in', 'roll', 'expiry', 'rightsizing', 'mix', 'zone-rebalance']);
    expect(DISRUPTION_REASONS).toEqual(['evacuation', 'consolidation', 'scale-in', 'roll', 'expiry', 'rightsizing', 'mix', 'zone-rebalance']);
    const raw = (reasons: string[]) => rawConfigWith({ disruption: { budgets: [{ max: '10%', reasons }] } });
    expect(validateConfig(raw(['scale-in'])).fleets[0]?.disruption).toEqual({ budgets: [{ max: '10%', reasons: ['scale-in'] }] });
    expect(() => validateConfig(raw(['defragment']))).toThrow('fleets[0].disruption.budgets[0].reasons[0]: must be one of evacuation, consolidation, scale-in, roll, expiry, rightsizing, mix, zone-rebalance');
  });
});

describe('decideStep: scale-in within a disruption budget', () => {
  const observed = [instance('i-a1', SUBNET_A), instance('i-a2', SUBNET_A), instance('i-b1', SUBNET_B), instance('i-b2', SUBNET_B)];
  const records = observed.map((o, i) => record(o.instanceId, { launchedAtMs: LONG_AGO + i }));

  it('drains only what the budget allows, says which budget held the rest back, and names it in the reason', () => {
    const decision = decideStep(
      stepInput({ fleet: fleet({ disruption: { budgets: [{ max: 1, reasons: ['scale-in'] }] } }), status: status(4), observed, records, metric: cpu(10) }),
    );
    expect(decision.reason).toBe('scale in 4 -> 1: cpu = 10 per unit over 4 warmed units at target 50 recommends 1');
    expect(decision.commands.map((c) => [c.id, c.reason])).toEqual([
      [
        'web/42/advance/i-a1',
        'capacity 4 is above desired 1; chose it because it is the oldest in a balanced fleet; within the disruption budget disruption.budgets[0] (1); drained: terminating',
      ],
    ]);
    expect(decision.notes).toEqual(['scale-in: 2 of 3 instances held back by the disruption budget disruption.budgets[0] (1), with 0 disrupting already']);
  });

  it('counts instances already draining against the budget, and takes nothing once it is used up', () => {
    const draining = record('i-b2', { lifecycle: 'draining', drain: { purpose: 'terminate', reason: 'drain requested by bob', startedAtMs: NOW - 1000, keepCapacity: true, stop: false } });
    const decision = decideStep(
      stepInput({ fleet: fleet({ disruption: { budgets: [{ max: '25%' }] } }), status: status(3), observed, records: [...records.slice(0, 3), draining], metric: cpu(10) }),
    );
    expect(decision.commands.map((c) => c.id)).toEqual(['web/42/advance/i-b2']);
    expect(decision.notes).toEqual(['scale-in: 2 of 2 instances held back by the disruption budget disruption.budgets[0] (25% of 4 instances: 1), with 1 disrupting already']);
  });

  it('stops voluntary disruption at a budget of 0 and leaves involuntary drains alone', () => {
    const operatorDrain = record('i-a1', { lifecycle: 'draining', drain: { purpose: 'terminate', reason: 'drain requested by bob', startedAtMs: NOW - 1000, keepCapacity: false, stop: false } });
    const decision = decideStep(
      stepInput({ fleet: fleet({ disruption: { budgets: [{ max: 0 }] } }), status: status(4), observed, records: [operatorDrain, ...records.slice(1)], metric: cpu(10) }),
    );
    expect(decision.commands.map((c) => [c.id, c.kind === 'advance' ? c.lifecycle : c.kind])).toEqual([['web/42/advance/i-a1', 'terminating']]);
    expect(decision.notes).toEqual(['scale-in: 2 of 2 instances held back by the disruption budget disruption.budgets[0] (0), with 1 disrupting already']);
  });
});

describe('decideStep: evacuation before scale-in, on one budget', () => {
  const observed = [instance('i-a1', SUBNET_A), instance('i-a2', SUBNET_A), instance('i-b1', SUBNET_B), instance('i-b2', SUBNET_B)];
  const records = observed.map((o, i) => record(o.instanceId, { launchedAtMs: LONG_AGO + i }));
  const evacuating = { zones: ['us-east-1a'], subnets: [] };

  it('evacuates the oldest instance of the zone first, launches its replacement elsewhere, and drains it once that serves', () => {
    const decision = decideStep(stepInput({ status: status(4, { evacuating }), observed, records, metric: cpu(50) }));
    expect(decision.desiredCapacity).toBe(4);
    expect(decision.commands.map((c) => [c.id, c.reason])).toEqual([
      ['web/42/launch/subnet-0b', 'capacity 3 is below desired 4: 1 instance(s) in us-east-1b to balance zones'],
      [
        'web/42/advance/i-a1',
        'evacuating us-east-1a (subnet-0a); within the disruption budget drain.maxDraining (1); waiting for capacity first: 3 of desired 4 in service without it',
      ],
    ]);
    expect(decision.notes).toEqual([
      'evacuating us-east-1a: at most 1 draining at once',
      'evacuation: 1 of 2 instances held back by the disruption budget drain.maxDraining (1), with 0 disrupting already',
    ]);
    expect(decision.nextStatus.evacuating).toEqual(evacuating);
  });

  it('leaves nothing to scale in while the evacuation already takes capacity down to desired', () => {
    const decision = decideStep(stepInput({ status: status(3, { evacuating }), observed, records, metric: cpu(30) }));
    // 4 warmed units at 30% against a target of 50 recommend 3: i-a1 leaves the zone, nothing is surplus.
    expect(decision.commands.map((c) => [c.id, c.reason])).toEqual([
      ['web/42/advance/i-a1', 'evacuating us-east-1a (subnet-0a); within the disruption budget drain.maxDraining (1); drained: terminating'],
    ]);
  });

  it('lets a global budget used up by the evacuation hold scale-in back', () => {
    const decision = decideStep(
      stepInput({ fleet: fleet({ disruption: { budgets: [{ max: 1 }] } }), status: status(2, { evacuating }), observed, records, metric: cpu(10) }),
    );
    expect(decision.commands.map((c) => c.id)).toEqual(['web/42/advance/i-a1']);
    expect(decision.notes).toEqual([
      'evacuating us-east-1a: at most 1 draining at once',
      'evacuation: 1 of 2 instances held back by the disruption budget disruption.budgets[0] (1), with 0 disrupting already',
      'scale-in: 2 of 2 instances held back by the disruption budget disruption.budgets[0] (1), with 1 disrupting already',
    ]);
  });
});
