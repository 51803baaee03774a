// Tests of one control step over the in-memory ports: the lease (held, lost), dry-run, the
// re-validation of victims just before acting, failures as outcomes by their kind, registration
// once instances run, and a drain that waits for its targets to finish draining.
import { describe, expect, it } from 'vitest';
import { planFleetStep } from '../../../functions/control/run-step.ts';
import { LEASE_TTL_MS } from '../../../functions/control/step-timing.ts';
import { ConcurrentUpdateError, LeaseLostError, LoadBalancingUnavailableError, ServiceError } from '../../../functions/ports/errors.ts';
import type { StepDependencies } from '../../../functions/control/run-step.ts';
import type { ComputePort, DecisionEntry } from '../../../functions/ports/index.ts';
import { decisionEntry } from '../../contract/state.contract.ts';
import { A } from '../memory/fixtures.ts';
import { ControlWorld, WORLD_OWNER } from './world.ts';

/** The step's compute, with `change` made to the world just before the victims are described again. */
function changingBeforeRevalidation(change: () => void) {
  return (deps: StepDependencies): StepDependencies => {
    const compute: ComputePort = Object.create(deps.compute, {
      describeInstances: {
        value: (ids: readonly string[]) => {
          change();
          return deps.compute.describeInstances(ids);
        },
      },
    });
    return { ...deps, compute };
  };
}

/** The instances the next step would start draining. */
async function victims(world: ControlWorld): Promise<string[]> {
  const { decision } = await planFleetStep(world.deps('plan'), world.fleet);
  return decision.commands.flatMap((c) => (c.kind === 'advance' ? [c.instanceId] : []));
}

const launches = (world: ControlWorld) => world.faults.compute.callsOf('launch').length;

/** The decision log entry of a step that stopped: after the last recorded step, its kind and message, no actions. */
function stoppedEntry(world: ControlWorld, step: number, outcome: 'skipped' | 'failed', kind: string, message: string, desiredCapacity = 0): DecisionEntry {
  return {
    step,
    atMs: world.clock.now(),
    trigger: 'test',
    decision: { desiredCapacity, direction: 'hold', reason: `step ${outcome} (${kind}): ${message}`, notes: [], dryRun: false },
    metric: { kind: 'missing', label: 'Test/Load', why: `not recorded: the step ${outcome}` },
    actions: [],
    stopped: { outcome, kind, message, runId: expect.any(String) as string },
  };
}

describe('runFleetStep: the lease', () => {
  it('skips, at info and without acting, a fleet whose lease another run holds', async () => {
    const world = new ControlWorld();
    world.setLoad(30);
    await world.state.leases.acquire('web', 'other-run', world.clock.now(), LEASE_TTL_MS);

    const outcome = await world.step();

    expect(outcome).toMatchObject({ outcome: 'skipped', reason: expect.stringMatching(/^fleet web is locked by other-run until \d{4}-/), launched: [] });
    expect([launches(world), world.notifier.count]).toEqual([0, 0]);
    expect(await world.lastDecision()).toEqual(stoppedEntry(world, 0, 'skipped', 'LeaseHeldError', outcome.reason));
    expect(world.logs.map((l) => [l.level, l.message])).toEqual([['info', 'another run holds the lease; skipping']]);
  });

  it('takes over a lease whose run died, once it expired', async () => {
    const world = new ControlWorld();
    world.setLoad(30);
    await world.state.leases.acquire('web', 'dead-run', world.clock.now(), LEASE_TTL_MS);
    world.clock.advance(LEASE_TTL_MS + 1);

    expect(await world.step()).toMatchObject({ outcome: 'done', desiredCapacity: 3 });
  });

  it.each([
    ['lost its lease before acting', 'leases', 'renew', new LeaseLostError('web', 'run-1'), 'LeaseLostError'],
    ['found its status written by another run', 'records', 'putStatus', new ConcurrentUpdateError('status of fleet web', 7), 'ConcurrentUpdateError'],
  ] as const)('ends quietly as skipped when the step %s: logged at info, no notification, a decision log entry saying why', async (_case, port, method, error, kind) => {
    const world = new ControlWorld();
    world.setLoad(30);
    world.faults[port].failNext(error, { method } as never);

    const outcome = await world.step();

    expect(outcome).toMatchObject({ outcome: 'skipped', reason: error.message });
    expect(world.notifier.count).toBe(0);
    expect(await world.lastDecision()).toEqual(stoppedEntry(world, 0, 'skipped', kind, error.message));
    expect(world.logs.filter((l) => l.level !== 'info')).toEqual([]);
    expect(world.logs).toContainEqual({
      level: 'info',
      message: 'another run acted for the fleet meanwhile; skipping the rest of the step',
      attributes: { fleet: 'web', trigger: 'test', reason: error.message, kind },
    });
  });

  it('stops acting when a lost race surfaces inside a drain, instead of taking it for an interrupted drain', async () => {
    const world = new ControlWorld();
    await world.seedInService(3);
    world.setLoad(10);
    world.faults.records.failNext(new ConcurrentUpdateError('record of instance i-1 of fleet web', 9), { method: 'updateInstance' });

    expect(await world.step()).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('was changed by another run') });
    expect(world.faults.compute.callsOf('terminate')).toEqual([]);
  });
});

describe('runFleetStep: dry-run', () => {
  it('settles requests and plans the rest without acting', async () => {
    const world = new ControlWorld({ fleet: { dryRun: true } });
    const [id] = await world.seedInService(1);
    world.setLoad(30);
    await world.state.records.putRequest('web', { requestId: 'r-1', kind: 'drain', instanceId: id, requestedAtMs: world.clock.now(), requestedBy: 'alice' });

    const outcome = await world.step();

    expect(outcome).toMatchObject({ outcome: 'done', desiredCapacity: 3, launched: [] });
    expect((await world.lastDecision())?.actions.map((a) => [a.kind, a.outcome])).toEqual([
      ['settle', 'refused'],
      ['launch', 'planned only: the fleet is in dry-run'],
      ['launch', 'planned only: the fleet is in dry-run'],
    ]);
    expect([launches(world), await world.state.records.listRequests('web')]).toEqual([0, []]);
    expect(world.faults.leases.callsOf('renew')).toEqual([]);
  });
});

describe('runFleetStep: re-validation just before acting', () => {
  it.each([
    ['became protected', (world: ControlWorld, id: string) => world.compute.protect(id), 'abandoned: the instance became protected'],
    ['lost the fleet tag', (world: ControlWorld, id: string) => world.compute.untag(id), 'abandoned: the instance no longer carries the fleet tag'],
    ['was stopped', (world: ControlWorld, id: string) => world.compute.fail(id, 'stopped'), 'abandoned: the instance is no longer running'],
    ['was claimed by another deployment', (world: ControlWorld, id: string) => world.compute.setTag(id, 'fleetward:owner', 'other-stack'), 'abandoned: its fleetward:owner tag changed'],
  ])('abandons a scale-in victim that %s since the step observed it, and leaves it in service', async (_case, change, reason) => {
    const world = new ControlWorld();
    await world.seedInService(3);
    world.setLoad(20);
    const [victim] = await victims(world);

    await world.step({ ports: changingBeforeRevalidation(() => change(world, victim ?? '')) });

    const advance = (await world.lastDecision())?.actions.find((a) => a.kind === 'advance');
    expect(advance).toMatchObject({ commandId: `web/1/advance/${victim}`, outcome: reason });
    expect((await world.records()).find((r) => r.instanceId === victim)?.lifecycle).toBe('in-service');
    expect(world.faults.compute.callsOf('terminate')).toEqual([]);
  });

  it('drains a victim that is still as seen', async () => {
    const world = new ControlWorld();
    await world.seedInService(3);
    world.setLoad(20);
    const [victim] = await victims(world);

    const outcome = await world.step();

    expect(outcome.terminated).toEqual([victim]);
    expect((await world.lastDecision())?.actions.find((a) => a.kind === 'advance')?.outcome).toBe('notify, terminate; terminating');
  });
});

describe('runFleetStep: every failure is an outcome', () => {
  it.each([
    // The entry follows the last step recorded: only a failed decision log write comes after the status write.
    ['taking the lease', 'leases', 'acquire', 0, 0],
    ['describing the instances', 'compute', 'describeFleetInstances', 0, 0],
    ['reading the records', 'records', 'readFleet', 0, 0],
    ['writing the status', 'records', 'putStatus', 0, 0],
    ['writing the decision log', 'records', 'appendDecision', 1, 3],
  ] as const)('fails loudly, without throwing, when %s fails, and says so in the decision log', async (_case, port, method, step, desired) => {
    const world = new ControlWorld();
    world.setLoad(30);
    world.faults[port].failNext(new ServiceError(`${method} is down`), { method } as never);

    const outcome = await world.step();

    expect(outcome).toEqual({ fleet: 'web', outcome: 'failed', reason: `${method} is down`, launched: [], terminated: [], launchFailed: false, actions: [] });
    expect(await world.lastDecision()).toEqual(stoppedEntry(world, step, 'failed', 'ServiceError', `${method} is down`, desired));
    expect(world.notifier.notified.map((n) => [n.subject, n.message])).toEqual([['fleetward: a step failed for fleet web', `${method} is down`]]);
    expect(world.logs).toContainEqual({ level: 'error', message: 'step failed', attributes: { fleet: 'web', trigger: 'test', error: `${method} is down`, kind: 'ServiceError' } });
  });

  it('keeps the decision log entry of a failed step bounded, however long the error message', async () => {
    const world = new ControlWorld();
    world.faults.compute.failNext(new ServiceError('x'.repeat(100_000)), { method: 'describeFleetInstances' });

    await world.step();

    const entry = await world.lastDecision();
    expect(entry?.stopped?.message).toBe(`${'x'.repeat(500)}… (99500 more characters)`);
    expect(JSON.stringify(entry).length).toBeLessThan(2_000);
  });

  it('fails loudly, without throwing, on an error that is not fleetward’s before the lease, and takes none', async () => {
    const world = new ControlWorld();
    world.faults.compute.failNext(new TypeError('undefined is not a function'), { method: 'describeSubnets' });

    expect(await world.step()).toMatchObject({ outcome: 'failed', reason: 'undefined is not a function' });
    expect(world.faults.leases.calls).toEqual([]);
    expect((await world.lastDecision())?.stopped).toMatchObject({ outcome: 'failed', kind: 'unexpected' });
  });

  it('fails loudly, without throwing, on an error that is not fleetward’s under the lease, and frees the lease', async () => {
    const world = new ControlWorld();
    // The first read is the lease-free one; the step has instances to launch, so it reads again under the lease.
    world.faults.compute.failAfter(1, new TypeError('undefined is not a function'), { method: 'describeSubnets' });

    expect(await world.step()).toMatchObject({ outcome: 'failed', reason: 'undefined is not a function' });
    expect(world.logs.find((l) => l.message === 'step failed')?.attributes.kind).toBe('unexpected');
    expect(world.faults.leases.callsOf('release')).toHaveLength(1);
    await expect(world.state.leases.acquire('web', 'next-run', world.clock.now(), LEASE_TTL_MS)).resolves.toBeUndefined();
  });

  it('still returns its outcome when the failure notification fails too', async () => {
    const world = new ControlWorld();
    world.faults.records.failNext(new ServiceError('the table is gone'), { method: 'readFleet' });
    world.faults.notifier.failNext(new ServiceError('SNS is down'));

    expect(await world.step()).toMatchObject({ outcome: 'failed', reason: 'the table is gone' });
    expect(world.logs).toContainEqual({ level: 'warn', message: 'notification failed', attributes: { error: 'SNS is down', kind: 'ServiceError' } });
  });

  it('feeds the launch backoff when EC2 has no capacity, and completes the step', async () => {
    const world = new ControlWorld();
    world.setLoad(30);
    world.compute.removeCapacity('m7g.large');

    const outcome = await world.step();

    expect(outcome).toMatchObject({ outcome: 'done', launchFailed: true, launched: [] });
    expect((await world.state.records.getStatus('web'))?.launchFailures).toMatchObject({ count: 1, lastAtMs: world.clock.now() });
    expect(world.notifier.notified.map((n) => n.subject)).toEqual(['fleetward: launches are failing for fleet web']);
  });
});

describe('runFleetStep: target groups', () => {
  it('registers a launched instance once it runs, not while it is pending', async () => {
    const world = new ControlWorld({ withTargetGroup: true, bootMs: 90_000 });
    world.setLoad(10);

    const launched = await world.step();
    const pending = world.registered();
    world.clock.advance(60_000);
    await world.step();
    const stillPending = world.registered();
    world.clock.advance(60_000);
    await world.step();

    expect(launched).toMatchObject({ outcome: 'done', launchFailed: false, launched: [expect.any(String)] });
    expect([pending, stillPending, world.registered()]).toEqual([[], [], launched.launched]);
  });

  it('registers an instance it adopted', async () => {
    const world = new ControlWorld({ withTargetGroup: true });
    const adopted = world.compute.seedInstance({ fleet: 'web', owner: WORLD_OWNER, commandId: 'web/0/launch/subnet-a', subnetId: A.subnetId });
    world.setLoad(10);

    await world.step();

    expect(world.registered()).toEqual([adopted]);
  });

  it('waits for a drained instance’s connections to finish draining before terminating it', async () => {
    const world = new ControlWorld({ withTargetGroup: true, deregistrationDelayMs: 150_000 });
    await world.seedInService(2);
    world.setLoad(10);
    const [victim] = await victims(world);

    const reasons: string[] = [];
    for (let step = 0; step < 4; step++) {
      await world.step();
      reasons.push((await world.lastDecision())?.actions.find((a) => a.kind === 'advance')?.reason ?? '');
      world.clock.advance(60_000);
    }

    expect(reasons).toEqual([
      'capacity 2 is above desired 1; chose it because it is the oldest in a balanced fleet; deregistering from 1 target group(s); waiting for connections to drain',
      'waiting for connections to drain from its target groups (at most 270 s more)',
      'waiting for connections to drain from its target groups (at most 210 s more)',
      'drained: terminating',
    ]);
    expect(world.faults.compute.callsOf('terminate').map((c) => c.args)).toEqual([[[victim]]]);
  });
});

describe('runFleetStep: an endpoint without load balancing', () => {
  it('notes that load balancing is unavailable, with the code, and still scales, in and out', async () => {
    const world = new ControlWorld({ withTargetGroup: true });
    world.faults.loadBalancer.failAfter(0, new LoadBalancingUnavailableError(501, 'The API for service elbv2 has not yet been emulated'));
    world.setLoad(30);

    const out = await world.step();
    const grown = await world.lastDecision();
    world.setLoad(10);
    const shrunk = await world.step();

    expect(out).toMatchObject({ outcome: 'done', desiredCapacity: 3, launched: [expect.any(String), expect.any(String), expect.any(String)] });
    expect(grown?.decision.notes).toContain(
      'load balancing unavailable at this endpoint (HTTP 501: The API for service elbv2 has not yet been emulated): target group(s) not read, registered or deregistered this step',
    );
    expect(shrunk).toMatchObject({ outcome: 'done', desiredCapacity: 1, terminated: [expect.any(String), expect.any(String)] });
    // Each step that acts reads the groups twice: without the lease, then under it.
    expect(world.faults.loadBalancer.calls.map((c) => [c.method, c.outcome])).toEqual([
      ['targetHealth', 'threw'],
      ['targetHealth', 'threw'],
      ['targetHealth', 'threw'],
      ['targetHealth', 'threw'],
    ]);
  });
});

describe('runFleetStep: instances that are not this deployment’s', () => {
  it('notifies once about them, again only when a new one appears, and counts them in every outcome', async () => {
    const world = new ControlWorld();
    await world.seedInService(2);
    world.setLoad(20);
    const stranger = world.compute.seedInstance({ fleet: 'web', owner: 'other-stack', commandId: 'web/1/launch/subnet-a', subnetId: A.subnetId });
    const subjects = () => world.notifier.notified.map((n) => n.subject);

    const outcomes = [await world.step(), await world.step()];
    const foreign = world.compute.seedInstance({ fleet: 'web', subnetId: A.subnetId });
    outcomes.push(await world.step());

    expect(outcomes.map((o) => [o.outcome, o.unowned])).toEqual([['done', 1], ['done', 1], ['done', 2]]);
    expect(subjects()).toEqual([
      "fleetward: fleet web has 1 instance(s) that are not this deployment's",
      "fleetward: fleet web has 2 instance(s) that are not this deployment's",
    ]);
    // The second step changed nothing and took no step number: the third is step 2.
    expect(outcomes.map((o) => o.step)).toEqual([1, 1, 2]);
    expect(world.notifier.notified[1]?.details).toEqual({ fleet: 'web', step: 2, instanceIds: [stranger, foreign].sort() });
    expect(world.faults.compute.callsOf('terminate')).toEqual([]);
  });
});

describe('runFleetStep: a lost status item', () => {
  /** Load for two, no status, and a decision log whose newest entry is step 7. */
  async function afterLostStatus(): Promise<ControlWorld> {
    const world = new ControlWorld();
    world.setLoad(20);
    await world.state.records.appendDecision('web', decisionEntry(7, world.clock.now() - 60_000));
    return world;
  }

  it('numbers a step two past the decision log, and the same again in its retry after a crash', async () => {
    const clean = await afterLostStatus();
    await clean.step();
    const firstLaunch = clean.calls.indexOf('compute.launch') + 1;
    const world = await afterLostStatus();
    world.crash.arm(firstLaunch);

    const crashed = await world.step();
    world.crash.disarm();
    world.clock.advance(LEASE_TTL_MS + 60_000);
    const retried = await world.step();

    // The instance the crashed run launched is adopted by its command id of step 9; the rest is launched under step 9's ids.
    expect([crashed.outcome, retried.step, world.alive().length]).toEqual(['failed', 9, 2]);
    expect(retried.actions?.map((a) => [a.kind, a.commandId])).toEqual([
      ['adopt', 'web/9/adopt/i-00000000000000001'],
      ['launch', 'web/9/launch/subnet-b'],
    ]);
    expect(world.compute.instance('i-00000000000000001')?.tags['fleetward:command-id']).toBe('web/9/launch/subnet-a');
    // Said by each run's read without the lease and again under it.
    expect(world.logs.filter((l) => l.message.startsWith('the fleet has a decision log but no status'))).toHaveLength(4);
  });
});
