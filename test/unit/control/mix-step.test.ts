// The exact mix in the control step, over the in-memory ports: launches go to the mix's cells
// (Spot through the command's market), a capacity error leaves its cell out of the next solves
// instead of backing launches off, a failover's replacement takes its cell from the mix (never an
// interrupted Spot instance's own cell), an interrupted Spot instance is replaced into the mix,
// and open capacity reservations are used first.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { MixPorts } from '../../../functions/control/step-mix.ts';
import { FixedPriceFeed, MemoryPriceCache } from '../../../functions/memory/prices.ts';
import type { LinearSolver } from '../../../functions/ports/solver.ts';
import { loadHighsSolver } from '../../../functions/solver/highs-solver.ts';
import { A, B } from '../memory/fixtures.ts';
import { ControlWorld } from './world.ts';

const PRICES = { onDemand: { 'm7g.large': 0.0816, 'm6g.large': 0.077 }, spot: { 'm7g.large': { 'us-east-1a': 0.025, 'us-east-1b': 0.03 }, 'm6g.large': { 'us-east-1a': 0.04, 'us-east-1b': 0.041 } } };

let solver: LinearSolver;
beforeAll(async () => {
  solver = await loadHighsSolver();
});

const mixPorts = (): MixPorts => ({ prices: { feed: new FixedPriceFeed(PRICES), cache: new MemoryPriceCache() }, region: 'us-east-1', solver: async () => solver });

function mixWorld(mix: Record<string, unknown>) {
  const world = new ControlWorld({ fleet: { instanceTypes: [{ type: 'm7g.large' }, { type: 'm6g.large' }], mix: { prices: { source: 'aws' }, ...mix } } });
  const ports = mixPorts();
  return { world, step: (signals = {}) => world.step({ ...signals, ports: (deps) => ({ ...deps, mix: ports }) }) };
}

const alive = (world: ControlWorld) =>
  world.compute
    .describeFleetInstances('web')
    .then((instances) => instances.filter((i) => i.state === 'pending' || i.state === 'running').map((i) => `${i.instanceType} ${i.market ?? 'on-demand'} in ${i.availabilityZone}`).sort());

describe('the control step with a mix', () => {
  it('launches Spot into the mix cells, and on a capacity error leaves the cell out and launches elsewhere next step, without backing off', async () => {
    const { world, step } = mixWorld({ maxSpotShare: 1, maxTypeZoneShare: 0.5 });
    world.setLoad(40);
    world.compute.removeCapacity('m7g.large', A.availabilityZone, 'InsufficientInstanceCapacity', 'spot');

    const first = await step();
    expect(first).toMatchObject({ outcome: 'done', launchFailed: false });
    const status = await world.state.records.getStatus('web');
    expect(status?.mixExclusions).toEqual([{ type: 'm7g.large', zone: 'us-east-1a', market: 'spot', untilMs: world.clock.now() + 15 * 60_000 }]);
    expect(status?.launchFailures).toBeUndefined();
    const failed = (await world.lastDecision())?.actions.find((action) => action.outcome.startsWith('failed'));
    expect(failed?.outcome).toBe(
      'failed: no capacity in subnet-a for any allowed type: m7g.large (InsufficientInstanceCapacity); the mix leaves out m7g.large spot in us-east-1a for 15 min and solves again next step',
    );
    expect(await alive(world)).toEqual(['m7g.large spot in us-east-1b', 'm7g.large spot in us-east-1b']);

    world.clock.advance(60_000);
    await step();
    expect(await alive(world)).toEqual(['m6g.large spot in us-east-1a', 'm6g.large spot in us-east-1a', 'm7g.large spot in us-east-1b', 'm7g.large spot in us-east-1b']);
  });

  it('replaces an interrupted Spot instance at once by failover on another Spot pool: the mix is solved without its own for a while', async () => {
    const { world, step } = mixWorld({ maxSpotShare: 1 });
    world.setLoad(20);
    const [interrupted] = await world.seedInService(1, { subnetId: A.subnetId, market: 'spot' });
    await world.seedInService(1, { subnetId: B.subnetId, market: 'spot' });
    await step({ signals: [{ instanceId: interrupted ?? '', kind: 'spot-interruption', detail: 'instance action terminate' }] });
    expect(await alive(world)).toEqual(['m6g.large spot in us-east-1a', 'm7g.large spot in us-east-1b']);
    expect((await world.lastDecision())?.actions.map((action) => action.reason)).toEqual([
      'EC2 Spot interruption warning: instance action terminate: replace it in us-east-1a as a m6g.large spot, where the mix wants 1 and 0 run (mix $0.0700/h for 2 units (LP bound $0.0650/h, gap 0, proven optimal)); the mix was solved without m7g.large spot in us-east-1a (spot-interruption), then terminate it',
    ]);
  });

  it('replaces a failed on-demand instance into the mix cell the fleet is short of, Spot, and says so', async () => {
    const { world, step } = mixWorld({ maxSpotShare: 1 });
    world.setLoad(20);
    const [failed] = await world.seedInService(1, { subnetId: A.subnetId });
    await world.seedInService(1, { subnetId: B.subnetId });
    world.compute.fail(failed ?? '', 'stopped');
    await step();
    expect(await alive(world)).toEqual(['m7g.large on-demand in us-east-1b', 'm7g.large spot in us-east-1a']);
    expect((await world.lastDecision())?.actions.map((action) => action.reason)).toEqual([
      'it is stopped and fleetward did not ask for it: replace it in us-east-1a as a m7g.large spot, where the mix wants 1 and 0 run (mix $0.0550/h for 2 units (LP bound $0.0525/h, gap 0, proven optimal)), then terminate it',
    ]);
  });

  it('without failover, replaces an interrupted Spot instance into its mix cell once EC2 has taken it', async () => {
    const world = new ControlWorld({ fleet: { instanceTypes: [{ type: 'm7g.large' }, { type: 'm6g.large' }], failover: { enabled: false }, mix: { prices: { source: 'aws' }, maxSpotShare: 1 } } });
    const ports = mixPorts();
    world.setLoad(20);
    const [interrupted] = await world.seedInService(1, { subnetId: A.subnetId, market: 'spot' });
    await world.seedInService(1, { subnetId: B.subnetId, market: 'spot' });
    world.compute.fail(interrupted ?? '', 'terminated');
    await world.step({ ports: (deps) => ({ ...deps, mix: ports }) });
    expect(await alive(world)).toEqual(['m7g.large spot in us-east-1a', 'm7g.large spot in us-east-1b']);
    const launch = (await world.lastDecision())?.actions.find((action) => action.kind === 'launch');
    expect(launch?.reason).toBe(
      'capacity 1 is below desired 2: 1 x m7g.large spot in us-east-1a, where the mix wants 1 and 0 run; mix $0.0550/h for 2 units (LP bound $0.0525/h, gap 0, proven optimal)',
    );
  });

  it('uses an open capacity reservation first, names it in the log, and solves without it when the read fails', async () => {
    const { world, step } = mixWorld({});
    world.setLoad(20);
    world.compute.addCapacityReservation({ type: 'm7g.large', zone: B.availabilityZone, available: 1 });
    world.compute.addCapacityReservation({ type: 'm7g.large', zone: A.availabilityZone, available: 1, InstanceMatchCriteria: 'targeted' });
    await step();
    expect(await alive(world)).toEqual(['m6g.large on-demand in us-east-1a', 'm7g.large on-demand in us-east-1b']);
    const notes = (await world.lastDecision())?.decision.notes ?? [];
    expect(notes).toContain('open capacity reservations (used first, already paid): 1 x m7g.large in us-east-1b');
    expect(notes.find((note) => note.startsWith('mix for 2 units'))).toMatch(/1 x m7g\.large reserved in us-east-1b/);

    const failing = mixWorld({});
    failing.world.setLoad(20);
    vi.spyOn(failing.world.compute, 'describeOpenCapacityReservations').mockRejectedValue(new Error('UnauthorizedOperation'));
    await failing.step();
    expect(await alive(failing.world)).toEqual(['m6g.large on-demand in us-east-1a', 'm6g.large on-demand in us-east-1b']);
    expect((await failing.world.lastDecision())?.decision.notes).toContain('open capacity reservations not read (UnauthorizedOperation): the mix is solved without them');
  });
});
