/**
 * Failover against the emulator: a failed instance is replaced within one step and its identity
 * (Elastic IP, secondary interface, data volume, target group membership) follows it, once,
 * whatever duplicates, races or crashes happen on the way.
 */
import { randomUUID } from 'node:crypto';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachNetworkInterfaceCommand,
  AttachVolumeCommand,
  CreateNetworkInterfaceCommand,
  CreateSnapshotCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  DeleteTagsCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  type Instance,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../functions/core/config.ts';
import { FLEET_TAG, OWNER_TAG } from '../../functions/core/tags.ts';
import { storedOutcome } from '../../functions/control/stored-outcome.ts';
import { FleetHarness } from './harness.ts';
import { clientsOf, countCalls, crashAfter } from './sdk-hooks.ts';
import { requires } from './capabilities.ts';

const IMPAIRED = { Key: 'fleetward-test:status', Value: 'impaired' };

function instanceEvent(detailType: string, instanceId: string, detail: Record<string, string> = {}, id: string = randomUUID()) {
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source: 'aws.ec2',
    account: '123456789012',
    time: '2026-11-24T12:00:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:ec2:us-east-1:123456789012:instance/${instanceId}`],
    detail: { 'instance-id': instanceId, ...detail },
  };
}

const spotWarning = (instanceId: string, id?: string) =>
  instanceEvent('EC2 Spot Instance Interruption Warning', instanceId, { 'instance-action': 'terminate' }, id);

interface Pet {
  readonly fleet: FleetHarness;
  readonly instanceId: string;
  readonly allocationId: string;
  readonly eniId: string;
  readonly volumeId: string;
  readonly targetGroupArn: string;
}

/**
 * A singleton fleet (min = max = 1) whose instance has an Elastic IP, a secondary ENI, a data
 * volume and a target group, all tagged with the fleet only; `idleFleets` more fleets in the config.
 */
async function petFleet(failover: Partial<FleetConfig['failover']> = {}, zones = 1, idleFleets = 0): Promise<Pet> {
  requires('load balancing');
  const fleet = await FleetHarness.create({}, 2);
  fleet.idleFleets = idleFleets;
  const subnet = fleet.subnets[0];
  if (subnet === undefined) throw new Error('no subnet');
  const vpc = await fleet.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet.subnetId] }));
  const group = await fleet.elbv2.send(
    new CreateTargetGroupCommand({ Name: `pets-${randomUUID().slice(0, 8)}`, Protocol: 'HTTP', Port: 80, VpcId: vpc.Subnets?.[0]?.VpcId, TargetType: 'instance' }),
  );
  const targetGroupArn = group.TargetGroups?.[0]?.TargetGroupArn ?? '';
  fleet.configure({
    name: fleet.unique('pets'),
    subnets: fleet.subnets.slice(0, zones).map((s) => s.subnetId),
    capacity: { min: 1, max: 1 },
    targetGroups: [targetGroupArn],
    failover: {
      enabled: true,
      gracePeriodSeconds: 0,
      unhealthyThreshold: 2,
      onFailure: 'terminate',
      crossAzRestore: false,
      rebalanceRecommendation: 'ignore',
      degradedZone: { impairedShare: 0.5, minImpaired: 2 },
      ...failover,
    },
  });
  await fleet.step(0);
  const [instance] = await fleet.instances();
  const instanceId = instance?.InstanceId ?? '';
  const tags = (type: 'elastic-ip' | 'network-interface' | 'volume') => [{ ResourceType: type, Tags: [{ Key: FLEET_TAG, Value: fleet.name }] }];
  const eip = await fleet.ec2.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: tags('elastic-ip') }));
  await fleet.ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: instanceId }));
  const eni = await fleet.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.subnetId, TagSpecifications: tags('network-interface') }));
  const eniId = eni.NetworkInterface?.NetworkInterfaceId ?? '';
  await fleet.ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eniId, InstanceId: instanceId, DeviceIndex: 1 }));
  const volume = await fleet.ec2.send(new CreateVolumeCommand({ AvailabilityZone: subnet.availabilityZone, Size: 10, TagSpecifications: tags('volume') }));
  await fleet.ec2.send(new AttachVolumeCommand({ VolumeId: volume.VolumeId, InstanceId: instanceId, Device: '/dev/sdf' }));
  await fleet.step(0);
  return { fleet, instanceId, allocationId: eip.AllocationId ?? '', eniId, volumeId: volume.VolumeId ?? '', targetGroupArn };
}

async function describeInstance(fleet: FleetHarness, instanceId: string): Promise<Instance | undefined> {
  const result = await fleet.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  return result.Reservations?.[0]?.Instances?.[0];
}

/** Asserts that the pet's whole identity now belongs to `replacement`. */
async function expectIdentityOn(pet: Pet, replacement: string) {
  const { fleet } = pet;
  const address = await fleet.ec2.send(new DescribeAddressesCommand({ AllocationIds: [pet.allocationId] }));
  expect(address.Addresses?.[0]?.InstanceId).toBe(replacement);
  const eni = await fleet.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [pet.eniId] }));
  expect(eni.NetworkInterfaces?.[0]?.Attachment).toMatchObject({ InstanceId: replacement, DeviceIndex: 1 });
  const volume = await fleet.ec2.send(new DescribeVolumesCommand({ VolumeIds: [pet.volumeId] }));
  expect(volume.Volumes?.[0]?.Attachments?.map((a) => [a.InstanceId, a.Device])).toEqual([[replacement, '/dev/sdf']]);
  const targets = await fleet.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: pet.targetGroupArn }));
  expect(targets.TargetHealthDescriptions?.map((t) => t.Target?.Id)).toEqual([replacement]);
}

async function failPet(pet: Pet) {
  requires('forced failures');
  await pet.fleet.ec2.send(new CreateTagsCommand({ Resources: [pet.instanceId], Tags: [IMPAIRED] }));
}

async function replacementOf(pet: Pet): Promise<string> {
  const others = (await pet.fleet.instances()).filter((i) => i.InstanceId !== pet.instanceId);
  expect(others).toHaveLength(1);
  return others[0]?.InstanceId ?? '';
}

describe('failover', () => {
  it('replaces an instance terminated out of band in the next step', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(40);
    const [lost] = await fleet.instances();
    await fleet.ec2.send(new TerminateInstancesCommand({ InstanceIds: [lost?.InstanceId ?? ''] }));

    const result = await fleet.invoke(instanceEvent('EC2 Instance State-change Notification', lost?.InstanceId ?? '', { state: 'terminated' }));

    expect(result.status).toBe('done');
    expect(result.fleets[0]?.launched).toHaveLength(1);
    expect(await fleet.instances()).toHaveLength(4);
  });

  it('moves the Elastic IP, interface, volume and target group to the replacement of an impaired pet, then terminates it', async () => {
    const pet = await petFleet();
    await failPet(pet);

    const first = await pet.fleet.step(0);
    expect(first.fleets[0]?.launched).toEqual([]);
    const [tracked] = await pet.fleet.records().listInstances(pet.fleet.name);
    expect(tracked?.failedObservations).toBe(1);

    const second = await pet.fleet.step(0);

    const replacement = await replacementOf(pet);
    expect(second.fleets[0]?.launched).toEqual([replacement]);
    await expectIdentityOn(pet, replacement);
    expect((await describeInstance(pet.fleet, pet.instanceId))?.State?.Name).toBe('terminated');
    const [decision] = await pet.fleet.records().listDecisions(pet.fleet.name, 1);
    const failover = decision?.actions.find((a) => a.kind === 'failover');
    expect(failover?.reason).toMatch(
      /^its status checks are impaired on 2 consecutive observations: replace it in its own zone us-east-1a, where its volumes and interfaces are, move Elastic IP [\d.]+ \(eipalloc-\w+\), eni-\w+ at device index 1, vol-\w+ at \/dev\/sdf and its 1 target group registration\(s\), then terminate it$/,
    );
    expect(failover?.outcome).toMatch(new RegExp(`^failed over to ${replacement}: launched ${replacement} in us-east-1a; Elastic IP`));
    expect((await pet.fleet.records().listInstances(pet.fleet.name)).map((r) => r.instanceId)).toEqual([replacement]);
  });

  it('quarantines the failed pet instead when the fleet asks for it', async () => {
    const pet = await petFleet({ onFailure: 'quarantine', unhealthyThreshold: 1 });
    await failPet(pet);

    await pet.fleet.step(0);

    const replacement = await replacementOf(pet);
    await expectIdentityOn(pet, replacement);
    const old = await describeInstance(pet.fleet, pet.instanceId);
    expect(old?.State?.Name).toBe('stopped');
    const tags = Object.fromEntries((old?.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags[FLEET_TAG]).toBeUndefined();
    expect(tags['fleetward:quarantined']).toBe(`${pet.fleet.name}: its status checks are impaired on 1 consecutive observations`);
  });

  it('launches the replacement in the handler that receives a Spot interruption warning', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(20);
    const [doomed] = await fleet.instances();

    const result = await fleet.invoke(spotWarning(doomed?.InstanceId ?? ''));

    expect(result.status).toBe('done');
    expect(result.fleets[0]?.launched).toHaveLength(1);
    expect(result.fleets[0]?.terminated).toEqual([doomed?.InstanceId]);
    expect((await fleet.instances()).map((i) => i.InstanceId)).not.toContain(doomed?.InstanceId);
    expect(await fleet.instances()).toHaveLength(2);
  });

  it('ignores events about instances outside its fleets, and rebalance recommendations by default', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(10);
    const [instance] = await fleet.instances();

    const foreign = await fleet.invoke(spotWarning('i-0123456789abcdef0'));
    expect(foreign).toMatchObject({ status: 'ignored', reason: 'i-0123456789abcdef0 is not in a fleet this deployment manages' });
    const running = await fleet.invoke(instanceEvent('EC2 Instance State-change Notification', instance?.InstanceId ?? '', { state: 'running' }));
    expect(running).toMatchObject({ status: 'ignored', reason: `${instance?.InstanceId} is running` });
    const rebalance = await fleet.invoke(instanceEvent('EC2 Instance Rebalance Recommendation', instance?.InstanceId ?? ''));
    expect(rebalance.fleets[0]?.launched).toEqual([]);
    expect((await fleet.instances()).map((i) => i.InstanceId)).toEqual([instance?.InstanceId]);
  });

  it('fails over once for the same warning delivered three times and for two racing handlers', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(30);
    const [doomed] = await fleet.instances();
    const id = doomed?.InstanceId ?? '';
    const calls = countCalls([fleet.ec2, fleet.elbv2]);

    const event = spotWarning(id, 'warning-1');
    const first = await fleet.invoke(event);
    // A redelivery is answered from the event's record: its bounded summary (functions/control/stored-outcome.ts).
    const summary = { ...first, fleets: first.fleets.map(storedOutcome) };
    expect(await fleet.invoke(event)).toEqual(summary);
    expect(await fleet.invoke(event)).toEqual(summary);
    const raced = await Promise.all([
      fleet.invoke(spotWarning(id, 'warning-2')),
      fleet.invoke(instanceEvent('EC2 Instance State-change Notification', id, { state: 'shutting-down' })),
    ]);
    fleet.clock.advance(60);
    await fleet.invoke();

    expect(calls.get('RunInstancesCommand')).toBe(1);
    expect(calls.get('TerminateInstancesCommand')).toBe(1);
    expect(raced.flatMap((r) => r.fleets.flatMap((f) => f.launched))).toEqual([]);
    expect(await fleet.instances()).toHaveLength(3);
  });

  it('keeps new capacity out of a degraded zone, and uses it again once it recovers', async () => {
    requires('forced failures');
    const fleet = await FleetHarness.create({
      capacity: { min: 0, max: 20 },
      failover: {
        enabled: true,
        gracePeriodSeconds: 0,
        unhealthyThreshold: 5,
        onFailure: 'terminate',
        crossAzRestore: false,
        rebalanceRecommendation: 'ignore',
        degradedZone: { impairedShare: 0.5, minImpaired: 2 },
      },
    });
    await fleet.step(60);
    const inA = (await fleet.instances()).filter((i) => i.Placement?.AvailabilityZone === 'us-east-1a').map((i) => i.InstanceId ?? '');
    expect(inA).toHaveLength(2);
    await fleet.ec2.send(new CreateTagsCommand({ Resources: inA, Tags: [IMPAIRED] }));

    const degraded = await fleet.step(90);

    const zonesOf = async (ids: readonly string[]) =>
      (await fleet.instances()).filter((i) => ids.includes(i.InstanceId ?? '')).map((i) => i.Placement?.AvailabilityZone).sort();
    // b and c have two each: new instances alternate between them, b first (listed first).
    expect(await zonesOf(degraded.fleets[0]?.launched ?? [])).toEqual(['us-east-1b', 'us-east-1b', 'us-east-1c']);
    const [decision] = await fleet.records().listDecisions(fleet.fleet.name, 1);
    expect(decision?.decision.notes).toContain('us-east-1a is degraded (2 of 2 instances failing): no new capacity goes there');

    await fleet.ec2.send(new DeleteTagsCommand({ Resources: inA, Tags: [{ Key: IMPAIRED.Key }] }));
    const recovered = await fleet.step(120);
    // Back in service: a (2 instances) fills up to the others (b 4, c 3) before c gets one.
    expect(await zonesOf(recovered.fleets[0]?.launched ?? [])).toEqual(['us-east-1a', 'us-east-1a', 'us-east-1c']);
  });

  it('restores the data volume from its latest snapshot in a healthy zone when its own is degraded and the fleet allows it', async () => {
    const pet = await petFleet({ unhealthyThreshold: 1, crossAzRestore: true, degradedZone: { impairedShare: 0.5, minImpaired: 1 } }, 2);
    const snapshot = await pet.fleet.ec2.send(new CreateSnapshotCommand({ VolumeId: pet.volumeId }));
    await failPet(pet);

    await pet.fleet.step(0);

    const replacement = await replacementOf(pet);
    expect((await describeInstance(pet.fleet, replacement))?.Placement?.AvailabilityZone).toBe('us-east-1b');
    const restored = await pet.fleet.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [replacement] }] }));
    const data = restored.Volumes?.find((v) => v.Attachments?.[0]?.Device === '/dev/sdf');
    expect(data).toMatchObject({ SnapshotId: snapshot.SnapshotId, AvailabilityZone: 'us-east-1b' });
    // The owner tag too: beyond 100 fleets, IAM allows CreateVolume only with it in the request.
    expect(data?.Tags).toEqual(expect.arrayContaining([{ Key: FLEET_TAG, Value: pet.fleet.name }, { Key: OWNER_TAG, Value: pet.fleet.owner }]));
    const address = await pet.fleet.ec2.send(new DescribeAddressesCommand({ AllocationIds: [pet.allocationId] }));
    expect(address.Addresses?.[0]?.InstanceId).toBe(replacement);
    const [decision] = await pet.fleet.records().listDecisions(pet.fleet.name, 1);
    const failover = decision?.actions.find((a) => a.kind === 'failover');
    expect(failover?.reason).toContain('data volumes are restored there from their latest snapshot, and data written since that snapshot is at risk');
    expect(failover?.outcome).toContain(`restored ${pet.volumeId} as ${data?.VolumeId} from ${snapshot.SnapshotId}`);
  });

  const crashPoints = [
    'RunInstancesCommand',
    'AssociateAddressCommand',
    'StopInstancesCommand',
    'AttachNetworkInterfaceCommand',
    'AttachVolumeCommand',
    'RegisterTargetsCommand',
    'DeregisterTargetsCommand',
    'TerminateInstancesCommand',
  ];
  it.each(crashPoints)('completes a failover that crashed right after %s, moving nothing twice', async (command) => {
    const pet = await petFleet({ unhealthyThreshold: 1 });
    await failPet(pet);
    const calls = countCalls([pet.fleet.ec2, pet.fleet.elbv2]);
    const crash = crashAfter(clientsOf(pet.fleet), command);

    await pet.fleet.step(0).catch(() => undefined);
    expect(crash.crashed()).toBe(true);
    crash.recover();
    pet.fleet.clock.advance(150);
    await pet.fleet.step(0);

    const replacement = await replacementOf(pet);
    await expectIdentityOn(pet, replacement);
    expect((await describeInstance(pet.fleet, pet.instanceId))?.State?.Name).toBe('terminated');
    for (const once of ['RunInstancesCommand', 'AssociateAddressCommand', 'AttachNetworkInterfaceCommand', 'AttachVolumeCommand']) {
      expect(calls.get(once), once).toBe(1);
    }
    expect((await pet.fleet.records().listInstances(pet.fleet.name)).map((r) => r.instanceId)).toEqual([replacement]);
  });
});

// Beyond 100 fleets the role may move only identity carrying this deployment's owner tag (docs/failover.md).
describe('failover of identity the role may not move', () => {
  const MOVES = ['AssociateAddressCommand', 'DisassociateAddressCommand', 'DetachNetworkInterfaceCommand', 'AttachNetworkInterfaceCommand', 'DetachVolumeCommand', 'AttachVolumeCommand'];
  const untagged = (pet: Pet, what: string) =>
    `${what} of fleet ${pet.fleet.name} is not tagged ${OWNER_TAG}=${pet.fleet.owner}: this deployment (101 fleets) may move only identity it owns; tag it to have it carried`;
  const ownerTag = (pet: Pet, ids: readonly string[]) => pet.fleet.ec2.send(new CreateTagsCommand({ Resources: [...ids], Tags: [{ Key: OWNER_TAG, Value: pet.fleet.owner }] }));
  const movesMade = (calls: Map<string, number>) => Object.fromEntries(MOVES.map((m) => [m, calls.get(m) ?? 0]));

  /** Asserts which instance holds each of the pet's Elastic IP, interface and volume. */
  async function expectHolders(pet: Pet, holders: { address: string; eni: string; volume: string }) {
    const { ec2 } = pet.fleet;
    const address = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [pet.allocationId] }));
    const eni = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [pet.eniId] }));
    const volume = await ec2.send(new DescribeVolumesCommand({ VolumeIds: [pet.volumeId] }));
    expect({
      address: address.Addresses?.[0]?.InstanceId,
      eni: eni.NetworkInterfaces?.[0]?.Attachment?.InstanceId,
      volume: volume.Volumes?.[0]?.Attachments?.[0]?.InstanceId,
    }).toEqual(holders);
  }

  it('leaves an Elastic IP, interface and volume without the owner tag where they are, touches none of them, and still replaces the instance', async () => {
    const pet = await petFleet({ onFailure: 'quarantine', unhealthyThreshold: 1 }, 1, 100);
    await failPet(pet);
    const calls = countCalls([pet.fleet.ec2]);

    const result = await pet.fleet.step(0);

    const replacement = await replacementOf(pet);
    expect(result.fleets[0]?.launched).toEqual([replacement]);
    expect(movesMade(calls)).toEqual(Object.fromEntries(MOVES.map((m) => [m, 0])));
    await expectHolders(pet, { address: pet.instanceId, eni: pet.instanceId, volume: pet.instanceId });
    const [decision] = await pet.fleet.records().listDecisions(pet.fleet.name, 1);
    const failover = decision?.actions.find((a) => a.kind === 'failover');
    const address = (await pet.fleet.ec2.send(new DescribeAddressesCommand({ AllocationIds: [pet.allocationId] }))).Addresses?.[0]?.PublicIp ?? '';
    const left = [untagged(pet, `address ${pet.allocationId} (${address})`), untagged(pet, `interface ${pet.eniId}`), untagged(pet, `volume ${pet.volumeId}`)];
    expect(failover?.reason).toBe(
      `its status checks are impaired on 1 consecutive observations: replace it in its own zone us-east-1a, where its volumes and interfaces are, move its 1 target group registration(s), then quarantine it; left in place: ${left.join('; ')}`,
    );
    expect(pet.fleet.notifications.map((n) => n.message)).toEqual([`its status checks are impaired on 1 consecutive observations; left in place: ${left.join('; ')}`]);
    expect((await describeInstance(pet.fleet, pet.instanceId))?.State?.Name).toBe('stopped');
  });

  it('carries what carries the owner tag and leaves the rest, over a crash right after the address moved', async () => {
    const pet = await petFleet({ onFailure: 'quarantine', unhealthyThreshold: 1 }, 1, 100);
    await ownerTag(pet, [pet.allocationId, pet.volumeId]);
    await pet.fleet.step(0);
    await failPet(pet);
    const calls = countCalls([pet.fleet.ec2]);
    const crash = crashAfter(clientsOf(pet.fleet), 'AssociateAddressCommand');

    await pet.fleet.step(0).catch(() => undefined);
    expect(crash.crashed()).toBe(true);
    crash.recover();
    pet.fleet.clock.advance(150);
    await pet.fleet.step(0);

    const replacement = await replacementOf(pet);
    await expectHolders(pet, { address: replacement, eni: pet.instanceId, volume: replacement });
    expect(movesMade(calls)).toMatchObject({ AssociateAddressCommand: 1, DetachVolumeCommand: 1, AttachVolumeCommand: 1, DetachNetworkInterfaceCommand: 0, AttachNetworkInterfaceCommand: 0 });
    const failedOver = pet.fleet.notifications.filter((n) => n.subject.startsWith(`fleetward: ${pet.fleet.name} failed over`));
    expect(failedOver.map((n) => n.message)).toEqual([
      `its status checks are impaired on 1 consecutive observations; left in place: ${untagged(pet, `interface ${pet.eniId}`)}`,
    ]);
  });

  it('moves everything once all of it carries the owner tag', async () => {
    const pet = await petFleet({ unhealthyThreshold: 1 }, 1, 100);
    await ownerTag(pet, [pet.allocationId, pet.eniId, pet.volumeId]);
    await pet.fleet.step(0);
    await failPet(pet);

    await pet.fleet.step(0);

    const replacement = await replacementOf(pet);
    await expectIdentityOn(pet, replacement);
    expect((await describeInstance(pet.fleet, pet.instanceId))?.State?.Name).toBe('terminated');
  });
});
