/**
 * High availability decisions: which in-service instances have failed (state, status checks,
 * target health, interruption and maintenance signals, with grace and flap protection), which
 * zones are degraded, and where each replacement goes so that the instance's identity can follow.
 */
import type { FailoverConfig, FleetConfig } from './config.ts';
import type { FailoverPlan, InstanceIdentity, InstanceRecord, InstanceSignal, ObservedInstance } from './model.ts';
import { NO_IDENTITY } from './model.ts';
import { carriableIdentity } from './identity-ownership.ts';
import type { FailoverCell } from './mix/failover-cell.ts';
import { type Member, type SubnetPlacement, spreadLaunches, unitsOf } from './placement.ts';

export interface DegradedZone {
  readonly zone: string;
  readonly impaired: number;
  readonly instances: number;
}

/** Failing now: impaired status checks or unhealthy in a target group. */
export const failingNow = (instance: Pick<ObservedInstance, 'health' | 'targetHealth'>) =>
  instance.health === 'impaired' || instance.targetHealth === 'unhealthy';

/** Zones where at least minImpaired instances, and impairedShare of the fleet's there, fail now. */
export function degradedZones(members: readonly Member[], config: FailoverConfig['degradedZone']): DegradedZone[] {
  const zones = [...new Set(members.map((m) => m.availabilityZone))].sort();
  return zones.flatMap((zone) => {
    const here = members.filter((m) => m.availabilityZone === zone);
    const impaired = here.filter(failingNow).length;
    return impaired >= config.minImpaired && impaired / here.length >= config.impairedShare
      ? [{ zone, impaired, instances: here.length }]
      : [];
  });
}

export interface FailureAssessment {
  /** Why it must fail over now, or undefined when it need not. */
  readonly cause?: string;
  /** The count of consecutive failed observations to remember. */
  readonly failedObservations: number;
}

const SIGNAL_CAUSE: Record<InstanceSignal['kind'], string> = {
  'spot-interruption': 'EC2 Spot interruption warning',
  'rebalance-recommendation': 'EC2 rebalance recommendation',
  'scheduled-event': 'AWS Health scheduled event',
  'status-alarm': 'status check alarm in ALARM',
};

/** Decides whether one in-service instance has failed. Pure. */
export function assessFailure(
  config: FailoverConfig,
  record: InstanceRecord,
  instance: ObservedInstance | undefined,
  signals: readonly InstanceSignal[],
  nowMs: number,
): FailureAssessment {
  const previous = record.failedObservations ?? 0;
  if (instance === undefined) return { cause: 'EC2 no longer reports it', failedObservations: previous };
  if (instance.state === 'terminated' || instance.state === 'shutting-down') {
    return { cause: `it is ${instance.state} and fleetward did not ask for it`, failedObservations: previous };
  }
  if (instance.state === 'stopped' || instance.state === 'stopping') {
    return { cause: `it is ${instance.state} and fleetward did not ask for it`, failedObservations: previous };
  }
  const signal = signals.find((s) => s.kind !== 'rebalance-recommendation' || config.rebalanceRecommendation === 'replace');
  if (signal !== undefined) return { cause: `${SIGNAL_CAUSE[signal.kind]}: ${signal.detail}`, failedObservations: previous };

  const inGrace = record.launchedAtMs + config.gracePeriodSeconds * 1000 > nowMs;
  if (inGrace || !failingNow(instance)) return { failedObservations: 0 };
  const failedObservations = previous + 1;
  if (failedObservations < config.unhealthyThreshold) return { failedObservations };
  const what =
    instance.health === 'impaired' && instance.targetHealth === 'unhealthy'
      ? 'its status checks are impaired and its targets unhealthy'
      : instance.health === 'impaired'
        ? 'its status checks are impaired'
        : 'it is unhealthy in its target groups';
  return { cause: `${what} on ${failedObservations} consecutive observations`, failedObservations };
}

export function describeIdentity(identity: InstanceIdentity): string {
  const parts = [
    ...identity.elasticIps.map((e) => `Elastic IP ${e.publicIp} (${e.allocationId})`),
    ...identity.networkInterfaces.map((n) => `${n.networkInterfaceId} at device index ${n.deviceIndex}`),
    ...identity.volumes.map((v) => `${v.volumeId} at ${v.device}`),
  ];
  return parts.length === 0 ? 'nothing to move' : parts.join(', ');
}

export interface ReplacementInput {
  readonly fleet: FleetConfig;
  readonly instanceId: string;
  readonly subnetId: string;
  readonly availabilityZone: string;
  readonly instanceType: string;
  /** Everything it carries that may be identity; what the failover may move of it is decided here. */
  readonly identity: InstanceIdentity;
  /** This deployment's owner tag value. */
  readonly owner: string;
  /** How many fleets this deployment configures (beyond 100, identity must carry the owner tag to move). */
  readonly deploymentFleets: number;
  readonly cause: string;
  /** Already terminated or no longer reported: nothing is left to retire. */
  readonly gone: boolean;
  readonly degraded: ReadonlySet<string>;
  readonly subnets: readonly SubnetPlacement[];
  readonly members: readonly Member[];
  readonly nowMs: number;
  /** The fleet's mix chose the replacement's cell (a fleet with a mix; not for an instance bound to its zone). */
  readonly mixCell?: FailoverCell;
}

interface Placement {
  readonly subnet: SubnetPlacement;
  readonly where: string;
  readonly restoreVolumes?: boolean;
  /** The mix cell it launches into, which gives its type and market. */
  readonly cell?: FailoverCell['cell'];
}

/** An instance bound to its zone by volumes or interfaces: its own zone, unless degraded and crossAzRestore allows another. */
function zoneBoundPlacement(input: ReplacementInput, identity: InstanceIdentity, own: SubnetPlacement, healthy: readonly SubnetPlacement[]): Placement {
  if (!input.degraded.has(own.availabilityZone)) return { subnet: own, where: `in its own zone ${own.availabilityZone}, where its volumes and interfaces are` };
  if (!input.fleet.failover.crossAzRestore || healthy.length === 0) {
    return { subnet: own, where: `in its own zone ${own.availabilityZone} although it is degraded: its volumes and interfaces cannot leave the zone unless failover.crossAzRestore is set` };
  }
  const subnet = spreadLaunches(1, healthy, input.members)[0]?.subnet ?? own;
  const lost = identity.networkInterfaces.length > 0 ? '; its secondary interfaces cannot leave their subnet and stay behind' : '';
  const where = `in ${subnet.availabilityZone} because ${own.availabilityZone} is degraded; data volumes are restored there from their latest snapshot, and data written since that snapshot is at risk${lost}`;
  return { subnet, where, restoreVolumes: identity.volumes.length > 0 };
}

/** A free instance: into the mix's cell when the fleet has a mix that chose one, else the zone that balances the fleet. */
function freePlacement(input: ReplacementInput, own: SubnetPlacement, healthy: readonly SubnetPlacement[]): Placement {
  const chosen = input.mixCell;
  const inCell = chosen === undefined ? undefined : spreadLaunches(1, input.subnets.filter((s) => s.availabilityZone === chosen.cell.zone), input.members)[0]?.subnet;
  if (chosen !== undefined && inCell !== undefined) return { subnet: inCell, where: `in ${inCell.availabilityZone} ${chosen.why}`, cell: chosen.cell };
  const subnet = spreadLaunches(1, healthy.length > 0 ? healthy : input.subnets, input.members)[0]?.subnet ?? own;
  return { subnet, where: `in ${subnet.availabilityZone} to balance zones${input.degraded.has(own.availabilityZone) ? ` (${own.availabilityZone} is degraded)` : ''}` };
}

/** Where the replacement goes, and how the identity follows (what it may carry of it); the reason says all of it. */
export function planReplacement(input: ReplacementInput): { plan: FailoverPlan; reason: string } {
  const { fleet } = input;
  const { carried: identity, leftInPlace } = carriableIdentity(input.identity, { fleet: fleet.name, owner: input.owner, deploymentFleets: input.deploymentFleets });
  // What stays in place binds it too: tagged later, the operator can still attach it to the replacement.
  const zoneBound = input.identity.volumes.length > 0 || input.identity.networkInterfaces.length > 0;
  const own = input.subnets.find((s) => s.subnetId === input.subnetId) ?? { subnetId: input.subnetId, availabilityZone: input.availabilityZone };
  const healthy = input.subnets.filter((s) => !input.degraded.has(s.availabilityZone));
  const { subnet, where, restoreVolumes, cell } = zoneBound ? zoneBoundPlacement(input, identity, own, healthy) : freePlacement(input, own, healthy);
  const retire = fleet.failover.onFailure;
  const instanceType = cell?.type ?? input.instanceType;
  const plan: FailoverPlan = {
    cause: input.cause,
    subnetId: subnet.subnetId,
    availabilityZone: subnet.availabilityZone,
    instanceType,
    ...(cell?.market === 'spot' ? { market: 'spot' as const } : {}),
    units: cell?.weight ?? unitsOf(instanceType, fleet.instanceTypes),
    identity,
    ...(leftInPlace.length > 0 ? { leftInPlace } : {}),
    restoreVolumes: restoreVolumes ?? false,
    retire,
    decidedAtMs: input.nowMs,
  };
  const moves = [
    ...(describeIdentity(identity) === 'nothing to move' ? [] : [describeIdentity(identity)]),
    ...(fleet.targetGroups.length > 0 ? [`its ${fleet.targetGroups.length} target group registration(s)`] : []),
  ];
  const move = moves.length > 0 ? `, move ${moves.join(' and ')}` : '';
  const left = leftInPlace.length > 0 ? `; left in place: ${leftInPlace.join('; ')}` : '';
  return { plan, reason: `${input.cause}: replace it ${where}${move}${input.gone ? '' : `, then ${retire} it`}${left}` };
}

/** Its identity now; once it is terminated or gone, what was last seen of it (associations end). */
export const identityOf = (record: InstanceRecord | undefined, instance: ObservedInstance | undefined): InstanceIdentity =>
  instance !== undefined && instance.state !== 'terminated' && instance.state !== 'shutting-down'
    ? instance.identity
    : (record?.identity ?? NO_IDENTITY);

/** Whether two lists hold the same entries in the same order, field by field. */
function sameEntries<T extends object>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const entry = a[i] as Record<string, unknown>;
    const other = b[i] as Record<string, unknown>;
    const keys = Object.keys(entry);
    if (keys.length !== Object.keys(other).length || keys.some((key) => entry[key] !== other[key])) return false;
  }
  return true;
}

export const sameIdentity = (a: InstanceIdentity | undefined, b: InstanceIdentity) => {
  const known = a ?? NO_IDENTITY;
  return sameEntries(known.elasticIps, b.elasticIps) && sameEntries(known.networkInterfaces, b.networkInterfaces) && sameEntries(known.volumes, b.volumes);
};
