// Tests of the in-memory compute's identity: which resources make it up, the moves of a failover, restores from snapshots, termination and quarantine.
import { describe, expect, it } from 'vitest';
import { FLEET_TAG, OWNER_TAG } from '../../../functions/core/tags.ts';
import { QUARANTINE_TAG } from '../../../functions/aws/quarantine-tag.ts';
import { ResourceNotFoundError } from '../../../functions/ports/errors.ts';
import { A, B, START_MS, memoryCompute } from './fixtures.ts';

/** A pet with one of each identity resource, and a running replacement in the same zone. */
function pet(options: Parameters<typeof memoryCompute>[0] = {}) {
  const { clock, compute } = memoryCompute(options);
  const failed = compute.seedInstance({ fleet: 'web', subnetId: A.subnetId, identity: { elasticIps: 1, networkInterfaces: 1, volumes: 1 } });
  const replacement = compute.seedInstance({ fleet: 'web', subnetId: A.subnetId });
  return { clock, compute, failed, replacement };
}

const identityOf = async (compute: ReturnType<typeof memoryCompute>['compute'], instanceId: string) =>
  (await compute.describeFleetInstances('web')).find((i) => i.instanceId === instanceId)?.identity;

describe('MemoryCompute identity', () => {
  it('lists the fleet’s attached resources that outlive the instance', async () => {
    const { compute, failed } = pet();
    expect(await identityOf(compute, failed)).toEqual({
      elasticIps: [{ allocationId: 'eipalloc-00000000000000002', publicIp: '198.18.0.2' }],
      networkInterfaces: [{ networkInterfaceId: 'eni-00000000000000003', deviceIndex: 1 }],
      volumes: [{ volumeId: 'vol-00000000000000004', device: '/dev/sdf' }],
    });
  });

  it('leaves out what another fleet or nobody tagged, and what is deleted with the instance', async () => {
    const { compute } = memoryCompute();
    const id = compute.seedInstance({ fleet: 'web', subnetId: A.subnetId });
    compute.addElasticIp({ fleet: 'batch', instanceId: id });
    compute.addNetworkInterface({ subnetId: A.subnetId, attachTo: { instanceId: id, deviceIndex: 1 } });
    compute.addNetworkInterface({ subnetId: A.subnetId, fleet: 'web', attachTo: { instanceId: id, deviceIndex: 2, deleteOnTermination: true } });
    compute.addNetworkInterface({ subnetId: A.subnetId, fleet: 'web', attachTo: { instanceId: id, deviceIndex: 0 } });
    compute.addVolume({ availabilityZone: A.availabilityZone, fleet: 'web', attachTo: { instanceId: id, device: '/dev/sdg', deleteOnTermination: true } });
    expect(await identityOf(compute, id)).toEqual({ elasticIps: [], networkInterfaces: [], volumes: [] });
  });

  it('moves the Elastic IP, interface and volume to the replacement, once, at the same device', async () => {
    const { compute, failed, replacement } = pet();
    await compute.stop([failed], true);
    for (let twice = 0; twice < 2; twice++) {
      await compute.associateAddress('eipalloc-00000000000000002', replacement);
      await compute.moveNetworkInterface('eni-00000000000000003', replacement, 1);
      await compute.moveVolume('vol-00000000000000004', replacement, '/dev/sdf', true);
    }
    expect(await identityOf(compute, failed)).toEqual({ elasticIps: [], networkInterfaces: [], volumes: [] });
    expect(await identityOf(compute, replacement)).toEqual({
      elasticIps: [{ allocationId: 'eipalloc-00000000000000002', publicIp: '198.18.0.2' }],
      networkInterfaces: [{ networkInterfaceId: 'eni-00000000000000003', deviceIndex: 1 }],
      volumes: [{ volumeId: 'vol-00000000000000004', device: '/dev/sdf' }],
    });
    expect(compute.volumes()).toEqual([
      { volumeId: 'vol-00000000000000004', availabilityZone: A.availabilityZone, tags: { [FLEET_TAG]: 'web' }, attachment: { instanceId: replacement, device: '/dev/sdf', deleteOnTermination: false } },
    ]);
  });

  const ENI = { networkInterfaceId: 'eni-00000000000000003', deviceIndex: 1 };
  const VOLUME = { volumeId: 'vol-00000000000000004', device: '/dev/sdf' };

  it.each([
    [
      'an interface to another zone',
      (c: Compute, to: string) => c.moveNetworkInterface(ENI.networkInterfaceId, to, 1),
      'InvalidParameterCombination',
      'You may not attach a network interface to an instance if they are not in the same availability zone',
      { networkInterfaces: [], volumes: [VOLUME] },
    ],
    [
      'a volume to another zone',
      (c: Compute, to: string) => c.moveVolume(VOLUME.volumeId, to, '/dev/sdf', true),
      'InvalidVolume.ZoneMismatch',
      "The volume 'vol-00000000000000004' is not in the same availability zone as instance '{to}'",
      { networkInterfaces: [ENI], volumes: [] },
    ],
  ] as const)('refuses to move %s, leaving it detached as the EC2 adapter’s detach-then-attach would', async (_what, move, name, message, left) => {
    const { compute, failed } = pet();
    const elsewhere = compute.seedInstance({ fleet: 'web', subnetId: B.subnetId });
    await expect(move(compute, elsewhere)).rejects.toMatchObject({ name, message: message.replace('{to}', elsewhere) });
    expect(await identityOf(compute, failed)).toMatchObject(left);
  });

  it.each([
    ['an Elastic IP to a pending instance', (c: Compute, to: string) => c.associateAddress('eipalloc-00000000000000002', to), 'InvalidInstanceID', "The pending instance '{to}' is not in a valid state for this operation."],
    ['an interface to a pending instance', (c: Compute, to: string) => c.moveNetworkInterface('eni-00000000000000003', to, 1), 'IncorrectState', "Instance '{to}' is not 'running' or 'stopped'."],
    ['an unknown interface', (c: Compute, to: string) => c.moveNetworkInterface('eni-404', to, 1), 'InvalidNetworkInterfaceID.NotFound', "The networkInterface ID 'eni-404' does not exist"],
    ['an unknown volume', (c: Compute, to: string) => c.moveVolume('vol-404', to, '/dev/sdf', false), 'InvalidVolume.NotFound', "The volume 'vol-404' does not exist."],
    ['an unknown Elastic IP', (c: Compute, to: string) => c.associateAddress('eipalloc-404', to), 'InvalidAllocationID.NotFound', "The allocation ID 'eipalloc-404' does not exist"],
  ] as const)('refuses to move %s as EC2 does', async (_what, move, name, message) => {
    const { compute } = pet({ bootMs: 60_000 });
    const pending = compute.seedInstance({ fleet: 'web', subnetId: A.subnetId, state: 'pending' });
    await expect(move(compute, pending)).rejects.toMatchObject({ name, message: message.replace('{to}', pending) });
  });

  it('refuses a device that is taken on the replacement', async () => {
    const { compute, replacement } = pet();
    compute.addVolume({ availabilityZone: A.availabilityZone, fleet: 'web', attachTo: { instanceId: replacement, device: '/dev/sdf' } });
    await expect(compute.moveVolume('vol-00000000000000004', replacement, '/dev/sdf', true)).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: "Invalid value '/dev/sdf' for unixDevice. Attachment point /dev/sdf is already in use",
    });
  });

  it('restores a volume from its latest completed snapshot in the zone asked, attached and tagged with the fleet and the owner', async () => {
    const { compute } = pet();
    const elsewhere = compute.seedInstance({ fleet: 'web', subnetId: B.subnetId });
    compute.addSnapshot('vol-00000000000000004', START_MS - 3_000, true);
    const latest = compute.addSnapshot('vol-00000000000000004', START_MS - 2_000, true);
    compute.addSnapshot('vol-00000000000000004', START_MS - 1_000, false);
    const restored = await compute.restoreVolume('vol-00000000000000004', elsewhere, B.availabilityZone, '/dev/sdf', { fleet: 'web', owner: 'fleetward-test' });
    expect(restored).toEqual({ volumeId: 'vol-0000000000000000a', snapshotId: latest, snapshotStartMs: START_MS - 2_000 });
    expect((await identityOf(compute, elsewhere))?.volumes).toEqual([{ volumeId: 'vol-0000000000000000a', device: '/dev/sdf', owner: 'fleetward-test' }]);
    expect(compute.volumes().find((v) => v.volumeId === restored.volumeId)?.tags).toEqual({ [FLEET_TAG]: 'web', [OWNER_TAG]: 'fleetward-test', 'fleetward:restored-from': 'vol-00000000000000004' });
  });

  it('finds nothing to restore without a completed snapshot, as the EC2 adapter says', async () => {
    const { compute, replacement } = pet();
    compute.addSnapshot('vol-00000000000000004', START_MS, false);
    await expect(compute.restoreVolume('vol-00000000000000004', replacement, A.availabilityZone, '/dev/sdf', { fleet: 'web', owner: 'fleetward-test' })).rejects.toThrow(
      new ResourceNotFoundError('snapshot', 'no completed snapshot of vol-00000000000000004 to restore from'),
    );
  });

  it('releases everything at termination: the address unassociated, kept interfaces and volumes detached, the others deleted', async () => {
    const { compute, failed } = pet();
    const scratch = compute.addVolume({ availabilityZone: A.availabilityZone, fleet: 'web', attachTo: { instanceId: failed, device: '/dev/sdg', deleteOnTermination: true } });
    await compute.terminate([failed]);
    expect(compute.elasticIp('eipalloc-00000000000000002')).toEqual({ allocationId: 'eipalloc-00000000000000002', publicIp: '198.18.0.2', tags: { [FLEET_TAG]: 'web' } });
    expect(compute.networkInterface('eni-00000000000000003')?.attachment).toBeUndefined();
    expect(compute.volumes().map((v) => [v.volumeId, v.attachment])).toEqual([['vol-00000000000000004', undefined]]);
    expect(scratch).toBe('vol-00000000000000006');
  });

  it('quarantines: stopped, tagged with the fleet and why, out of the fleet, still described by id', async () => {
    const { compute, failed } = pet();
    await compute.quarantine(failed, 'web', 'impaired status checks');
    expect((await compute.describeFleetInstances('web')).map((i) => i.instanceId)).not.toContain(failed);
    const [described] = await compute.describeInstances([failed]);
    expect([described?.state, described?.fleetTag, compute.instance(failed)?.tags[QUARANTINE_TAG]]).toEqual(['stopped', undefined, 'web: impaired status checks']);
  });
});

type Compute = ReturnType<typeof memoryCompute>['compute'];
