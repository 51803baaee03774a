// The crash matrix: a scale-out (also one numbered from the decision log after a lost status), two
// scale-ins (draining through a target group, and terminated in their first step without one), a
// failover carrying an Elastic IP, an interface, a volume and target group membership (in one
// step, and over several), and a maintenance enter and exit behind a target group, each crashed
// after every port call of a clean run in turn; then each state write of a clean run failed
// alone. The steps after the crash or failure must reach what the clean run reaches, with nothing
// done twice and nothing lost, losing at most the step that crashed.
import { describe, expect, it } from 'vitest';
import { LEASE_TTL_MS } from '../../../functions/control/step-timing.ts';
import { decisionEntry } from '../../contract/state.contract.ts';
import { A } from '../memory/fixtures.ts';
import { ControlWorld } from './world.ts';

const STEP_MS = 60_000;
/** Steps a crashed run may take beyond a clean one: the step that crashed is the only one lost. */
const EXTRA_STEPS = 1;
/** Steps run once converged, to see that nothing moves any more. */
const SETTLE_STEPS = 2;

/** Port calls that change something outside fleetward's own state. */
const EFFECTS = [
  ['compute', 'launch'],
  ['compute', 'terminate'],
  ['compute', 'stop'],
  ['compute', 'start'],
  ['compute', 'associateAddress'],
  ['compute', 'moveNetworkInterface'],
  ['compute', 'moveVolume'],
  ['compute', 'restoreVolume'],
  ['compute', 'quarantine'],
  ['loadBalancer', 'register'],
  ['loadBalancer', 'registerTargets'],
  ['loadBalancer', 'deregister'],
  ['events', 'publish'],
  ['notifier', 'notify'],
] as const;

interface Scenario {
  readonly name: string;
  setUp(): Promise<ControlWorld>;
  /** Where the scenario goes, as one comparable picture of the world. */
  picture(world: ControlWorld): Promise<unknown>;
  /** Has the world got there? */
  converged(world: ControlWorld): Promise<boolean>;
}

/** What a scenario's world looks like: instances, registrations, records, identity and fleet status. */
async function fleetPicture(world: ControlWorld) {
  const records = (await world.records()).map((r) => [r.instanceId, r.lifecycle]);
  const status = await world.state.records.getStatus('web');
  const terminated = world.compute.instances().filter((i) => i.state === 'terminated').map((i) => i.instanceId).sort();
  return { alive: world.alive(), registered: world.registered(), records, terminated, desired: status?.desiredCapacity, created: world.compute.instances().length };
}

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id, i) => id === b[i]);

/** `desired` instances alive, each with an in-service record (and no other record), each registered if the fleet has target groups. */
async function serving(world: ControlWorld, desired: number): Promise<boolean> {
  const alive = world.alive();
  const records = await world.records();
  const inService = records.filter((r) => r.lifecycle === 'in-service').map((r) => r.instanceId).sort();
  const registered = world.fleet.targetGroups.length === 0 || sameIds(world.registered(), alive);
  return alive.length === desired && records.length === alive.length && sameIds(inService, alive) && registered;
}

/** A fleet of `count` in-service instances whose load asks for `desired`. */
function scaling(name: string, count: number, desired: number, withTargetGroup: boolean): Scenario {
  return {
    name,
    async setUp() {
      const world = new ControlWorld({ withTargetGroup });
      await world.seedInService(count);
      world.setLoad(desired * 10);
      return world;
    },
    picture: fleetPicture,
    converged: (world) => serving(world, desired),
  };
}

const scaleOut = scaling('scale-out from 2 to 5 behind a target group', 2, 5, true);

/** The scale-out after the status item was lost: numbered from the decision log, the same in every retry of the step. */
const scaleOutAfterLostStatus: Scenario = {
  ...scaleOut,
  name: 'scale-out from 2 to 5 after the status item was lost, the decision log at step 7',
  async setUp() {
    const world = await scaleOut.setUp();
    await world.state.records.appendDecision('web', decisionEntry(7, world.clock.now() - STEP_MS));
    return world;
  },
};
const scaleIn = scaling('scale-in from 4 to 2, draining through a target group', 4, 2, true);
const scaleInAtOnce = scaling('scale-in from 4 to 2 without target groups, drained and terminated in its first step', 4, 2, false);

/** The pet's identity as attached now: which instance holds its address, interface and volume. */
function identityPicture(world: ControlWorld) {
  return {
    address: world.compute.elasticIp('eipalloc-00000000000000002')?.instanceId,
    networkInterface: world.compute.networkInterface('eni-00000000000000003')?.attachment?.instanceId,
    volume: world.compute.volumes().find((v) => v.volumeId === 'vol-00000000000000004')?.attachment?.instanceId,
  };
}

/** A pet (min = max = 1) in subnet A whose status checks fail, with one of each identity resource, behind a target group. */
async function failingPet(delays: { readonly bootMs?: number; readonly stopMs?: number } = {}): Promise<ControlWorld> {
  const world = new ControlWorld({
    withTargetGroup: true,
    ...delays,
    fleet: { capacity: { min: 1, max: 1 }, failover: { unhealthyThreshold: 1, gracePeriodSeconds: 0 } },
  });
  const [pet] = await world.seedInService(1, { subnetId: A.subnetId, identity: { elasticIps: 1, networkInterfaces: 1, volumes: 1 } });
  world.setLoad(10);
  world.compute.fail(pet ?? '', 'impaired');
  return world;
}

const failover: Scenario = {
  name: 'failover of a pet with an Elastic IP, an interface, a volume and a target group',
  setUp: () => failingPet(),
  picture: async (world) => ({ ...(await fleetPicture(world)), identity: identityPicture(world) }),
  async converged(world) {
    const [replacement] = world.alive();
    const identity = identityPicture(world);
    const moved = [identity.address, identity.networkInterface, identity.volume].every((holder) => holder === replacement);
    return replacement !== 'i-00000000000000001' && moved && (await serving(world, 1));
  },
};

/** One instance `kept` in maintenance, alive and out of the target group; `serving` others in service, each registered. */
async function inMaintenance(world: ControlWorld, kept: string, serving: number): Promise<boolean> {
  const records = await world.records();
  const others = records.filter((r) => r.instanceId !== kept);
  const alive = world.alive().filter((id) => id !== kept);
  const othersInService = others.every((r) => r.lifecycle === 'in-service') && sameIds(others.map((r) => r.instanceId).sort(), alive);
  const keptOut = records.find((r) => r.instanceId === kept)?.lifecycle === 'maintenance' && world.alive().includes(kept) && !world.registered().includes(kept);
  return keptOut && othersInService && alive.length === serving && sameIds(world.registered(), alive);
}

const KEPT = 'i-00000000000000001';

/**
 * Two in-service instances behind a target group, load for two, and an operator's maintenance
 * request for the first. Leaving maintenance, the first is protected: the surplus its return
 * makes (a replacement was launched while it was out) is scaled in from the others.
 */
async function maintenanceRequested(kind: 'maintenance-enter' | 'maintenance-exit'): Promise<ControlWorld> {
  const world = new ControlWorld({ withTargetGroup: true });
  await world.seedInService(1, { protected: kind === 'maintenance-exit' });
  await world.seedInService(1);
  world.setLoad(20);
  if (kind === 'maintenance-exit') {
    const record = (await world.records()).find((r) => r.instanceId === KEPT);
    await world.state.records.updateInstance('web', KEPT, { lifecycle: 'maintenance', reason: 'seeded in maintenance' }, record?.version ?? 1);
    await world.loadBalancer.deregister(world.fleet.targetGroups, KEPT);
    world.clock.advance(STEP_MS);
  }
  await world.state.records.putRequest('web', { requestId: 'r-1', kind, instanceId: KEPT, requestedAtMs: world.clock.now(), requestedBy: 'alice' });
  return world;
}

const maintenanceEnter: Scenario = {
  name: 'maintenance enter behind a target group: a replacement first, deregistered, then in maintenance',
  setUp: () => maintenanceRequested('maintenance-enter'),
  picture: fleetPicture,
  converged: (world) => inMaintenance(world, KEPT, 2),
};

const maintenanceExit: Scenario = {
  name: 'maintenance exit behind a target group: registered again, back in service, the surplus scaled in',
  setUp: () => maintenanceRequested('maintenance-exit'),
  picture: fleetPicture,
  async converged(world) {
    const kept = (await world.records()).find((r) => r.instanceId === KEPT);
    return kept?.lifecycle === 'in-service' && (await serving(world, 2));
  },
};

const slowFailover: Scenario = {
  ...failover,
  name: 'the same failover over several steps: the replacement boots for 90 s, the failed instance stops for 30 s',
  setUp: () => failingPet({ bootMs: 90_000, stopMs: 30_000 }),
};

interface Driven {
  /** Steps until the world converged; Infinity if it did not within the bound. */
  readonly steps: number;
  /** Port calls made until then. */
  readonly calls: number;
}

/**
 * Steps until converged, then SETTLE_STEPS more (which must change nothing); the step during
 * which the crash fired is followed by the expiry of the lease the dead run held.
 */
async function drive(world: ControlWorld, scenario: Scenario, crashAfter: number, maxSteps: number): Promise<Driven> {
  for (let steps = 1; steps <= maxSteps; steps++) {
    await world.step();
    const crashed = world.crash.calls >= crashAfter;
    if (crashed) world.crash.disarm();
    world.clock.advance(crashed ? LEASE_TTL_MS + STEP_MS : STEP_MS);
    if (await scenario.converged(world)) {
      const calls = world.crash.calls;
      for (let settle = 0; settle < SETTLE_STEPS; settle++) {
        await world.step();
        world.clock.advance(STEP_MS);
      }
      return { steps, calls };
    }
  }
  return { steps: Infinity, calls: world.crash.calls };
}

const effects = (world: ControlWorld) => Object.fromEntries(EFFECTS.map(([port, method]) => [`${port}.${method}`, world.effective(port, method)]));

async function cleanRun(scenario: Scenario) {
  const world = await scenario.setUp();
  const driven = await drive(world, scenario, Infinity, 10);
  return { ...driven, calls: world.calls.slice(0, driven.calls), picture: await scenario.picture(world), effects: effects(world) };
}

for (const scenario of [scaleOut, scaleOutAfterLostStatus, scaleIn, scaleInAtOnce, failover, slowFailover, maintenanceEnter, maintenanceExit]) {
  describe(`crash matrix: ${scenario.name}`, async () => {
    const clean = await cleanRun(scenario);

    it(`converges in a clean run: ${clean.steps} step(s), ${clean.calls.length} port calls`, () => {
      expect(clean.steps).toBeLessThan(Infinity);
    });

    // A scenario whose clean run does not converge gets no rows: its drives would have no bound.
    const rows = clean.steps < Infinity ? clean.calls.map((call, index) => ({ k: index + 1, call })) : [];
    it.each(rows)('crashed after call $k ($call): converges, nothing twice, nothing lost', async ({ k, call }) => {
      const world = await scenario.setUp();
      world.crash.arm(k);
      const { steps } = await drive(world, scenario, k, clean.steps + EXTRA_STEPS);
      expect(steps, 'steps to converge').toBeLessThanOrEqual(clean.steps + EXTRA_STEPS);
      expect(await scenario.picture(world)).toEqual(clean.picture);
      // Every effect as often as in a clean run, and at least once if it had one there. The call
      // the crash cut off (its journal entry not finished) may be carried out again, idempotently:
      // never a launch, which the next run finds by its command-id tag.
      const crashed = effects(world);
      for (const [effect, count] of Object.entries(clean.effects)) {
        const allowance = effect === call && effect !== 'compute.launch' ? 1 : 0;
        expect(crashed[effect], effect).toBeGreaterThanOrEqual(Math.min(count, 1));
        expect(crashed[effect], effect).toBeLessThanOrEqual(count + allowance);
      }
    });
  });
}

/** State writes: one of them failing alone (the process lives on) must not double or lose anything either. */
const WRITES = new Set(['records.putStatus', 'records.putInstance', 'records.putNewInstances', 'records.updateInstance', 'records.deleteInstance', 'records.appendDecision', 'journal.begin', 'journal.finish']);

for (const scenario of [scaleOut, scaleIn, scaleInAtOnce, failover, slowFailover, maintenanceEnter, maintenanceExit]) {
  describe(`failed-write matrix: ${scenario.name}`, async () => {
    const clean = await cleanRun(scenario);
    const rows = clean.steps < Infinity ? clean.calls.flatMap((call, index) => (WRITES.has(call) ? [{ k: index + 1, call }] : [])) : [];

    it.each(rows)('write $k ($call) failed alone: converges, nothing twice, nothing lost', async ({ k, call }) => {
      const world = await scenario.setUp();
      const [port, method] = call.split('.') as ['records' | 'journal', string];
      const nth = clean.calls.slice(0, k).filter((c) => c === call).length;
      let seen = 0;
      world.faults[port].failNext(new Error(`simulated failure of ${call}`), { method: method as never, when: () => ++seen === nth });
      const { steps } = await drive(world, scenario, Infinity, clean.steps + EXTRA_STEPS);
      expect(world.faults[port].calls.filter((c) => c.injected).map((c) => c.method), 'the failure injected').toEqual([method]);
      expect(steps, 'steps to converge').toBeLessThanOrEqual(clean.steps + EXTRA_STEPS);
      expect(await scenario.picture(world)).toEqual(clean.picture);
      const failed = effects(world);
      for (const [effect, count] of Object.entries(clean.effects)) {
        expect(failed[effect], effect).toBeGreaterThanOrEqual(Math.min(count, 1));
        expect(failed[effect], effect).toBeLessThanOrEqual(count + (effect === 'compute.launch' ? 0 : 1));
      }
    });
  });
}
