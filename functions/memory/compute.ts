/**
 * The ComputePort in memory, on a virtual clock: EC2's instance states with boot, stop and
 * termination delays, launches that fall back through the types by the EC2 adapter's own rules,
 * the fleet's Elastic IPs, interfaces and volumes and their moves, quarantine. For tests and the
 * simulator: seeding, failures, capacity shortages and reservations, inspection, and the counts and billed time
 * of live instances, none of it costing more than the instances that changed.
 */
import { NO_IDENTITY } from '../core/model.ts';
import type { TypeSize } from '../core/rightsizing/view.ts';
import type { SubnetPlacement } from '../core/placement.ts';
import { COMMAND_TAG, FLEET_TAG, MAINTENANCE_TAG, OWNER_TAG, PROTECTED_TAG } from '../core/tags.ts';
import type { CapacityReservation } from '@aws-sdk/client-ec2';
import { sumReservations } from '../aws/capacity-reservations.ts';
import { type CapacityErrorCode, launchTryingTypes } from '../aws/launch-fallback.ts';
import type { OpenReservation } from '../core/mix/problem.ts';
import { QUARANTINE_TAG, quarantineTagValue } from '../aws/quarantine-tag.ts';
import { ResourceNotFoundError } from '../ports/errors.ts';
import type { Clock, ComputeInstance, ComputePort, LaunchRequest, LaunchResult, ReservationQuery, RestoredVolume } from '../ports/index.ts';
import type { AttachableKind } from './attachments.ts';
import { AwsApiError } from './aws-error.ts';
import { IdSequence } from './ids.ts';
import { MEMORY_IMAGE } from './images.ts';
import { type Instance, InstanceTable } from './instances.ts';
import { Ec2Resources } from './resources.ts';
import {
  type ElasticIpDetails,
  type InstanceDetails,
  type NetworkInterfaceDetails,
  type VolumeDetails,
  elasticIpDetails,
  instanceDetails,
  networkInterfaceDetails,
  volumeDetails,
} from './details.ts';
import { Timeline } from './timeline.ts';

export interface MemoryComputeOptions {
  readonly clock: Clock;
  /** The account's subnets and their zones. */
  readonly subnets: readonly SubnetPlacement[];
  /** From launch or start until running (EC2: tens of seconds). Default 0: running at the next call. */
  readonly bootMs?: number;
  /** From start (StartInstances) until running: a stopped instance's boot, shorter than a launch's. Default bootMs. */
  readonly startMs?: number;
  /** From running until the status checks pass; health is `unknown` until then. Default 0. */
  readonly statusChecksMs?: number;
  /** From stopping to stopped. Default 0. */
  readonly stopMs?: number;
  /** From shutting-down to terminated. Default 0. */
  readonly terminateMs?: number;
  /** How long a terminated instance is still described, as EC2 does for about an hour. */
  readonly terminatedVisibleMs?: number;
  /** The least a billed period is billed (EC2's per-second billing: 60). */
  readonly minimumBilledSeconds?: number;
  /** The IAM policy: acting on anything whose fleet tag is not one of these is refused. Absent: no check. */
  readonly authorizedFleets?: readonly string[];
  /** The IAM policy's owner condition: launching without this owner tag, or acting on an instance without it, is refused. Absent: no check. */
  readonly authorizedOwner?: string;
  /** The IAM policy beyond 100 fleets: moving an Elastic IP, interface or volume without the authorizedOwner tag is refused too. */
  readonly identityByOwnerTag?: boolean;
}

/** An instance as a test wants it to have been there before the test. */
export interface InstanceSeed {
  readonly subnetId: string;
  /** Its fleet tag; absent: an instance of no fleet (someone else's). */
  readonly fleet?: string;
  readonly instanceId?: string;
  /** Default m7g.large. */
  readonly instanceType?: string;
  /** Default running (its status checks passed). */
  readonly state?: 'pending' | 'running' | 'stopped';
  /** Default now. */
  readonly launchTimeMs?: number;
  readonly commandId?: string;
  /** Its fleetward:owner tag: the deployment that launched it; absent: none did. */
  readonly owner?: string;
  readonly protected?: boolean;
  /** Default the memory launch template's image. */
  readonly imageId?: string;
  /** A Spot instance; absent: on-demand. */
  readonly market?: 'spot';
  readonly tags?: Readonly<Record<string, string>>;
  /** How many of each identity resource to attach, carrying the fleet's tag: interfaces at device index 1 up, volumes at /dev/sdf up. */
  readonly identity?: { readonly elasticIps?: number; readonly networkInterfaces?: number; readonly volumes?: number };
  /** The fleetward:owner tag the seeded identity resources carry; absent: none. */
  readonly identityOwner?: string;
}

/** Where a seeded interface (deviceIndex) or volume (device) is attached. */
export type SeedAttachment<Key extends string, Slot> = { readonly instanceId: string; readonly deleteOnTermination?: boolean } & { readonly [K in Key]: Slot };

/** How an instance fails when a test says so. */
export type InstanceFailure = 'impaired' | 'stopped' | 'terminated';

const HOUR_MS = 3_600_000;

export class MemoryCompute implements ComputePort {
  private readonly clock: Clock;
  private readonly timeline: Timeline;
  private readonly ids = new IdSequence();
  private readonly table: InstanceTable;
  private readonly resources: Ec2Resources;
  private readonly subnetZones: ReadonlyMap<string, string>;
  /** Types without capacity, by "type" or "type zone". */
  private readonly shortages = new Map<string, CapacityErrorCode>();
  private readonly reservations: CapacityReservation[] = [];
  private readonly delays: { readonly boot: number; readonly start: number; readonly statusChecks: number; readonly stop: number; readonly terminate: number; readonly visible: number };
  private readonly authorized: ReadonlySet<string> | undefined;
  private readonly authorizedOwner: string | undefined;
  private readonly identityByOwnerTag: boolean;

  constructor(options: MemoryComputeOptions) {
    this.clock = options.clock;
    this.timeline = new Timeline(options.clock);
    this.subnetZones = new Map(options.subnets.map((s) => [s.subnetId, s.availabilityZone]));
    this.resources = new Ec2Resources(this.ids, (instanceId) => {
      const instance = this.table.get(instanceId);
      if (instance !== undefined) this.table.touched(instance);
    });
    this.table = new InstanceTable(this.timeline, options.minimumBilledSeconds ?? 60, (id, fleet) => this.resources.identity(id, fleet));
    this.delays = {
      boot: options.bootMs ?? 0,
      start: options.startMs ?? options.bootMs ?? 0,
      statusChecks: options.statusChecksMs ?? 0,
      stop: options.stopMs ?? 0,
      terminate: options.terminateMs ?? 0,
      visible: options.terminatedVisibleMs ?? HOUR_MS,
    };
    this.authorized = options.authorizedFleets === undefined ? undefined : new Set(options.authorizedFleets);
    this.authorizedOwner = options.authorizedOwner;
    this.identityByOwnerTag = options.identityByOwnerTag ?? false;
  }

  // --- The port ---

  async describeFleetInstances(fleet: string): Promise<ComputeInstance[]> {
    this.timeline.catchUp();
    return this.table.fleetView(fleet);
  }

  /** As the EC2 adapter: live instances with a fleet tag, without identity. */
  async describeTaggedInstances(): Promise<ComputeInstance[]> {
    this.timeline.catchUp();
    const tagged = Array.from(this.table.all(), (instance) => this.table.view(instance));
    return tagged.filter((i) => i.fleetTag !== undefined && i.state !== 'terminated' && i.state !== 'shutting-down').map((i) => ({ ...i, identity: NO_IDENTITY }));
  }

  /** As the EC2 adapter: unknown ids are left out, and no identity is read without a fleet. */
  async describeInstances(instanceIds: readonly string[]): Promise<ComputeInstance[]> {
    this.timeline.catchUp();
    return instanceIds.flatMap((id) => {
      const instance = this.table.get(id);
      return instance === undefined ? [] : [{ ...this.table.view(instance), health: 'unknown' as const, identity: NO_IDENTITY }];
    });
  }

  async describeSubnets(subnetIds: readonly string[]): Promise<SubnetPlacement[]> {
    const missing = subnetIds.filter((id) => !this.subnetZones.has(id));
    if (missing.length > 0) throw new ResourceNotFoundError('subnet', `${missing.join(', ')} (not in this account and region)`);
    return subnetIds.map((subnetId) => ({ subnetId, availabilityZone: this.subnetZones.get(subnetId) ?? '' }));
  }

  async launch(request: LaunchRequest): Promise<LaunchResult> {
    this.timeline.catchUp();
    return launchTryingTypes(request, async (instanceType, count) => this.runInstances(request, instanceType, count));
  }

  async terminate(instanceIds: readonly string[]): Promise<void> {
    const instances = this.acting('TerminateInstances', instanceIds);
    for (const instance of instances) if (instance.state !== 'terminated' && instance.state !== 'shutting-down') this.beginTermination(instance);
  }

  async stop(instanceIds: readonly string[], _force: boolean): Promise<void> {
    const instances = this.acting('StopInstances', instanceIds);
    const refused = instances.find((i) => i.state === 'pending' || i.state === 'shutting-down' || i.state === 'terminated');
    if (refused !== undefined) throw incorrectState(refused, 'stopped');
    for (const instance of instances) if (instance.state === 'running') this.beginStop(instance);
  }

  async start(instanceIds: readonly string[]): Promise<void> {
    const instances = this.acting('StartInstances', instanceIds);
    const refused = instances.find((i) => i.state === 'stopping' || i.state === 'shutting-down' || i.state === 'terminated');
    if (refused !== undefined) throw incorrectState(refused, 'started');
    for (const instance of instances) if (instance.state === 'stopped') this.beginStart(instance);
  }

  async describeInstanceTypes(instanceTypes: readonly string[]): Promise<Record<string, TypeSize>> {
    return Object.fromEntries(instanceTypes.map((type) => [type, sizeByName(type)]));
  }

  async describeOpenCapacityReservations(query: ReservationQuery): Promise<OpenReservation[]> {
    return sumReservations(this.reservations, query);
  }

  async modifyInstanceType(instanceId: string, instanceType: string): Promise<void> {
    const instance = this.actingOn('ModifyInstanceAttribute', instanceId);
    if (instance.state !== 'stopped') throw incorrectState(instance, 'modified');
    this.table.change(instance, (i) => {
      i.instanceType = instanceType;
    });
  }

  async associateAddress(allocationId: string, instanceId: string): Promise<void> {
    const target = this.actingOn('AssociateAddress', instanceId);
    const address = this.resources.elasticIp(allocationId);
    this.authorizeIdentity('AssociateAddress', allocationId, address.tags);
    this.resources.associateAddress(address, target);
  }

  async moveNetworkInterface(networkInterfaceId: string, toInstanceId: string, deviceIndex: number): Promise<void> {
    this.move(this.resources.interfaces, 'AttachNetworkInterface', networkInterfaceId, toInstanceId, deviceIndex);
  }

  /** Detaching is immediate in memory, forced or not. */
  async moveVolume(volumeId: string, toInstanceId: string, device: string, _force: boolean): Promise<void> {
    this.move(this.resources.volumes, 'AttachVolume', volumeId, toInstanceId, device);
  }

  async restoreVolume(volumeId: string, toInstanceId: string, availabilityZone: string, device: string, tags: { fleet: string; owner: string }): Promise<RestoredVolume> {
    const target = this.actingOn('AttachVolume', toInstanceId);
    this.authorize('CreateVolume', volumeId, new Map([[FLEET_TAG, tags.fleet]]));
    return this.resources.restoreVolume(volumeId, target, availabilityZone, device, tags);
  }

  async markMaintenance(instanceId: string, reason: string): Promise<void> {
    this.table.change(this.actingOn('CreateTags', instanceId), (i) => i.tags.set(MAINTENANCE_TAG, reason.slice(0, 256)));
  }

  async clearMaintenance(instanceId: string): Promise<void> {
    this.table.change(this.actingOn('DeleteTags', instanceId), (i) => i.tags.delete(MAINTENANCE_TAG));
  }

  async quarantine(instanceId: string, fleet: string, reason: string): Promise<void> {
    await this.stop([instanceId], true);
    this.table.change(this.actingOn('CreateTags', instanceId), (i) => {
      i.tags.set(QUARANTINE_TAG, quarantineTagValue(fleet, reason));
      i.tags.delete(FLEET_TAG);
    });
  }

  // --- Test and simulator helpers (not on the port) ---

  /** Adds an instance as if it had been there before: running unless told otherwise. */
  seedInstance(seed: InstanceSeed): string {
    this.timeline.catchUp();
    const instance = this.create({
      instanceId: seed.instanceId ?? this.ids.next('i'),
      instanceType: seed.instanceType ?? 'm7g.large',
      subnetId: seed.subnetId,
      availabilityZone: this.zoneOf(seed.subnetId),
      state: seed.state ?? 'running',
      launchTimeMs: seed.launchTimeMs ?? this.clock.now(),
      imageId: seed.imageId ?? MEMORY_IMAGE.imageId,
      ...(seed.market === undefined ? {} : { market: seed.market }),
      tags: [
        ...(seed.fleet === undefined ? [] : [[FLEET_TAG, seed.fleet] as const]),
        ...(seed.commandId === undefined ? [] : [[COMMAND_TAG, seed.commandId] as const]),
        ...(seed.owner === undefined ? [] : [[OWNER_TAG, seed.owner] as const]),
        ...(seed.protected === true ? [[PROTECTED_TAG, 'true'] as const] : []),
        ...Object.entries(seed.tags ?? {}),
      ],
    });
    const { instanceId, availabilityZone: zone } = instance;
    const { elasticIps = 0, networkInterfaces = 0, volumes = 0 } = seed.identity ?? {};
    const tagged = { fleet: seed.fleet, owner: seed.identityOwner };
    for (let k = 0; k < elasticIps; k++) this.resources.addElasticIp(tagged, instanceId);
    for (let k = 0; k < networkInterfaces; k++) {
      this.resources.addAttachable(this.resources.interfaces, 'eni', zone, tagged, { instanceId, slot: k + 1, deleteOnTermination: false });
    }
    for (let k = 0; k < volumes; k++) {
      this.resources.addAttachable(this.resources.volumes, 'vol', zone, tagged, { instanceId, slot: dataDevice(k), deleteOnTermination: false });
    }
    return instanceId;
  }

  /** An Elastic IP carrying the fleet's tag (none without a fleet) and the owner's if given, associated if an instance is named. */
  addElasticIp(options: { readonly fleet?: string; readonly owner?: string; readonly instanceId?: string; readonly publicIp?: string } = {}): string {
    if (options.instanceId !== undefined) this.known(options.instanceId);
    return this.resources.addElasticIp(options, options.instanceId, options.publicIp);
  }

  /** A network interface in the subnet's zone, attached if asked. */
  addNetworkInterface(options: { readonly subnetId: string; readonly fleet?: string; readonly attachTo?: SeedAttachment<'deviceIndex', number> }): string {
    const attachment = options.attachTo === undefined ? undefined : this.seedAttachment(options.attachTo.instanceId, options.attachTo.deviceIndex, options.attachTo);
    return this.resources.addAttachable(this.resources.interfaces, 'eni', this.zoneOf(options.subnetId), options, attachment);
  }

  /** A volume in the zone, with the fleet's and the owner's tags if given, attached if asked. */
  addVolume(options: { readonly availabilityZone: string; readonly fleet?: string; readonly owner?: string; readonly attachTo?: SeedAttachment<'device', string> }): string {
    const attachment = options.attachTo === undefined ? undefined : this.seedAttachment(options.attachTo.instanceId, options.attachTo.device, options.attachTo);
    return this.resources.addAttachable(this.resources.volumes, 'vol', options.availabilityZone, options, attachment);
  }

  /** A snapshot of the volume, started at `startMs`; restores use the latest completed one. */
  addSnapshot(volumeId: string, startMs: number, completed = true): string {
    return this.resources.addSnapshot(volumeId, startMs, completed);
  }

  /** Makes an instance fail as it would on its own or by someone else's hand. */
  fail(instanceId: string, how: InstanceFailure): void {
    const instance = this.known(instanceId);
    if (how === 'impaired') this.table.change(instance, (i) => (i.impaired = true));
    else if (how === 'stopped' && instance.state !== 'stopped' && instance.state !== 'stopping') this.beginStop(instance);
    else if (how === 'terminated' && instance.state !== 'terminated' && instance.state !== 'shutting-down') this.beginTermination(instance);
  }

  /** Its status checks pass again. */
  recover(instanceId: string): void {
    this.table.change(this.known(instanceId), (i) => (i.impaired = false));
  }

  protect(instanceId: string, on = true): void {
    this.setTag(instanceId, PROTECTED_TAG, on ? 'true' : undefined);
  }

  /** Someone removed the fleet tag: the instance leaves the fleet. */
  untag(instanceId: string): void {
    this.setTag(instanceId, FLEET_TAG, undefined);
  }

  /** Sets (or, with undefined, removes) any tag, as a third party might. */
  setTag(instanceId: string, key: string, value: string | undefined): void {
    this.table.change(this.known(instanceId), (i) => (value === undefined ? i.tags.delete(key) : i.tags.set(key, value)));
  }

  /** A capacity reservation in the account, as DescribeCapacityReservations would answer it (active, open, Linux/UNIX, default tenancy unless told). */
  addCapacityReservation(reservation: { readonly type: string; readonly zone: string; readonly available: number } & Partial<Pick<CapacityReservation, 'State' | 'InstanceMatchCriteria' | 'InstancePlatform' | 'Tenancy'>>): void {
    const { type, zone, available, ...rest } = reservation;
    this.reservations.push({ InstanceType: type, AvailabilityZone: zone, AvailableInstanceCount: available, State: 'active', InstanceMatchCriteria: 'open', InstancePlatform: 'Linux/UNIX', Tenancy: 'default', ...rest });
  }

  /** EC2 has no capacity for the type (in one zone, or anywhere; with market spot, only for Spot there): launches of it fail with `code`. */
  removeCapacity(instanceType: string, zone?: string, code: CapacityErrorCode = 'InsufficientInstanceCapacity', market?: 'spot'): void {
    this.shortages.set(zone === undefined ? instanceType : `${instanceType} ${zone}${market === undefined ? '' : ` ${market}`}`, code);
  }

  restoreCapacity(instanceType: string, zone?: string): void {
    this.shortages.delete(zone === undefined ? instanceType : `${instanceType} ${zone}`);
  }

  /** Everything EC2 knows of one instance, with its tags; undefined once it is no longer described. */
  instance(instanceId: string): InstanceDetails | undefined {
    this.timeline.catchUp();
    const instance = this.table.get(instanceId);
    return instance === undefined ? undefined : instanceDetails(this.table.view(instance), instance);
  }

  /** Every instance still described, of any fleet or none. */
  instances(): InstanceDetails[] {
    this.timeline.catchUp();
    return Array.from(this.table.all(), (instance) => instanceDetails(this.table.view(instance), instance));
  }

  elasticIp(allocationId: string): ElasticIpDetails | undefined {
    this.timeline.catchUp();
    const address = this.resources.elasticIps.get(allocationId);
    return address === undefined ? undefined : elasticIpDetails(address);
  }

  networkInterface(networkInterfaceId: string): NetworkInterfaceDetails | undefined {
    this.timeline.catchUp();
    const eni = this.resources.interfaces.find(networkInterfaceId);
    return eni === undefined ? undefined : networkInterfaceDetails(eni);
  }

  /** Every volume there is, attached or not (restores create more). */
  volumes(): VolumeDetails[] {
    this.timeline.catchUp();
    return Array.from(this.resources.volumes.list(), volumeDetails);
  }

  /** Instances pending or running: the ones billed. */
  get aliveCount(): number {
    this.timeline.catchUp();
    return this.table.billing.open;
  }

  /** Instances stopped: not billed, their volumes are. */
  get stoppedCount(): number {
    this.timeline.catchUp();
    return this.table.stoppedCount;
  }

  /** Instances running with their status checks not failed. */
  get servingCount(): number {
    this.timeline.catchUp();
    return this.table.servingCount;
  }

  /** Instance-seconds billed so far, the minimum of every ended period included. */
  get billedSeconds(): number {
    this.timeline.catchUp();
    return this.table.billing.billedSeconds(this.clock.now());
  }

  /** Instances running with their status checks not failed, by type. */
  get servingByType(): ReadonlyMap<string, number> {
    this.timeline.catchUp();
    return this.table.servingByType;
  }

  /** Of each kind ("m7g.large spot", "m7g.large on-demand") ever alive: instances billed now and seconds billed beyond their lifetime by the minimum. */
  billingByKind(): Map<string, { readonly alive: number; readonly minimumChargeSeconds: number }> {
    this.timeline.catchUp();
    return new Map(Array.from(this.table.billingByKind, ([kind, billed]) => [kind, { alive: billed.open, minimumChargeSeconds: billed.minimumChargeSeconds }]));
  }

  /** Seconds billed beyond their lifetime to periods shorter than the minimum, so far. */
  get minimumChargeSeconds(): number {
    this.timeline.catchUp();
    return this.table.billing.minimumChargeSeconds;
  }

  // --- EC2's transitions ---

  private runInstances({ fleet, command, owner }: LaunchRequest, instanceType: string, count: number): string[] {
    this.authorize('RunInstances', command.id, new Map([[FLEET_TAG, fleet.name]]));
    this.authorizeOwner('RunInstances', command.id, owner);
    const availabilityZone = this.subnetZones.get(command.subnetId);
    if (availabilityZone === undefined) throw new AwsApiError('InvalidSubnetID.NotFound', `The subnet ID '${command.subnetId}' does not exist`);
    const shortage = this.shortages.get(instanceType) ?? this.shortages.get(`${instanceType} ${availabilityZone}`) ?? (command.market === 'spot' ? this.shortages.get(`${instanceType} ${availabilityZone} spot`) : undefined);
    if (shortage !== undefined) throw new AwsApiError(shortage, `There is not enough ${instanceType} capacity in ${availabilityZone}.`);
    const tags: Array<readonly [string, string]> = [[FLEET_TAG, fleet.name], [COMMAND_TAG, command.id], [OWNER_TAG, owner], ...Object.entries(fleet.tags)];
    const launchTimeMs = this.clock.now();
    return Array.from({ length: count }, () => {
      const instanceId = this.ids.next('i');
      const market = command.market === undefined ? {} : { market: command.market };
      this.create({ instanceId, instanceType, subnetId: command.subnetId, availabilityZone, state: 'pending', launchTimeMs, imageId: command.imageId ?? MEMORY_IMAGE.imageId, ...market, tags });
      return instanceId;
    });
  }

  private create(fields: Pick<Instance, 'instanceId' | 'instanceType' | 'subnetId' | 'availabilityZone' | 'state' | 'launchTimeMs' | 'imageId' | 'market'> & {
    readonly tags: Iterable<readonly [string, string]>;
  }): Instance {
    const instance: Instance = {
      ...fields,
      tags: new Map(fields.tags),
      impaired: false,
      statusChecked: fields.state === 'running',
      billedSinceMs: fields.launchTimeMs,
      generation: 0,
    };
    this.table.add(instance);
    if (instance.state === 'pending') this.boot(instance);
    return instance;
  }

  private boot(instance: Instance, delayMs = this.delays.boot): void {
    const checksPass = (i: Instance) => (i.statusChecked = true);
    const running = (i: Instance) => {
      i.state = 'running';
      i.statusChecked = this.delays.statusChecks === 0;
    };
    this.later(instance, delayMs, running, () => {
      if (!instance.statusChecked) this.later(instance, this.delays.statusChecks, checksPass);
    });
  }

  private beginStart(instance: Instance): void {
    this.table.change(instance, (i) => {
      i.state = 'pending';
      i.launchTimeMs = this.clock.now();
    });
    this.boot(instance, this.delays.start);
  }

  private beginStop(instance: Instance): void {
    this.table.change(instance, (i) => {
      i.state = 'stopping';
      i.statusChecked = false;
    });
    this.later(instance, this.delays.stop, (i) => (i.state = 'stopped'));
  }

  private beginTermination(instance: Instance): void {
    this.table.change(instance, (i) => {
      i.state = 'shutting-down';
      i.statusChecked = false;
    });
    const terminated = (i: Instance) => {
      i.state = 'terminated';
      i.terminatedAtMs = this.timeline.now();
      this.resources.release(i.instanceId);
    };
    this.later(instance, this.delays.terminate, terminated, () => this.timeline.after(this.delays.visible, () => this.table.remove(instance)));
  }

  /** Applies a change after a delay, unless the instance changed state meanwhile; then `next`. */
  private later(instance: Instance, delayMs: number, apply: (instance: Instance) => void, next?: () => void): void {
    const generation = instance.generation;
    this.timeline.after(delayMs, () => {
      if (instance.generation !== generation || !this.table.has(instance)) return;
      this.table.change(instance, apply);
      next?.();
    });
  }

  /** Detaches the resource if attached elsewhere, then attaches it, as the EC2 adapter's two calls do. */
  private move<Slot>(kind: AttachableKind<Slot>, action: string, resourceId: string, toInstanceId: string, slot: Slot): void {
    const target = this.actingOn(action, toInstanceId);
    const resource = kind.get(resourceId);
    this.authorizeIdentity(action, resource.id, resource.tags);
    if (resource.attachment?.instanceId === toInstanceId) return;
    kind.detach(resource);
    kind.attach(resource, target, slot);
  }

  private seedAttachment<Slot>(instanceId: string, slot: Slot, options: { readonly deleteOnTermination?: boolean }) {
    this.known(instanceId);
    return { instanceId, slot, deleteOnTermination: options.deleteOnTermination ?? false };
  }

  /** The instances a call names, all known and allowed, or the call fails as EC2's would, acting on none. */
  private acting(action: string, instanceIds: readonly string[]): Instance[] {
    this.timeline.catchUp();
    const instances = instanceIds.map((id) => this.known(id));
    for (const instance of instances) {
      this.authorize(action, instance.instanceId, instance.tags);
      this.authorizeOwner(action, instance.instanceId, instance.tags.get(OWNER_TAG));
    }
    return instances;
  }

  private actingOn(action: string, instanceId: string): Instance {
    const [instance] = this.acting(action, [instanceId]);
    if (instance === undefined) throw notFound(instanceId);
    return instance;
  }

  private known(instanceId: string): Instance {
    const instance = this.table.get(instanceId);
    if (instance === undefined) throw notFound(instanceId);
    return instance;
  }

  private authorize(action: string, resourceId: string, tags: ReadonlyMap<string, string> | undefined): void {
    if (this.authorized === undefined || this.authorized.has(tags?.get(FLEET_TAG) ?? '')) return;
    throw new AwsApiError('UnauthorizedOperation', `You are not authorized to perform ${action} on ${resourceId}: it does not carry a fleet tag this role may act on.`);
  }

  /** An identity resource: its fleet tag, and beyond 100 fleets this deployment's owner tag. */
  private authorizeIdentity(action: string, resourceId: string, tags: ReadonlyMap<string, string>): void {
    this.authorize(action, resourceId, tags);
    if (this.identityByOwnerTag) this.authorizeOwner(action, resourceId, tags.get(OWNER_TAG));
  }

  private authorizeOwner(action: string, resourceId: string, owner: string | undefined): void {
    if (this.authorizedOwner === undefined || owner === this.authorizedOwner) return;
    throw new AwsApiError('UnauthorizedOperation', `You are not authorized to perform ${action} on ${resourceId}: it does not carry the fleetward:owner tag this role may act on.`);
  }

  private zoneOf(subnetId: string): string {
    const zone = this.subnetZones.get(subnetId);
    if (zone === undefined) throw new ResourceNotFoundError('subnet', subnetId);
    return zone;
  }
}

/** The device name of the k-th data volume: /dev/sdf, /dev/sdg, … */
const dataDevice = (k: number) => `/dev/sd${String.fromCharCode('f'.charCodeAt(0) + k)}`;

/** Memory per vCPU by family letter: c compute, r and x memory optimised, the rest general purpose. */
const MIB_PER_VCPU: Readonly<Record<string, number>> = { c: 2048, r: 8192, x: 16_384 };
const SMALL_SIZES: Readonly<Record<string, number>> = { nano: 1, micro: 1, small: 1, medium: 1, large: 2, xlarge: 4 };

/** A rule of thumb in place of DescribeInstanceTypes: vCPUs from the size (large 2, 4xlarge 16), memory from the family. */
function sizeByName(instanceType: string): TypeSize {
  const [family = '', size = ''] = instanceType.split('.');
  const times = /^(\d+)xlarge$/.exec(size);
  const vcpus = times === null ? (SMALL_SIZES[size] ?? 2) : 4 * Number(times[1]);
  return { vcpus, memoryMiB: vcpus * (MIB_PER_VCPU[family.charAt(0)] ?? 4096) };
}

const notFound = (instanceId: string) => new AwsApiError('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);

const incorrectState = (instance: Instance, verb: string) =>
  new AwsApiError('IncorrectInstanceState', `The instance '${instance.instanceId}' is not in a state from which it can be ${verb}.`);
