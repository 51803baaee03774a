// Launches into the exact mix: the shell solves the mix (HiGHS over fixed prices) and the core
// launches into the cells where the fleet is short of it, Spot through the command's market,
// leaving out cells a capacity error excluded, each reason naming the cell, the mix's cost and gap.
import { beforeAll, describe, expect, it } from 'vitest';
import { mixConfigSchema } from '../../../functions/core/mix/config.ts';
import type { Command } from '../../../functions/core/model.ts';
import type { StepInput } from '../../../functions/core/step/index.ts';
import { type MixPorts, decideWithMix } from '../../../functions/control/step-mix.ts';
import { FixedPriceFeed, MemoryPriceCache } from '../../../functions/memory/prices.ts';
import { loadHighsSolver } from '../../../functions/solver/highs-solver.ts';
import type { LinearSolver } from '../../../functions/ports/solver.ts';
import { NOW, SUBNET_A, SUBNET_B, fleet, instance, status, stepInput } from '../step-fixtures.ts';

const PRICES = {
  onDemand: { 'm7g.large': 0.0816, 'm6g.large': 0.077 },
  spot: { 'm7g.large': { 'us-east-1a': 0.031, 'us-east-1b': 0.033 }, 'm6g.large': { 'us-east-1a': 0.04, 'us-east-1b': 0.029 } },
};

let solver: LinearSolver;
beforeAll(async () => {
  solver = await loadHighsSolver();
});

const ports = (): MixPorts => ({ prices: { feed: new FixedPriceFeed(PRICES), cache: new MemoryPriceCache() }, region: 'us-east-1', solver: async () => solver });

function mixFleet(mix: Record<string, unknown>) {
  return { ...fleet({ capacity: { min: 1, max: 10 } }), mix: mixConfigSchema.parse({ prices: { source: 'aws' }, ...mix }) };
}

const launches = (commands: readonly Command[]) =>
  commands.flatMap((c) => (c.kind === 'launch' ? [{ id: c.id, subnetId: c.subnetId, units: c.capacityUnits, types: c.instanceTypes.map((t) => t.type), market: c.market, reason: c.reason }] : []));

describe('launches into the mix', () => {
  it('launches the on-demand base and the Spot share into the cheapest cells, each reason naming its cell and the mix', async () => {
    const input: StepInput = { ...stepInput({ observed: [] }), fleet: mixFleet({ onDemandBase: 2, maxSpotShare: 0.5 }), status: status(4) };
    const decision = await decideWithMix(ports(), input);
    const mix = 'mix $0.2120/h for 4 units (LP bound $0.2120/h, gap 0, proven optimal)';
    expect(launches(decision.commands)).toEqual([
      { id: 'web/42/launch/subnet-0a/m6g.large/on-demand', subnetId: 'subnet-0a', units: 2, types: ['m6g.large'], market: undefined, reason: `capacity 0 is below desired 4: 2 x m6g.large on-demand in us-east-1a, where the mix wants 2 and 0 run; ${mix}` },
      { id: 'web/42/launch/subnet-0b/m6g.large/spot', subnetId: 'subnet-0b', units: 2, types: ['m6g.large'], market: 'spot', reason: `capacity 0 is below desired 4: 2 x m6g.large spot in us-east-1b, where the mix wants 2 and 0 run; ${mix}` },
    ]);
    expect(decision.notes.filter((note) => note.startsWith('mix for'))).toEqual([
      'mix for 4 units: 2 x m6g.large on-demand in us-east-1a, 2 x m6g.large spot in us-east-1b = 4 units at $0.2120/h (LP bound $0.2120/h, proven optimal); no limit binding',
    ]);
  });

  it('launches only into the cells the running fleet is short of', async () => {
    const observed = [instance('i-od-a', SUBNET_A, { instanceType: 'm6g.large' }), instance('i-spot-b', SUBNET_B, { instanceType: 'm6g.large', market: 'spot' })];
    const input: StepInput = { ...stepInput({ observed }), fleet: mixFleet({ onDemandBase: 2, maxSpotShare: 0.5 }), status: status(4) };
    const decision = await decideWithMix(ports(), input);
    expect(launches(decision.commands).map((l) => l.id)).toEqual(['web/42/launch/subnet-0a/m6g.large/on-demand', 'web/42/launch/subnet-0b/m6g.large/spot']);
  });

  it('leaves out a cell a capacity error excluded, and names the exclusion in the reason', async () => {
    const exclusions = [{ type: 'm6g.large', zone: 'us-east-1b', market: 'spot' as const, untilMs: NOW + 600_000 }];
    const input: StepInput = { ...stepInput({ observed: [] }), fleet: mixFleet({ onDemandBase: 0, maxSpotShare: 1 }), status: status(1, { mixExclusions: exclusions }) };
    const decision = await decideWithMix(ports(), input);
    expect(launches(decision.commands)).toEqual([
      {
        id: 'web/42/launch/subnet-0a/m7g.large/spot',
        subnetId: 'subnet-0a',
        units: 1,
        types: ['m7g.large'],
        market: 'spot',
        reason:
          'capacity 0 is below desired 1: 1 x m7g.large spot in us-east-1a, where the mix wants 1 and 0 run; mix $0.0310/h for 1 units (LP bound $0.0310/h, gap 0, proven optimal); left out after capacity errors: m6g.large spot in us-east-1b for another 10 min',
      },
    ]);
    expect(decision.nextStatus.mixExclusions).toEqual(exclusions);
  });

  it('forgets an exclusion once it expires', async () => {
    const input: StepInput = { ...stepInput({ observed: [] }), fleet: mixFleet({ maxSpotShare: 1 }), status: status(1, { mixExclusions: [{ type: 'm6g.large', zone: 'us-east-1b', market: 'spot', untilMs: NOW }] }) };
    const decision = await decideWithMix(ports(), input);
    expect(launches(decision.commands).map((l) => l.id)).toEqual(['web/42/launch/subnet-0b/m6g.large/spot']);
    expect(decision.nextStatus.mixExclusions).toBeUndefined();
  });

  it('solves again for a new desired capacity: the mix follows the scale-out', async () => {
    const input: StepInput = { ...stepInput({ observed: [] }), fleet: { ...mixFleet({ maxSpotShare: 0 }), capacity: { min: 3, max: 10 } }, status: status(1) };
    const decision = await decideWithMix(ports(), input);
    const units = launches(decision.commands).reduce((sum, l) => sum + l.units, 0);
    expect(units).toBe(decision.desiredCapacity);
    expect(decision.desiredCapacity).toBe(3);
    expect(decision.notes.filter((note) => note.startsWith('mix for'))).toEqual([
      'mix for 3 units: 2 x m6g.large on-demand in us-east-1a, 1 x m6g.large on-demand in us-east-1b = 3 units at $0.2310/h (LP bound $0.2310/h, proven optimal); no limit binding',
    ]);
  });

  it('launches the first listed type, saying why, when the mix is infeasible', async () => {
    const input: StepInput = { ...stepInput({ observed: [] }), fleet: mixFleet({ maxSpotShare: 1, onDemandBase: 0 }), status: status(2, { mixExclusions: ['us-east-1a', 'us-east-1b'].flatMap((zone) => ['m7g.large', 'm6g.large'].map((type) => ({ type, zone, untilMs: NOW + 60_000 }))) }) };
    const decision = await decideWithMix(ports(), input);
    expect(launches(decision.commands).map((l) => [l.id, l.types])).toEqual([['web/42/launch/subnet-0a', ['m7g.large', 'm6g.large']], ['web/42/launch/subnet-0b', ['m7g.large', 'm6g.large']]]);
    expect(decision.notes).toContain('infeasible: need 2 units but no type+zone is open (4 offers, 4 capacity-error exclusions, 0 reservation cells): launching the first listed type instead');
  });

  it('says the mix was not solved when the solver cannot load, and launches as before', async () => {
    const failing: MixPorts = { ...ports(), solver: () => Promise.reject(new Error('highs.wasm not found')) };
    const decision = await decideWithMix(failing, { ...stepInput({ observed: [] }), fleet: mixFleet({}), status: status(1) });
    expect(launches(decision.commands).map((l) => l.id)).toEqual(['web/42/launch/subnet-0a']);
    expect(decision.notes).toContain('mix not solved: highs.wasm not found: launching the first listed type instead');
  });

  it('caches the prices it fetched, except for a plan, which writes nothing', async () => {
    const input: StepInput = { ...stepInput({ observed: [] }), fleet: mixFleet({ maxSpotShare: 1 }), status: status(1) };
    const planning = ports();
    await decideWithMix(planning, input, false);
    expect(await planning.prices.cache.read('on-demand', 'us-east-1', ['m7g.large'])).toEqual([]);
    const stepping = ports();
    await decideWithMix(stepping, input);
    expect((await stepping.prices.cache.read('on-demand', 'us-east-1', ['m7g.large'])).map((entry) => entry.quotes)).toEqual([[{ kind: 'on-demand', type: 'm7g.large', perHour: 0.0816, fetchedAtMs: NOW }]]);
  });
});
