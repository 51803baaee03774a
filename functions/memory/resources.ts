/**
 * The in-memory EC2's Elastic IPs, network interfaces, data volumes and snapshots: the identity
 * they make up for an instance (only those carrying its fleet's tag that outlive it, as the EC2
 * adapter reads them, with their owner tags), the moves a failover makes, and what a termination does to them.
 */
import { NO_IDENTITY, type InstanceIdentity } from '../core/model.ts';
import { FLEET_TAG, OWNER_TAG } from '../core/tags.ts';
import { ResourceNotFoundError } from '../ports/errors.ts';
import type { RestoredVolume } from '../ports/index.ts';
import { type Attachable, AttachableKind, type AttachTarget, type Attachment } from './attachments.ts';
import { AwsApiError } from './aws-error.ts';
import { Groups } from './groups.ts';
import type { IdSequence } from './ids.ts';

/** The tag a restored volume carries: the volume it was restored from. */
export const RESTORED_FROM_TAG = 'fleetward:restored-from';

export interface ElasticIp {
  readonly allocationId: string;
  readonly publicIp: string;
  readonly tags: ReadonlyMap<string, string>;
  instanceId?: string;
}

/** The fleetward tags a seeded resource carries: its fleet's, and an owner's if given. */
export interface ResourceTags {
  readonly fleet?: string | undefined;
  readonly owner?: string | undefined;
}

export interface Snapshot {
  readonly snapshotId: string;
  readonly startMs: number;
  readonly completed: boolean;
}

export class Ec2Resources {
  readonly elasticIps = new Map<string, ElasticIp>();
  private readonly addressesOf = new Groups<ElasticIp>();
  readonly interfaces: AttachableKind<number>;
  readonly volumes: AttachableKind<string>;
  private readonly snapshots = new Map<string, Snapshot[]>();

  constructor(
    private readonly ids: IdSequence,
    /** Told of every instance whose identity may have changed. */
    private readonly changed: (instanceId: string) => void,
  ) {
    this.interfaces = new AttachableKind<number>(
      {
        notFound: (id) => new AwsApiError('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${id}' does not exist`),
        otherZone: () =>
          new AwsApiError('InvalidParameterCombination', 'You may not attach a network interface to an instance if they are not in the same availability zone'),
        slotInUse: (index, instanceId) =>
          new AwsApiError('InvalidParameterValue', `Instance '${instanceId}' already has an interface attached at device index '${index}'.`),
      },
      changed,
    );
    this.volumes = new AttachableKind<string>(
      {
        notFound: (id) => new AwsApiError('InvalidVolume.NotFound', `The volume '${id}' does not exist.`),
        otherZone: (id, instanceId) =>
          new AwsApiError('InvalidVolume.ZoneMismatch', `The volume '${id}' is not in the same availability zone as instance '${instanceId}'`),
        slotInUse: (device) => new AwsApiError('InvalidParameterValue', `Invalid value '${device}' for unixDevice. Attachment point ${device} is already in use`),
      },
      changed,
    );
  }

  elasticIp(allocationId: string): ElasticIp {
    const address = this.elasticIps.get(allocationId);
    if (address === undefined) throw new AwsApiError('InvalidAllocationID.NotFound', `The allocation ID '${allocationId}' does not exist`);
    return address;
  }

  /** Seeds an Elastic IP, associated with the instance if one is named. */
  addElasticIp(tagged: ResourceTags, instanceId: string | undefined, publicIp?: string): string {
    const allocationId = this.ids.next('eipalloc');
    const address: ElasticIp = { allocationId, publicIp: publicIp ?? ipOf(allocationId), tags: tagsOf(tagged) };
    this.elasticIps.set(allocationId, address);
    if (instanceId !== undefined) this.indexAddress(address, instanceId);
    return allocationId;
  }

  /** Seeds a network interface or a volume, attached as given (or detached). */
  addAttachable<Slot>(kind: AttachableKind<Slot>, prefix: 'eni' | 'vol', availabilityZone: string, tagged: ResourceTags, attachment?: Attachment<Slot>): string {
    const id = this.ids.next(prefix);
    kind.add({ id, availabilityZone, tags: tagsOf(tagged), ...(attachment === undefined ? {} : { attachment }) });
    return id;
  }

  addSnapshot(volumeId: string, startMs: number, completed: boolean): string {
    const snapshotId = this.ids.next('snap');
    this.snapshots.set(volumeId, [...(this.snapshots.get(volumeId) ?? []), { snapshotId, startMs, completed }]);
    return snapshotId;
  }

  /** The fleet's resources attached to the instance that outlive it; the same object while there are none. */
  identity(instanceId: string, fleet: string | undefined): InstanceIdentity {
    if (fleet === undefined) return NO_IDENTITY;
    const ours = (resource: { readonly tags: ReadonlyMap<string, string> }) => resource.tags.get(FLEET_TAG) === fleet;
    const kept = <Slot>(resource: Attachable<Slot>) => ours(resource) && resource.attachment?.deleteOnTermination === false;
    const elasticIps = [...(this.addressesOf.of(instanceId) ?? [])].filter(ours);
    const interfaces = [...(this.interfaces.attachedTo(instanceId) ?? [])].filter((eni) => kept(eni) && (eni.attachment?.slot ?? 0) >= 1);
    const volumes = [...(this.volumes.attachedTo(instanceId) ?? [])].filter(kept);
    if (elasticIps.length + interfaces.length + volumes.length === 0) return NO_IDENTITY;
    return Object.freeze({
      elasticIps: elasticIps.map(({ allocationId, publicIp, tags }) => ({ allocationId, publicIp, ...ownerOf(tags) })),
      networkInterfaces: interfaces.map((eni) => ({ networkInterfaceId: eni.id, deviceIndex: eni.attachment?.slot ?? 0, ...ownerOf(eni.tags) })),
      volumes: volumes.map((volume) => ({ volumeId: volume.id, device: volume.attachment?.slot ?? '', ...ownerOf(volume.tags) })),
    });
  }

  /** Re-associates an Elastic IP (AllowReassociation); nothing to do when it is already there. */
  associateAddress(address: ElasticIp, target: AttachTarget): void {
    if (address.instanceId === target.instanceId) return;
    if (target.state === 'pending') {
      throw new AwsApiError('InvalidInstanceID', `The pending instance '${target.instanceId}' is not in a valid state for this operation.`);
    }
    if (target.state === 'shutting-down' || target.state === 'terminated') {
      throw new AwsApiError('IncorrectInstanceState', `The instance '${target.instanceId}' is not in a valid state for this operation.`);
    }
    this.disassociate(address);
    this.indexAddress(address, target.instanceId);
  }

  /** Creates a volume from the latest completed snapshot in the zone, then attaches it. */
  restoreVolume(volumeId: string, target: AttachTarget, availabilityZone: string, device: string, tags: { fleet: string; owner: string }): RestoredVolume {
    const latest = (this.snapshots.get(volumeId) ?? [])
      .filter((snapshot) => snapshot.completed)
      .reduce<Snapshot | undefined>((best, snapshot) => (best === undefined || snapshot.startMs > best.startMs ? snapshot : best), undefined);
    if (latest === undefined) throw new ResourceNotFoundError('snapshot', `no completed snapshot of ${volumeId} to restore from`);
    const restored: Attachable<string> = { id: this.ids.next('vol'), availabilityZone, tags: new Map([...fleetTags(tags.fleet), [OWNER_TAG, tags.owner], [RESTORED_FROM_TAG, volumeId]]) };
    this.volumes.add(restored);
    this.volumes.attach(restored, target, device);
    return { volumeId: restored.id, snapshotId: latest.snapshotId, snapshotStartMs: latest.startMs };
  }

  /** What EC2 does at termination: addresses disassociate, interfaces and volumes detach or are deleted. */
  release(instanceId: string): void {
    for (const address of this.addressesOf.of(instanceId) ?? []) address.instanceId = undefined;
    this.addressesOf.clear(instanceId);
    this.interfaces.release(instanceId);
    this.volumes.release(instanceId);
  }

  private disassociate(address: ElasticIp): void {
    const from = address.instanceId;
    if (from === undefined) return;
    address.instanceId = undefined;
    this.addressesOf.delete(from, address);
    this.changed(from);
  }

  private indexAddress(address: ElasticIp, instanceId: string): void {
    address.instanceId = instanceId;
    this.addressesOf.add(instanceId, address);
    this.changed(instanceId);
  }
}

/** The owner tag as an identity entry's field, as the EC2 adapter reads it: absent when there is none. */
function ownerOf(tags: ReadonlyMap<string, string>): { owner?: string } {
  const owner = tags.get(OWNER_TAG);
  return owner === undefined ? {} : { owner };
}

const fleetTags = (fleet: string | undefined) => new Map(fleet === undefined ? [] : [[FLEET_TAG, fleet]]);
const tagsOf = ({ fleet, owner }: ResourceTags) => new Map([...fleetTags(fleet), ...(owner === undefined ? [] : [[OWNER_TAG, owner] as const])]);

/** A public address from the benchmarking range 198.18.0.0/15, unique per allocation. */
function ipOf(allocationId: string): string {
  const n = Number.parseInt(allocationId.slice(allocationId.indexOf('-') + 1), 16);
  return `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;
}
