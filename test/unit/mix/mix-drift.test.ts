// The mix drift method: instances in cells above the mix's count are replaced, replacement first
// and within the budget, by launches into the cells the fleet is short of, each move carrying its
// estimated monthly saving in its reason and as a number.
import { beforeAll, describe, expect, it } from 'vitest';
import { mixConfigSchema } from '../../../functions/core/mix/config.ts';
import { optimizationConfigSchema } from '../../../functions/core/optimization-config.ts';
import type { Command } from '../../../functions/core/model.ts';
import { mix } from '../../../functions/core/step/disruption/mix.ts';
import type { StepInput } from '../../../functions/core/step/index.ts';
import { type MixPorts, decideWithMix } from '../../../functions/control/step-mix.ts';
import { FixedPriceFeed, MemoryPriceCache } from '../../../functions/memory/prices.ts';
import type { LinearSolver } from '../../../functions/ports/solver.ts';
import { loadHighsSolver } from '../../../functions/solver/highs-solver.ts';
import { LONG_AGO, SUBNET_A, SUBNET_B, fleet, instance, record, status, stepInput } from '../step-fixtures.ts';

const PRICES = { onDemand: { 'm7g.large': 0.0816, 'm6g.large': 0.077 }, spot: { 'm7g.large': { 'us-east-1a': 0.031, 'us-east-1b': 0.033 } } };

let solver: LinearSolver;
beforeAll(async () => {
  solver = await loadHighsSolver();
});

const ports = (): MixPorts => ({ prices: { feed: new FixedPriceFeed(PRICES), cache: new MemoryPriceCache() }, region: 'us-east-1', solver: async () => solver });

const onDemandFleet = [instance('i-old-a', SUBNET_A, { launchTimeMs: LONG_AGO - 2000 }), instance('i-old-b', SUBNET_B, { launchTimeMs: LONG_AGO - 1000 }), instance('i-new-a', SUBNET_A)];

function driftInput(changes: { budgets?: { max: number; reasons?: string[] }[]; observed?: StepInput['observed']; records?: StepInput['records']; maxSpotShare?: number } = {}): StepInput {
  const observed = changes.observed ?? onDemandFleet;
  const base = fleet({ capacity: { min: 3, max: 10 }, ...(changes.budgets === undefined ? {} : { disruption: { budgets: changes.budgets } }) });
  return {
    ...stepInput({ observed }),
    records: changes.records ?? observed.map((o) => record(o.instanceId, { launchedAtMs: o.launchTimeMs })),
    fleet: { ...base, mix: mixConfigSchema.parse({ prices: { source: 'aws' }, maxSpotShare: changes.maxSpotShare ?? 1 }), optimization: optimizationConfigSchema.parse({ mode: 'act' }) },
    status: status(3),
  };
}

const drains = (commands: readonly Command[]) => commands.flatMap((c) => (c.kind === 'advance' && c.drain !== undefined ? [[c.instanceId, c.drain.reason]] : []));
const launchIds = (commands: readonly Command[]) => commands.flatMap((c) => (c.kind === 'launch' ? [c.id] : []));

describe('the mix drift method', () => {
  it('replaces the oldest on-demand instance with Spot, replacement first, one at a time within its budget', async () => {
    const decision = await decideWithMix(ports(), driftInput({ budgets: [{ max: 1, reasons: ['mix'] }] }));
    expect(drains(decision.commands)).toEqual([
      [
        'i-old-a',
        'm7g.large on-demand in us-east-1a -> m7g.large spot (the mix wants 0 m7g.large on-demand in us-east-1a and 2 m7g.large spot in us-east-1a; mix $0.0950/h for 3 units (LP bound $0.0950/h, gap 0, proven optimal)); estimated saving $36.94/month; within the disruption budget disruption.budgets[0] (1)',
      ],
    ]);
    expect(decision.notes).toContain('mix: 2 of 3 instances held back by the disruption budget disruption.budgets[0] (1), with 0 disrupting already');
    expect(launchIds(decision.commands)).toEqual(['web/42/launch/subnet-0a/m7g.large/spot']);
  });

  it('moves one instance at a time when no disruption budget names mix, and none while one is out of service', async () => {
    const first = await decideWithMix(ports(), driftInput());
    expect(drains(first.commands).map(([id]) => id)).toEqual(['i-old-a']);
    const records = onDemandFleet.map((o) => record(o.instanceId, o.instanceId === 'i-old-a' ? { lifecycle: 'draining', drain: { purpose: 'terminate', reason: 'mix', startedAtMs: LONG_AGO, keepCapacity: true, stop: false } } : {}));
    const spot = instance('i-spot-a', SUBNET_A, { market: 'spot' });
    const second = await decideWithMix(ports(), driftInput({ observed: [...onDemandFleet, spot], records: [...records, record('i-spot-a')] }));
    expect(drains(second.commands)).toEqual([]);
  });

  it('moves nothing that would not save, nor a protected instance', async () => {
    const inMix = onDemandFleet.map((o) => ({ ...o, market: 'spot' as const }));
    const unchanged = await decideWithMix(ports(), driftInput({ observed: inMix }));
    expect(drains(unchanged.commands)).toEqual([]);
    const observed = onDemandFleet.map((o) => ({ ...o, protected: true }));
    const guarded = await decideWithMix(ports(), driftInput({ observed }));
    expect(drains(guarded.commands)).toEqual([]);
  });

  it('puts the saving on the move as a number, for the savings gates', async () => {
    const input = driftInput();
    const view = { decision: { feasible: true as const, allocations: [{ type: 'm7g.large', zone: 'us-east-1a', market: 'spot' as const, count: 3, units: 3, perHour: 0.093 }], units: 3, costPerHour: 0.093, lowerBoundPerHour: 0.093, gap: 0, binding: [], reason: 'mix' }, offers: [{ type: 'm7g.large', zone: 'us-east-1a', weight: 1, onDemandPerHour: 0.0816, spotPerHour: 0.031 }], exclusions: [], notes: [] };
    const members = onDemandFleet.map((o) => ({ ...o, units: 1, launchedAtMs: o.launchTimeMs }));
    const proposal = mix.propose({ fleet: input.fleet, nowMs: input.nowMs, desired: 3, members, evacuating: { zones: [], subnets: [] }, maintenanceWindow: { open: false, why: 'the fleet has no maintenanceWindows' }, mix: view, disrupting: 0 });
    expect(proposal.moves.map((move) => move.monthlySavingUsd)).toEqual([36.94]);
  });
});
