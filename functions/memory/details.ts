/**
 * What the in-memory EC2 shows a test of its instances and resources: plain copies with tags as
 * records, for assertions; nothing a test does to them changes the world.
 */
import type { ComputeInstance } from '../ports/index.ts';
import type { Attachable } from './attachments.ts';
import type { Instance } from './instances.ts';
import type { ElasticIp } from './resources.ts';

export type InstanceDetails = ComputeInstance & {
  readonly tags: Readonly<Record<string, string>>;
  readonly impaired: boolean;
  readonly terminatedAtMs?: number;
};

export interface ElasticIpDetails {
  readonly allocationId: string;
  readonly publicIp: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly instanceId?: string;
}

export interface NetworkInterfaceDetails {
  readonly networkInterfaceId: string;
  readonly availabilityZone: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly attachment?: { readonly instanceId: string; readonly deviceIndex: number; readonly deleteOnTermination: boolean };
}

export interface VolumeDetails {
  readonly volumeId: string;
  readonly availabilityZone: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly attachment?: { readonly instanceId: string; readonly device: string; readonly deleteOnTermination: boolean };
}

export function instanceDetails(view: ComputeInstance, instance: Instance): InstanceDetails {
  return {
    ...view,
    tags: Object.fromEntries(instance.tags),
    impaired: instance.impaired,
    ...(instance.terminatedAtMs === undefined ? {} : { terminatedAtMs: instance.terminatedAtMs }),
  };
}

export function elasticIpDetails({ allocationId, publicIp, tags, instanceId }: ElasticIp): ElasticIpDetails {
  return { allocationId, publicIp, tags: Object.fromEntries(tags), ...(instanceId === undefined ? {} : { instanceId }) };
}

export function networkInterfaceDetails({ id, availabilityZone, tags, attachment: a }: Attachable<number>): NetworkInterfaceDetails {
  const attachment = a === undefined ? {} : { attachment: { instanceId: a.instanceId, deviceIndex: a.slot, deleteOnTermination: a.deleteOnTermination } };
  return { networkInterfaceId: id, availabilityZone, tags: Object.fromEntries(tags), ...attachment };
}

export function volumeDetails({ id, availabilityZone, tags, attachment: a }: Attachable<string>): VolumeDetails {
  const attachment = a === undefined ? {} : { attachment: { instanceId: a.instanceId, device: a.slot, deleteOnTermination: a.deleteOnTermination } };
  return { volumeId: id, availabilityZone, tags: Object.fromEntries(tags), ...attachment };
}
