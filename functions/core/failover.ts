/**
 * High availability decisions: which in-service instances have failed (state, status checks,
 * target health, interruption and maintenance signals, with grace and flap protection), which
 * zones are degraded, and where each replacement goes so that the instance's identity can follow.
 */
import type { FailoverConfig, FleetConfig } from './config.ts';
import type { FailoverPlan, InstanceIdentity, InstanceRecord, InstanceSignal, ObservedInstance } from './model.ts';
import { NO_IDENTITY } from './model.ts';
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
  readonly identity: InstanceIdentity;
  readonly cause: string;
  /** Already terminated or no longer reported: nothing is left to retire. */
  readonly gone: boolean;
  readonly degraded: ReadonlySet<string>;
  readonly subnets: readonly SubnetPlacement[];
  readonly members: readonly Member[];
  readonly nowMs: number;
}

/** Where the replacement goes, and how the identity follows; the reason says both. */
export function planReplacement(input: ReplacementInput): { plan: FailoverPlan; reason: string } {
  const { fleet, identity, degraded } = input;
  const zoneBound = identity.volumes.length > 0 || identity.networkInterfaces.length > 0;
  const own = input.subnets.find((s) => s.subnetId === input.subnetId) ?? {
    subnetId: input.subnetId,
    availabilityZone: input.availabilityZone,
  };
  const healthy = input.subnets.filter((s) => !degraded.has(s.availabilityZone));
  const ownZoneDegraded = degraded.has(own.availabilityZone);
  let subnet: SubnetPlacement = own;
  let restoreVolumes = false;
  let where: string;
  if (zoneBound && !ownZoneDegraded) {
    where = `in its own zone ${own.availabilityZone}, where its volumes and interfaces are`;
  } else if (zoneBound && fleet.failover.crossAzRestore && healthy.length > 0) {
    subnet = spreadLaunches(1, healthy, input.members)[0]?.subnet ?? own;
    restoreVolumes = identity.volumes.length > 0;
    const lost = identity.networkInterfaces.length > 0 ? '; its secondary interfaces cannot leave their subnet and stay behind' : '';
    where = `in ${subnet.availabilityZone} because ${own.availabilityZone} is degraded; data volumes are restored there from their latest snapshot, and data written since that snapshot is at risk${lost}`;
  } else if (zoneBound) {
    where = `in its own zone ${own.availabilityZone} although it is degraded: its volumes and interfaces cannot leave the zone unless failover.crossAzRestore is set`;
  } else {
    const candidates = healthy.length > 0 ? healthy : input.subnets;
    subnet = spreadLaunches(1, candidates, input.members)[0]?.subnet ?? own;
    where = `in ${subnet.availabilityZone} to balance zones${ownZoneDegraded ? ` (${own.availabilityZone} is degraded)` : ''}`;
  }
  const retire = fleet.failover.onFailure;
  const plan: FailoverPlan = {
    cause: input.cause,
    subnetId: subnet.subnetId,
    availabilityZone: subnet.availabilityZone,
    instanceType: input.instanceType,
    units: unitsOf(input.instanceType, fleet.instanceTypes),
    identity,
    restoreVolumes,
    retire,
    decidedAtMs: input.nowMs,
  };
  const moves = [
    ...(describeIdentity(identity) === 'nothing to move' ? [] : [describeIdentity(identity)]),
    ...(fleet.targetGroups.length > 0 ? [`its ${fleet.targetGroups.length} target group registration(s)`] : []),
  ];
  const move = moves.length > 0 ? `, move ${moves.join(' and ')}` : '';
  return { plan, reason: `${input.cause}: replace it ${where}${move}${input.gone ? '' : `, then ${retire} it`}` };
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
