/**
 * The in-memory EC2's instances, by id and by fleet tag. Every change goes through `change`,
 * which keeps the counts of live and serving instances (by type too) and their billed time (by
 * type and market too), and drops the cached immutable view of the instance and its fleet's
 * list: describing an unchanged fleet copies one array, and a change rebuilds only the view of
 * what changed.
 */
import type { Ec2State, InstanceHealth, InstanceIdentity } from '../core/model.ts';
import { COMMAND_TAG, DO_NOT_DISRUPT_TAG, FLEET_TAG, MAINTENANCE_TAG, OWNER_TAG, PROTECTED_TAG } from '../core/tags.ts';
import type { Clock, ComputeInstance } from '../ports/index.ts';
import { BilledTime } from './billing.ts';
import { Groups } from './groups.ts';

export interface Instance {
  readonly instanceId: string;
  /** Changed only while stopped (ModifyInstanceAttribute). */
  instanceType: string;
  readonly subnetId: string;
  readonly availabilityZone: string;
  readonly tags: Map<string, string>;
  /** The image it runs (RunInstances' ImageId, else the memory launch template's). */
  readonly imageId?: string;
  /** Launched as Spot (InstanceMarketOptions). */
  readonly market?: 'spot';
  state: Ec2State;
  /** Failed status checks (a test's doing). */
  impaired: boolean;
  /** Status checks have passed since it last started running. */
  statusChecked: boolean;
  /** EC2's LaunchTime: the last launch or start. */
  launchTimeMs: number;
  /** The start of the billed period under way, while it is alive. */
  billedSinceMs: number;
  terminatedAtMs?: number;
  /** Counts changes of state: a change scheduled from one state does not apply in another. */
  generation: number;
  view?: ComputeInstance;
}

const isAlive = (i: Instance) => i.state === 'pending' || i.state === 'running';
const isServing = (i: Instance) => i.state === 'running' && !i.impaired;
const isStopped = (i: Instance) => i.state === 'stopped';

/** An instance's kind for billing: its type and market, "m7g.large spot" or "m7g.large on-demand". */
export const instanceKind = (i: Pick<Instance, 'instanceType' | 'market'>) => `${i.instanceType} ${i.market ?? 'on-demand'}`;

/** As the EC2 adapter reads DescribeInstanceStatus: only a running instance has status checks. */
function healthOf(i: Instance): InstanceHealth {
  if (i.state !== 'running') return 'unknown';
  if (i.impaired) return 'impaired';
  return i.statusChecked ? 'ok' : 'unknown';
}

export class InstanceTable {
  private readonly byId = new Map<string, Instance>();
  private readonly byFleet = new Groups<Instance>();
  private readonly fleetViews = new Map<string, readonly ComputeInstance[]>();
  private serving = 0;
  private stopped = 0;
  private readonly servingTypes = new Map<string, number>();
  private readonly kindBilling = new Map<string, BilledTime>();
  readonly billing: BilledTime;

  constructor(
    private readonly clock: Clock,
    minimumBilledSeconds: number,
    private readonly identity: (instanceId: string, fleet: string | undefined) => InstanceIdentity,
  ) {
    this.billing = new BilledTime(minimumBilledSeconds);
  }

  get servingCount(): number {
    return this.serving;
  }

  /** Instances stopped: not billed, their volumes are. */
  get stoppedCount(): number {
    return this.stopped;
  }

  /** Instances serving, by type. */
  get servingByType(): ReadonlyMap<string, number> {
    return this.servingTypes;
  }

  /** The billed time of each kind (type and market) that was ever alive. */
  get billingByKind(): ReadonlyMap<string, BilledTime> {
    return this.kindBilling;
  }

  get(instanceId: string): Instance | undefined {
    return this.byId.get(instanceId);
  }

  all(): IterableIterator<Instance> {
    return this.byId.values();
  }

  has(instance: Instance): boolean {
    return this.byId.get(instance.instanceId) === instance;
  }

  add(instance: Instance): void {
    this.byId.set(instance.instanceId, instance);
    this.join(instance, instance.tags.get(FLEET_TAG));
    if (isAlive(instance)) this.startBilling(instance, instance.billedSinceMs);
    if (isServing(instance)) this.countServing(instance, 1);
    if (isStopped(instance)) this.stopped += 1;
  }

  /** Forgets an instance that is no longer billed (EC2 stops describing terminated ones). */
  remove(instance: Instance): void {
    this.byId.delete(instance.instanceId);
    this.leave(instance, instance.tags.get(FLEET_TAG));
  }

  /** The only way an instance changes: counts, billing, fleet membership and views follow. */
  change(instance: Instance, mutate: (instance: Instance) => void): void {
    const [state, alive, serving, stopped, fleet] = [instance.state, isAlive(instance), isServing(instance), isStopped(instance), instance.tags.get(FLEET_TAG)];
    if (serving) this.countServing(instance, -1);
    mutate(instance);
    const nowMs = this.clock.now();
    if (instance.state !== state) instance.generation += 1;
    if (alive && !isAlive(instance)) {
      this.billing.end(instance.billedSinceMs, nowMs);
      this.kindBilling.get(instanceKind(instance))?.end(instance.billedSinceMs, nowMs);
    }
    if (!alive && isAlive(instance)) {
      instance.billedSinceMs = nowMs;
      this.startBilling(instance, nowMs);
    }
    if (isServing(instance)) this.countServing(instance, 1);
    this.stopped += Number(isStopped(instance)) - Number(stopped);
    const nextFleet = instance.tags.get(FLEET_TAG);
    if (nextFleet !== fleet) {
      this.leave(instance, fleet);
      this.join(instance, nextFleet);
    }
    this.touched(instance);
  }

  /** Something the view shows (its identity) changed outside the instance itself. */
  touched(instance: Instance): void {
    instance.view = undefined;
    const fleet = instance.tags.get(FLEET_TAG);
    if (fleet !== undefined) this.fleetViews.delete(fleet);
  }

  /** Every instance carrying the fleet's tag, in any state; a fresh array of shared views. */
  fleetView(fleet: string): ComputeInstance[] {
    let views = this.fleetViews.get(fleet);
    if (views === undefined) {
      views = Array.from(this.byFleet.of(fleet) ?? [], (instance) => this.view(instance));
      this.fleetViews.set(fleet, views);
    }
    return views.slice();
  }

  view(instance: Instance): ComputeInstance {
    instance.view ??= this.build(instance);
    return instance.view;
  }

  private build(instance: Instance): ComputeInstance {
    const fleetTag = instance.tags.get(FLEET_TAG);
    const commandId = instance.tags.get(COMMAND_TAG);
    const owner = instance.tags.get(OWNER_TAG);
    return Object.freeze({
      instanceId: instance.instanceId,
      state: instance.state,
      health: healthOf(instance),
      instanceType: instance.instanceType,
      subnetId: instance.subnetId,
      availabilityZone: instance.availabilityZone,
      launchTimeMs: instance.launchTimeMs,
      protected: instance.tags.get(PROTECTED_TAG) === 'true',
      identity: this.identity(instance.instanceId, fleetTag),
      ...(instance.imageId === undefined ? {} : { imageId: instance.imageId }),
      ...(instance.market === undefined ? {} : { market: instance.market }),
      ...(commandId === undefined ? {} : { commandId }),
      ...(owner === undefined ? {} : { owner }),
      ...(instance.tags.has(MAINTENANCE_TAG) ? { maintenance: true } : {}),
      ...(instance.tags.get(DO_NOT_DISRUPT_TAG) === 'true' ? { doNotDisrupt: true } : {}),
      ...(fleetTag === undefined ? {} : { fleetTag }),
    });
  }

  private startBilling(instance: Instance, sinceMs: number): void {
    this.billing.start(sinceMs);
    const kind = instanceKind(instance);
    let billed = this.kindBilling.get(kind);
    if (billed === undefined) {
      billed = new BilledTime(this.billing.minimumSeconds);
      this.kindBilling.set(kind, billed);
    }
    billed.start(sinceMs);
  }

  private countServing(instance: Instance, change: 1 | -1): void {
    this.serving += change;
    this.servingTypes.set(instance.instanceType, (this.servingTypes.get(instance.instanceType) ?? 0) + change);
  }

  private join(instance: Instance, fleet: string | undefined): void {
    if (fleet === undefined) return;
    this.byFleet.add(fleet, instance);
    this.fleetViews.delete(fleet);
  }

  private leave(instance: Instance, fleet: string | undefined): void {
    if (fleet === undefined) return;
    this.byFleet.delete(fleet, instance);
    this.fleetViews.delete(fleet);
  }
}
