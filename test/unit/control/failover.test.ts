// Tests of the failover executor over the in-memory ports: the identity moved to the replacement
// in order, waiting (for the replacement to run, for the failed instance to stop) across steps,
// resuming after a failed part without moving anything twice, quarantine, and a replacement that
// cannot launch yet.
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../../functions/ports/errors.ts';
import { A } from '../memory/fixtures.ts';
import { ControlWorld, WORLD_OWNER, type WorldOptions } from './world.ts';

const PET = 'i-00000000000000001';
const REPLACEMENT = 'i-00000000000000005';
const EIP = 'eipalloc-00000000000000002';
const ENI = 'eni-00000000000000003';
const VOLUME = 'vol-00000000000000004';

/** A pet (min = max = 1) with an Elastic IP, an interface and a volume (with `identityOwner`'s tag, if any), behind a target group, whose status checks fail. */
async function failingPet(options: WorldOptions = {}, failover: Record<string, unknown> = {}, identityOwner?: string) {
  const world = new ControlWorld({
    withTargetGroup: true,
    ...options,
    fleet: { capacity: { min: 1, max: 1 }, failover: { unhealthyThreshold: 1, gracePeriodSeconds: 0, ...failover } },
  });
  const owned = identityOwner === undefined ? {} : { identityOwner };
  await world.seedInService(1, { subnetId: A.subnetId, identity: { elasticIps: 1, networkInterfaces: 1, volumes: 1 }, ...owned });
  world.setLoad(10);
  world.compute.fail(PET, 'impaired');
  return world;
}

const failoverOutcome = async (world: ControlWorld) => (await world.lastDecision())?.actions.find((a) => a.kind === 'failover')?.outcome;

function identityHolders(world: ControlWorld) {
  return [
    world.compute.elasticIp(EIP)?.instanceId,
    world.compute.networkInterface(ENI)?.attachment?.instanceId,
    world.compute.volumes().find((v) => v.volumeId === VOLUME)?.attachment?.instanceId,
  ];
}

describe('the failover executor', () => {
  it('launches the replacement, moves the Elastic IP, the interface, the volume and the target group, terminates the failed instance and tells', async () => {
    const world = await failingPet();

    const outcome = await world.step();

    expect(await failoverOutcome(world)).toBe(
      `failed over to ${REPLACEMENT}: launched ${REPLACEMENT} in us-east-1a; Elastic IP 198.18.0.2 -> ${REPLACEMENT}; ${ENI} -> ${REPLACEMENT}; ` +
        `${VOLUME} -> ${REPLACEMENT} at /dev/sdf; target groups -> ${REPLACEMENT}; ${PET} terminated`,
    );
    expect([outcome.launched, outcome.terminated]).toEqual([[REPLACEMENT], [PET]]);
    expect(identityHolders(world)).toEqual([REPLACEMENT, REPLACEMENT, REPLACEMENT]);
    expect([world.registered(), (await world.records()).map((r) => [r.instanceId, r.lifecycle])]).toEqual([[REPLACEMENT], [[REPLACEMENT, 'in-service']]]);
    expect(world.notifier.notified.map((n) => n.subject)).toEqual([`fleetward: web failed over ${PET} to ${REPLACEMENT}`]);
    expect(world.events.published.map((e) => [e.detailType, e.detail.replacement])).toEqual([['Instance Failover', REPLACEMENT]]);
  });

  it('waits across steps for the replacement to run and for the failed instance to stop, keeping its plan in the record', async () => {
    const world = await failingPet({ bootMs: 90_000, stopMs: 30_000 });

    const outcomes: Array<string | undefined> = [];
    for (let step = 0; step < 4; step++) {
      await world.step();
      outcomes.push(await failoverOutcome(world));
      if (step === 0) expect((await world.records()).find((r) => r.instanceId === PET)).toMatchObject({ lifecycle: 'failing-over', failover: { replacementId: REPLACEMENT } });
      world.clock.advance(60_000);
    }

    expect(outcomes).toEqual([
      `launched ${REPLACEMENT} in us-east-1a; waiting for ${REPLACEMENT} to run (it is pending)`,
      `waiting for ${REPLACEMENT} to run (it is pending)`,
      `Elastic IP 198.18.0.2 -> ${REPLACEMENT}; waiting for ${PET} to stop (it is stopping) before moving its interfaces and volumes`,
      expect.stringMatching(new RegExp(`^failed over to ${REPLACEMENT}: Elastic IP 198.18.0.2 -> ${REPLACEMENT}; ${ENI} -> `)),
    ]);
    expect(identityHolders(world)).toEqual([REPLACEMENT, REPLACEMENT, REPLACEMENT]);
    expect(world.faults.compute.callsOf('launch')).toHaveLength(1);
  });

  it('resumes from the journal after a part failed, moving nothing twice', async () => {
    const world = await failingPet();
    world.faults.compute.failNext(new ServiceError('the volume is busy'), { method: 'moveVolume' });

    await world.step();
    const interrupted = await failoverOutcome(world);
    world.clock.advance(60_000);
    await world.step();

    expect(interrupted).toBe('interrupted, resumes next step: the volume is busy');
    expect(await failoverOutcome(world)).toMatch(new RegExp(`^failed over to ${REPLACEMENT}: `));
    expect(identityHolders(world)).toEqual([REPLACEMENT, REPLACEMENT, REPLACEMENT]);
    const calls = (method: 'launch' | 'associateAddress' | 'moveNetworkInterface' | 'stop') => world.faults.compute.callsOf(method).length;
    expect([calls('launch'), calls('associateAddress'), calls('moveNetworkInterface'), calls('stop')]).toEqual([1, 1, 1, 1]);
    expect(world.faults.compute.callsOf('moveVolume').map((c) => c.outcome)).toEqual(['threw', 'returned']);
  });

  it('quarantines the failed instance instead of terminating it, when the fleet says so', async () => {
    const world = await failingPet({}, { onFailure: 'quarantine' });

    const outcome = await world.step();

    expect(await failoverOutcome(world)).toMatch(new RegExp(`; ${PET} quarantined$`));
    expect(outcome.terminated).toEqual([]);
    expect(world.compute.instance(PET)).toMatchObject({ state: 'stopped', tags: { 'fleetward:quarantined': expect.stringMatching(/^web: /) } });
  });

  it('waits while the replacement cannot launch, and fails over once it can', async () => {
    const world = await failingPet();
    world.compute.removeCapacity('m7g.large');

    const blocked = await world.step();
    const waiting = await failoverOutcome(world);
    world.compute.restoreCapacity('m7g.large');
    world.clock.advance(60_000);
    await world.step();

    expect(blocked.launchFailed).toBe(true);
    expect(waiting).toMatch(/^waiting: the replacement did not launch \(failed: .*capacity/);
    expect(await failoverOutcome(world)).toMatch(/^failed over to i-/);
  });

  it('beyond 100 fleets, with IAM refusing identity without the owner tag: moves none of it, replaces the pet, quarantines it with its identity still on it', async () => {
    const world = await failingPet({ deploymentFleets: 101 }, { onFailure: 'quarantine' });

    const outcome = await world.step();

    expect(await failoverOutcome(world)).toBe(`failed over to ${REPLACEMENT}: launched ${REPLACEMENT} in us-east-1a; target groups -> ${REPLACEMENT}; ${PET} quarantined`);
    expect(outcome.launched).toEqual([REPLACEMENT]);
    expect(identityHolders(world)).toEqual([PET, PET, PET]);
    const why = (what: string) => `${what} of fleet web is not tagged fleetward:owner=${WORLD_OWNER}: this deployment (101 fleets) may move only identity it owns; tag it to have it carried`;
    expect(world.notifier.notified.map((n) => n.message)).toEqual([
      `its status checks are impaired on 1 consecutive observations; left in place: ${why(`address ${EIP} (198.18.0.2)`)}; ${why(`interface ${ENI}`)}; ${why(`volume ${VOLUME}`)}`,
    ]);
  });

  it('beyond 100 fleets moves all of the identity that carries the owner tag, as IAM allows', async () => {
    const world = await failingPet({ deploymentFleets: 101 }, {}, WORLD_OWNER);

    await world.step();

    expect(identityHolders(world)).toEqual([REPLACEMENT, REPLACEMENT, REPLACEMENT]);
    expect(world.notifier.notified.map((n) => n.message)).toEqual(['its status checks are impaired on 1 consecutive observations']);
  });
});
