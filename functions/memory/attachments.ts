/**
 * One kind of resource that attaches to an instance at a slot (a network interface at a device
 * index, a volume at a device name) and stays in its zone, in memory: attach and detach with
 * EC2's refusals, and the index by instance that identity and termination read.
 */
import type { Ec2State } from '../core/model.ts';
import { AwsApiError } from './aws-error.ts';
import { Groups } from './groups.ts';

/** What an attachment needs to know of the instance it attaches to. */
export interface AttachTarget {
  readonly instanceId: string;
  readonly state: Ec2State;
  readonly availabilityZone: string;
}

export interface Attachment<Slot> {
  readonly instanceId: string;
  readonly slot: Slot;
  readonly deleteOnTermination: boolean;
}

export interface Attachable<Slot> {
  readonly id: string;
  readonly availabilityZone: string;
  readonly tags: ReadonlyMap<string, string>;
  attachment?: Attachment<Slot>;
}

/** EC2's words when it refuses, per kind. */
export interface AttachmentErrors<Slot> {
  notFound(id: string): AwsApiError;
  otherZone(id: string, instanceId: string): AwsApiError;
  slotInUse(slot: Slot, instanceId: string): AwsApiError;
}

const ATTACHABLE_STATES: ReadonlySet<Ec2State> = new Set(['running', 'stopped']);

export class AttachableKind<Slot> {
  private readonly all = new Map<string, Attachable<Slot>>();
  private readonly byInstance = new Groups<Attachable<Slot>>();

  constructor(
    private readonly errors: AttachmentErrors<Slot>,
    /** Told of every instance whose attachments changed. */
    private readonly changed: (instanceId: string) => void,
  ) {}

  add(resource: Attachable<Slot>): void {
    this.all.set(resource.id, resource);
    if (resource.attachment !== undefined) this.index(resource, resource.attachment);
  }

  find(id: string): Attachable<Slot> | undefined {
    return this.all.get(id);
  }

  get(id: string): Attachable<Slot> {
    const resource = this.all.get(id);
    if (resource === undefined) throw this.errors.notFound(id);
    return resource;
  }

  list(): IterableIterator<Attachable<Slot>> {
    return this.all.values();
  }

  attachedTo(instanceId: string): ReadonlySet<Attachable<Slot>> | undefined {
    return this.byInstance.of(instanceId);
  }

  detach(resource: Attachable<Slot>): void {
    const from = resource.attachment?.instanceId;
    if (from === undefined) return;
    resource.attachment = undefined;
    this.byInstance.delete(from, resource);
    this.changed(from);
  }

  /** Attaches a detached resource, as EC2 does: never across zones, never onto a taken slot. */
  attach(resource: Attachable<Slot>, target: AttachTarget, slot: Slot): void {
    if (!ATTACHABLE_STATES.has(target.state)) {
      throw new AwsApiError('IncorrectState', `Instance '${target.instanceId}' is not 'running' or 'stopped'.`);
    }
    if (resource.availabilityZone !== target.availabilityZone) throw this.errors.otherZone(resource.id, target.instanceId);
    for (const other of this.byInstance.of(target.instanceId) ?? []) {
      if (other.attachment?.slot === slot) throw this.errors.slotInUse(slot, target.instanceId);
    }
    resource.attachment = { instanceId: target.instanceId, slot, deleteOnTermination: false };
    this.index(resource, resource.attachment);
  }

  /** At the instance's termination: resources deleted with it go, the others are left detached. */
  release(instanceId: string): void {
    for (const resource of this.byInstance.of(instanceId) ?? []) {
      if (resource.attachment?.deleteOnTermination === true) this.all.delete(resource.id);
      resource.attachment = undefined;
    }
    this.byInstance.clear(instanceId);
  }

  private index(resource: Attachable<Slot>, attachment: Attachment<Slot>): void {
    this.byInstance.add(attachment.instanceId, resource);
    this.changed(attachment.instanceId);
  }
}
