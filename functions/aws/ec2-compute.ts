/**
 * The ComputePort on EC2: finds a fleet's instances by tag, launches from the fleet's launch
 * template (falling back through the allowed types when capacity is short), and terminates.
 */
import { createHash } from 'node:crypto';
import {
  AssociateAddressCommand,
  AttachNetworkInterfaceCommand,
  AttachVolumeCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  DeleteTagsCommand,
  DescribeAddressesCommand,
  DescribeSnapshotsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  DetachNetworkInterfaceCommand,
  DetachVolumeCommand,
  ModifyInstanceAttributeCommand,
  type EC2Client,
  type Filter,
  type Instance,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  type Tag,
  TerminateInstancesCommand,
  type _InstanceType,
  paginateDescribeCapacityReservations,
  paginateDescribeInstanceTypes,
  paginateDescribeInstances,
  paginateDescribeNetworkInterfaces,
  paginateDescribeVolumes,
  waitUntilVolumeAvailable,
} from '@aws-sdk/client-ec2';
import type { TypeSize } from '../core/rightsizing/view.ts';
import type { Ec2State, InstanceHealth, InstanceIdentity } from '../core/model.ts';
import type { SubnetPlacement } from '../core/placement.ts';
import { COMMAND_TAG, DO_NOT_DISRUPT_TAG, FLEET_TAG, MAINTENANCE_TAG, OWNER_TAG, PROTECTED_TAG } from '../core/tags.ts';
import { FleetwardError, ResourceNotFoundError } from '../ports/errors.ts';
import type { Clock, ComputePort, ComputeInstance, LaunchRequest, LaunchResult, ReservationQuery, RestoredVolume } from '../ports/index.ts';
import type { OpenReservation } from '../core/mix/problem.ts';
import { reservationFilters, sumReservations } from './capacity-reservations.ts';
import { readInstanceHealth } from './instance-health.ts';
import { launchTryingTypes } from './launch-fallback.ts';
import { QUARANTINE_TAG, quarantineTagValue } from './quarantine-tag.ts';

/** How long one call waits for an interface or volume to detach before the next step retries. */
const DETACH_WAIT_MS = 20_000;

const tagValue = (tags: readonly Tag[] | undefined, key: string) => tags?.find((t) => t.Key === key)?.Value;

/** RunInstances ClientToken: at most 64 ASCII characters, stable for one command and type. */
export function clientToken(commandId: string, instanceType: string): string {
  return createHash('sha256').update(`${commandId}|${instanceType}`).digest('hex').slice(0, 64);
}

interface IdentityCandidates {
  readonly volumeIds: readonly string[];
  readonly interfaceIds: readonly string[];
}

/**
 * Up to this many candidates are described by id (200 a call); beyond, the fleet tag alone, in
 * pages, as before: the calls stay bounded when every instance keeps a data volume.
 */
export const IDENTITY_BY_ID_LIMIT = 1_000;

/** The filters that find the fleet's tagged resources among `ids` (by `idFilter`), in calls of at most 200 ids. */
export function identityFilters(fleet: string, idFilter: string, ids: readonly string[]): Filter[][] {
  const tagged = { Name: `tag:${FLEET_TAG}`, Values: [fleet] };
  if (ids.length > IDENTITY_BY_ID_LIMIT) return [[tagged]];
  const calls: Filter[][] = [];
  for (let start = 0; start < ids.length; start += MAX_FILTER_VALUES) {
    calls.push([tagged, { Name: idFilter, Values: ids.slice(start, start + MAX_FILTER_VALUES) }]);
  }
  return calls;
}

interface FleetResources {
  readonly addresses: Map<string, InstanceIdentity['elasticIps'][number][]>;
  readonly interfaces: Map<string, InstanceIdentity['networkInterfaces'][number][]>;
  /** The fleet-tagged candidate volumes, with the owner tag each carries (undefined: none). */
  readonly volumeOwners: Map<string, string | undefined>;
}

/** A resource's fleetward:owner tag as an identity entry's field: absent when it carries none. */
const ownerField = (owner: string | undefined): { owner?: string } => (owner === undefined ? {} : { owner });
const ownerOf = (tags: readonly Tag[] | undefined) => ownerField(tagValue(tags, OWNER_TAG));

function push<T>(map: Map<string, T[]>, key: string | undefined, value: T) {
  if (key === undefined) return;
  map.set(key, [...(map.get(key) ?? []), value]);
}

/** A volume that outlives the instance and is not its root: identity if it carries the fleet tag. */
function keptDataVolumes(instance: Instance) {
  return (instance.BlockDeviceMappings ?? []).filter((m) => m.DeviceName !== instance.RootDeviceName && m.Ebs?.DeleteOnTermination === false);
}

/** A secondary interface that outlives the instance: identity if it carries the fleet tag. */
function keptSecondaryInterfaces(instance: Instance) {
  return (instance.NetworkInterfaces ?? []).filter((n) => n.Attachment?.DeleteOnTermination === false && (n.Attachment.DeviceIndex ?? 0) >= 1);
}

/**
 * The volumes and interfaces that may be identity, from the instances' own answer: only these
 * are described (by id and the fleet tag), not every root volume and primary interface launches
 * tag with the fleet.
 */
function identityCandidates(instances: readonly Instance[]): IdentityCandidates {
  return {
    volumeIds: instances.flatMap((i) => keptDataVolumes(i).map((m) => m.Ebs?.VolumeId ?? '')),
    interfaceIds: instances.flatMap((i) => keptSecondaryInterfaces(i).map((n) => n.NetworkInterfaceId ?? '')),
  };
}

/** Only resources carrying the fleet tag, and only those that outlive the instance, are identity; each with its owner tag, if any. */
function identityOf(instance: Instance, resources: FleetResources | undefined): InstanceIdentity {
  const id = instance.InstanceId ?? '';
  return {
    elasticIps: resources?.addresses.get(id) ?? [],
    networkInterfaces: resources?.interfaces.get(id) ?? [],
    volumes: keptDataVolumes(instance)
      .filter((m) => resources?.volumeOwners.has(m.Ebs?.VolumeId ?? '') ?? false)
      .map((m) => ({ volumeId: m.Ebs?.VolumeId ?? '', device: m.DeviceName ?? '', ...ownerField(resources?.volumeOwners.get(m.Ebs?.VolumeId ?? '')) })),
  };
}

function toObserved(instance: Instance, health: InstanceHealth, resources: FleetResources | undefined): ComputeInstance {
  const commandId = tagValue(instance.Tags, COMMAND_TAG);
  const fleetTag = tagValue(instance.Tags, FLEET_TAG);
  const owner = tagValue(instance.Tags, OWNER_TAG);
  return {
    instanceId: instance.InstanceId ?? '',
    state: (instance.State?.Name ?? 'terminated') as Ec2State,
    health,
    instanceType: instance.InstanceType ?? 'unknown',
    subnetId: instance.SubnetId ?? '',
    availabilityZone: instance.Placement?.AvailabilityZone ?? '',
    launchTimeMs: instance.LaunchTime?.getTime() ?? 0,
    protected: tagValue(instance.Tags, PROTECTED_TAG) === 'true',
    identity: identityOf(instance, resources),
    ...(instance.ImageId === undefined ? {} : { imageId: instance.ImageId }),
    ...(instance.InstanceLifecycle === 'spot' ? { market: 'spot' as const } : {}),
    ...(commandId === undefined ? {} : { commandId }),
    ...(owner === undefined ? {} : { owner }),
    ...(tagValue(instance.Tags, MAINTENANCE_TAG) === undefined ? {} : { maintenance: true }),
    ...(tagValue(instance.Tags, DO_NOT_DISRUPT_TAG) === 'true' ? { doNotDisrupt: true } : {}),
    ...(fleetTag === undefined ? {} : { fleetTag }),
  };
}

/** Spot as the mix launches it: one-time, terminated on interruption (fleetward replaces it). */
const SPOT_MARKET = { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' } } as const;

/** EC2 takes at most this many values in one filter (FilterLimitExceeded beyond). */
export const MAX_FILTER_VALUES = 200;

export class Ec2Compute implements ComputePort {
  private readonly subnetZones = new Map<string, string>();

  constructor(
    private readonly ec2: EC2Client,
    /** Compared with AWS's launch times: the real clock, outside tests. */
    private readonly clock: Clock = { now: () => Date.now() },
  ) {}

  private async describe(filters: Filter[]): Promise<Instance[]> {
    const instances: Instance[] = [];
    for await (const page of paginateDescribeInstances({ client: this.ec2, pageSize: 500 }, { Filters: filters })) {
      for (const reservation of page.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
    }
    return instances;
  }

  /**
   * The fleet's tagged Elastic IPs (one call: launches tag none, so the answer holds only the
   * operator's), and those of the candidate interfaces and volumes that carry the fleet tag (no
   * call when there are none).
   */
  private async fleetResources(fleet: string, candidates: IdentityCandidates): Promise<FleetResources> {
    const addresses = new Map<string, InstanceIdentity['elasticIps'][number][]>();
    const interfaces = new Map<string, InstanceIdentity['networkInterfaces'][number][]>();
    const volumeOwners = new Map<string, string | undefined>();
    const described = await this.ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: `tag:${FLEET_TAG}`, Values: [fleet] }] }));
    for (const address of described.Addresses ?? []) {
      push(addresses, address.InstanceId, { allocationId: address.AllocationId ?? '', publicIp: address.PublicIp ?? '', ...ownerOf(address.Tags) });
    }
    for (const filters of identityFilters(fleet, 'network-interface-id', candidates.interfaceIds)) {
      for await (const page of paginateDescribeNetworkInterfaces({ client: this.ec2 }, { Filters: filters })) {
        for (const eni of page.NetworkInterfaces ?? []) {
          const attachment = eni.Attachment;
          if (attachment?.DeleteOnTermination !== false || (attachment.DeviceIndex ?? 0) < 1) continue;
          push(interfaces, attachment.InstanceId, { networkInterfaceId: eni.NetworkInterfaceId ?? '', deviceIndex: attachment.DeviceIndex ?? 1, ...ownerOf(eni.TagSet) });
        }
      }
    }
    for (const filters of identityFilters(fleet, 'volume-id', candidates.volumeIds)) {
      for await (const page of paginateDescribeVolumes({ client: this.ec2 }, { Filters: filters })) {
        for (const volume of page.Volumes ?? []) volumeOwners.set(volume.VolumeId ?? '', tagValue(volume.Tags, OWNER_TAG));
      }
    }
    return { addresses, interfaces, volumeOwners };
  }

  private async observe(filters: Filter[], fleet?: string): Promise<ComputeInstance[]> {
    const instances = await this.describe(filters);
    const running = instances.filter((i) => i.State?.Name === 'running').map((i) => ({ instanceId: i.InstanceId ?? '', launchTimeMs: i.LaunchTime?.getTime() ?? 0 }));
    const [health, resources] = await Promise.all([
      readInstanceHealth(this.ec2, running, this.clock.now()),
      fleet === undefined ? Promise.resolve(undefined) : this.fleetResources(fleet, identityCandidates(instances)),
    ]);
    return instances.map((i) => toObserved(i, health.get(i.InstanceId ?? '') ?? 'unknown', resources));
  }
  async describeFleetInstances(fleet: string): Promise<ComputeInstance[]> {
    return this.observe([{ Name: `tag:${FLEET_TAG}`, Values: [fleet] }], fleet);
  }

  /** One paginated DescribeInstances on the tag key; no status checks or identity are read. */
  async describeTaggedInstances(): Promise<ComputeInstance[]> {
    const live = { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] };
    return (await this.describe([{ Name: 'tag-key', Values: [FLEET_TAG] }, live])).map((i) => toObserved(i, 'unknown', undefined));
  }

  /**
   * By id, at most MAX_FILTER_VALUES ids per call (EC2 refuses more values in one filter); no
   * status checks or identity are read (re-validation and registration need state and tags only).
   */
  async describeInstances(instanceIds: readonly string[]): Promise<ComputeInstance[]> {
    const found: ComputeInstance[] = [];
    for (let start = 0; start < instanceIds.length; start += MAX_FILTER_VALUES) {
      const described = await this.describe([{ Name: 'instance-id', Values: instanceIds.slice(start, start + MAX_FILTER_VALUES) }]);
      found.push(...described.map((i) => toObserved(i, 'unknown', undefined)));
    }
    return found;
  }

  async describeSubnets(subnetIds: readonly string[]): Promise<SubnetPlacement[]> {
    const unknown = subnetIds.filter((id) => !this.subnetZones.has(id));
    if (unknown.length > 0) {
      // A filter, not SubnetIds: it never fails, so the missing ids are computed here exactly
      // instead of trusting which one an error message happens to name.
      for (let start = 0; start < unknown.length; start += MAX_FILTER_VALUES) {
        const values = unknown.slice(start, start + MAX_FILTER_VALUES);
        const result = await this.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: values }] }));
        for (const subnet of result.Subnets ?? []) this.subnetZones.set(subnet.SubnetId ?? '', subnet.AvailabilityZone ?? '');
      }
      const missing = unknown.filter((id) => !this.subnetZones.has(id));
      if (missing.length > 0) throw new ResourceNotFoundError('subnet', `${missing.join(', ')} (not in this account and region)`);
    }
    return subnetIds.map((subnetId) => ({ subnetId, availabilityZone: this.subnetZones.get(subnetId) ?? '' }));
  }

  async launch(request: LaunchRequest): Promise<LaunchResult> {
    const { fleet, command, owner } = request;
    const template = fleet.launchTemplate;
    const tags: Tag[] = [
      { Key: FLEET_TAG, Value: fleet.name },
      { Key: COMMAND_TAG, Value: command.id },
      { Key: OWNER_TAG, Value: owner },
      ...Object.entries(fleet.tags).map(([Key, Value]) => ({ Key, Value })),
    ];
    return launchTryingTypes(request, async (instanceType, count) => {
      const result = await this.ec2.send(
        new RunInstancesCommand({
          LaunchTemplate: {
            ...(template.id === undefined ? { LaunchTemplateName: template.name } : { LaunchTemplateId: template.id }),
            Version: String(template.version),
          },
          // A roll's image in place of the template's (docs/images.md#rolls); the gate checked it.
          ...(command.imageId === undefined ? {} : { ImageId: command.imageId }),
          InstanceType: instanceType as never,
          // A mix's Spot cell: the template's settings with a one-time Spot request (interruptions are replaced as failovers).
          ...(command.market === 'spot' ? { InstanceMarketOptions: SPOT_MARKET } : {}),
          SubnetId: command.subnetId,
          // All or nothing: a short type falls back to the next one for the whole command.
          MinCount: count,
          MaxCount: count,
          ClientToken: clientToken(command.id, instanceType),
          TagSpecifications: [
            // IAM allows RunInstances only when every resource it creates carries the fleet and owner tags.
            { ResourceType: 'instance', Tags: tags },
            { ResourceType: 'volume', Tags: tags },
            { ResourceType: 'network-interface', Tags: tags },
          ],
        }),
      );
      return (result.Instances ?? []).map((i) => i.InstanceId ?? '');
    });
  }

  async terminate(instanceIds: readonly string[]): Promise<void> {
    if (instanceIds.length === 0) return;
    await this.ec2.send(new TerminateInstancesCommand({ InstanceIds: [...instanceIds] }));
  }

  async stop(instanceIds: readonly string[], force: boolean): Promise<void> {
    if (instanceIds.length === 0) return;
    await this.ec2.send(new StopInstancesCommand({ InstanceIds: [...instanceIds], Force: force }));
  }

  async start(instanceIds: readonly string[]): Promise<void> {
    if (instanceIds.length === 0) return;
    await this.ec2.send(new StartInstancesCommand({ InstanceIds: [...instanceIds] }));
  }

  async describeInstanceTypes(instanceTypes: readonly string[]): Promise<Record<string, TypeSize>> {
    const sizes: Record<string, TypeSize> = {};
    if (instanceTypes.length === 0) return sizes;
    for await (const page of paginateDescribeInstanceTypes({ client: this.ec2 }, { InstanceTypes: [...instanceTypes] as _InstanceType[] })) {
      for (const described of page.InstanceTypes ?? []) {
        const vcpus = described.VCpuInfo?.DefaultVCpus;
        const memoryMiB = described.MemoryInfo?.SizeInMiB;
        if (described.InstanceType !== undefined && vcpus !== undefined && memoryMiB !== undefined) sizes[described.InstanceType] = { vcpus, memoryMiB };
      }
    }
    return sizes;
  }

  async describeOpenCapacityReservations(query: ReservationQuery): Promise<OpenReservation[]> {
    if (query.instanceTypes.length === 0 || query.zones.length === 0) return [];
    const found = [];
    for await (const page of paginateDescribeCapacityReservations({ client: this.ec2 }, { Filters: reservationFilters(query) })) found.push(...(page.CapacityReservations ?? []));
    return sumReservations(found, query);
  }

  async modifyInstanceType(instanceId: string, instanceType: string): Promise<void> {
    await this.ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: instanceId, InstanceType: { Value: instanceType } }));
  }

  async associateAddress(allocationId: string, instanceId: string): Promise<void> {
    const current = await this.ec2.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }));
    if (current.Addresses?.[0]?.InstanceId === instanceId) return;
    await this.ec2.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: instanceId, AllowReassociation: true }));
  }

  private async waitFor(what: string, ready: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + DETACH_WAIT_MS;
    while (!(await ready())) {
      if (Date.now() > deadline) throw new FleetwardError(`${what} is still detaching; the next step continues`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  async moveNetworkInterface(networkInterfaceId: string, toInstanceId: string, deviceIndex: number): Promise<void> {
    const describe = async () => {
      for await (const page of paginateDescribeNetworkInterfaces({ client: this.ec2 }, { NetworkInterfaceIds: [networkInterfaceId] })) {
        const found = page.NetworkInterfaces?.[0];
        if (found !== undefined) return found;
      }
      throw new ResourceNotFoundError('network interface', networkInterfaceId);
    };
    const eni = await describe();
    if (eni.Attachment?.InstanceId === toInstanceId) return;
    if (eni.Attachment?.AttachmentId !== undefined && eni.Status !== 'available') {
      await this.ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: eni.Attachment.AttachmentId, Force: true }));
      await this.waitFor(networkInterfaceId, async () => (await describe()).Status === 'available');
    }
    await this.ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: networkInterfaceId, InstanceId: toInstanceId, DeviceIndex: deviceIndex }));
  }

  async moveVolume(volumeId: string, toInstanceId: string, device: string, force: boolean): Promise<void> {
    const describe = async () => {
      for await (const page of paginateDescribeVolumes({ client: this.ec2 }, { VolumeIds: [volumeId] })) {
        const found = page.Volumes?.[0];
        if (found !== undefined) return found;
      }
      throw new ResourceNotFoundError('volume', volumeId);
    };
    const volume = await describe();
    if (volume.Attachments?.some((a) => a.InstanceId === toInstanceId)) return;
    const attachment = volume.Attachments?.[0];
    if (volume.State !== 'available' && attachment !== undefined) {
      await this.ec2.send(
        new DetachVolumeCommand({ VolumeId: volumeId, InstanceId: attachment.InstanceId, Device: attachment.Device, Force: force }),
      );
      await this.waitFor(volumeId, async () => (await describe()).State === 'available');
    }
    await this.ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: toInstanceId, Device: device }));
  }

  async restoreVolume(
    volumeId: string,
    toInstanceId: string,
    availabilityZone: string,
    device: string,
    { fleet, owner }: { fleet: string; owner: string },
  ): Promise<RestoredVolume> {
    // Only this account's snapshots: never a public or shared one of the same volume id.
    const snapshots = await this.ec2.send(
      new DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [{ Name: 'volume-id', Values: [volumeId] }, { Name: 'status', Values: ['completed'] }],
      }),
    );
    const latest = [...(snapshots.Snapshots ?? [])].sort((a, b) => (b.StartTime?.getTime() ?? 0) - (a.StartTime?.getTime() ?? 0))[0];
    if (latest?.SnapshotId === undefined) throw new ResourceNotFoundError('snapshot', `no completed snapshot of ${volumeId} to restore from`);
    const source = await this.ec2
      .send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))
      .then((r) => r.Volumes?.[0])
      .catch(() => undefined);
    const created = await this.ec2.send(
      new CreateVolumeCommand({
        SnapshotId: latest.SnapshotId,
        AvailabilityZone: availabilityZone,
        // The same kind of disk as the lost one, when it can still be described.
        ...(source?.VolumeType === undefined ? {} : { VolumeType: source.VolumeType }),
        ...(source?.Iops === undefined || !['io1', 'io2', 'gp3'].includes(source.VolumeType ?? '') ? {} : { Iops: source.Iops }),
        ...(source?.Throughput === undefined || source.VolumeType !== 'gp3' ? {} : { Throughput: source.Throughput }),
        // A retry after a crash gets the same volume back instead of a second one.
        ClientToken: clientToken(`restore/${volumeId}/${toInstanceId}`, availabilityZone),
        // IAM allows CreateVolume only with the fleet tag, and beyond 100 fleets the owner tag, in the request.
        TagSpecifications: [
          { ResourceType: 'volume', Tags: [{ Key: FLEET_TAG, Value: fleet }, { Key: OWNER_TAG, Value: owner }, { Key: 'fleetward:restored-from', Value: volumeId }] },
        ],
      }),
    );
    const newVolumeId = created.VolumeId ?? '';
    await waitUntilVolumeAvailable({ client: this.ec2, maxWaitTime: DETACH_WAIT_MS / 1000, minDelay: 1 }, { VolumeIds: [newVolumeId] });
    await this.ec2.send(new AttachVolumeCommand({ VolumeId: newVolumeId, InstanceId: toInstanceId, Device: device }));
    return { volumeId: newVolumeId, snapshotId: latest.SnapshotId, snapshotStartMs: latest.StartTime?.getTime() ?? 0 };
  }

  async markMaintenance(instanceId: string, reason: string): Promise<void> {
    await this.ec2.send(new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: MAINTENANCE_TAG, Value: reason.slice(0, 256) }] }));
  }

  async clearMaintenance(instanceId: string): Promise<void> {
    await this.ec2.send(new DeleteTagsCommand({ Resources: [instanceId], Tags: [{ Key: MAINTENANCE_TAG }] }));
  }

  async quarantine(instanceId: string, fleet: string, reason: string): Promise<void> {
    await this.ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId], Force: true }));
    await this.ec2.send(
      new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: QUARANTINE_TAG, Value: quarantineTagValue(fleet, reason) }] }),
    );
    // Last: without the fleet tag, fleetward (and its IAM role) can no longer touch it.
    await this.ec2.send(new DeleteTagsCommand({ Resources: [instanceId], Tags: [{ Key: FLEET_TAG }] }));
  }
}
