/**
 * Phase two: reconcile fleetward's records with what EC2 reports. A live instance of this
 * deployment's that carries the fleet tag but has no record is adopted (in maintenance when its
 * maintenance tag says so, in the warm pool when a pool launch made it and it is stopped); the record of an instance EC2 no longer runs is forgotten (unless
 * failover or a drain still has to deal with it). The in-service instances, adopted ones
 * included, are the candidates every later phase works on.
 */
import { isPoolLaunch, stepCommandId } from '../command-ids.ts';
import type { Command, InstanceRecord, ObservedInstance } from '../model.ts';
import { type Member, unitsOf } from '../placement.ts';
import { MAINTENANCE_TAG } from '../tags.ts';
import { ALIVE, type StepContext, byInstanceId, isGone } from './context.ts';
import { launchedBy } from './ownership.ts';

export interface Reconciliation {
  readonly forgets: readonly Command[];
  readonly adoptions: readonly Command[];
  /** Alive instances in service (or adopted now), failing ones included. */
  readonly candidates: readonly Member[];
}

/** An observed instance as a fleet member: its weight, and its warm-up from fleetward's own clock. */
function memberOf(context: StepContext, instance: ObservedInstance, record: InstanceRecord | undefined): Member {
  // Field by field: this runs for every instance on every step, and V8 copies a spread slowly.
  return {
    instanceId: instance.instanceId,
    state: instance.state,
    health: instance.health,
    instanceType: instance.instanceType,
    subnetId: instance.subnetId,
    availabilityZone: instance.availabilityZone,
    launchTimeMs: instance.launchTimeMs,
    protected: instance.protected,
    commandId: instance.commandId,
    owner: instance.owner,
    maintenance: instance.maintenance,
    doNotDisrupt: instance.doNotDisrupt,
    imageId: instance.imageId,
    market: instance.market,
    targetHealth: instance.targetHealth,
    identity: instance.identity,
    units: unitsOf(instance.instanceType, context.fleet.instanceTypes),
    launchedAtMs: record?.launchedAtMs ?? instance.launchTimeMs,
  };
}

/** Records another phase looks after even when their instance is gone: failovers, drains, health. */
function handledElsewhere(context: StepContext, record: InstanceRecord): boolean {
  if (record.lifecycle === 'failing-over' && record.failover !== undefined) return true;
  if (record.lifecycle === 'draining' || record.lifecycle === 'returning') return true;
  return record.lifecycle === 'in-service' && context.fleet.failover.enabled;
}

function forgets(context: StepContext, records: readonly InstanceRecord[]): Command[] {
  const commands: Command[] = [];
  for (const record of records) {
    if (handledElsewhere(context, record)) continue;
    const instance = context.observedById.get(record.instanceId);
    if (!isGone(instance)) continue;
    const reason = instance === undefined ? 'EC2 no longer reports the instance' : 'the instance is terminated';
    commands.push({ kind: 'forget', id: stepCommandId(context.fleet.name, context.step, 'forget', record.instanceId), instanceId: record.instanceId, reason });
  }
  return commands;
}

/** A stopped instance a warm pool launch made: a pool member whose record was lost. */
const stoppedPoolMember = (instance: ObservedInstance) => instance.state === 'stopped' && isPoolLaunch(instance.commandId);

/** Why an instance without a record is adopted, and in which lifecycle. */
function adoption(context: StepContext, instance: ObservedInstance): Extract<Command, { kind: 'adopt' }> {
  const lifecycle = instance.maintenance === true ? 'maintenance' : stoppedPoolMember(instance) ? 'pooled' : 'in-service';
  const foreign = launchedBy(context.owner, instance)
    ? ''
    : `; fleetward did not launch it, and adoption.foreign is ${context.fleet.adoption?.foreign ?? 'ignore'}${instance.protected ? ': it is never disrupted' : ''}`;
  const tagged =
    lifecycle === 'maintenance' ? `; its ${MAINTENANCE_TAG} tag says it is in maintenance` : lifecycle === 'pooled' ? '; a warm pool launch made it: a pool member' : '';
  return {
    kind: 'adopt',
    id: stepCommandId(context.fleet.name, context.step, 'adopt', instance.instanceId),
    instanceId: instance.instanceId,
    launchedAtMs: instance.launchTimeMs,
    lifecycle,
    reason: `it carries the fleet tag and is ${instance.state}, but fleetward had no record of it${tagged}${foreign}`,
  };
}

/** Live instances are adopted; a stopped one only when it is in maintenance (stopped there by its drain) or in the warm pool. */
const adoptable = (instance: ObservedInstance) => ALIVE.has(instance.state) || (instance.state === 'stopped' && (instance.maintenance === true || isPoolLaunch(instance.commandId)));

export function reconcile(context: StepContext, records: readonly InstanceRecord[]): Reconciliation {
  const recordById = byInstanceId(records);
  const adoptions: Command[] = [];
  const candidates: Member[] = [];
  for (const instance of context.observed) {
    const record = recordById.get(instance.instanceId);
    if (record === undefined && adoptable(instance)) adoptions.push(adoption(context, instance));
    if (!ALIVE.has(instance.state)) continue;
    const inService = record === undefined ? instance.maintenance !== true : record.lifecycle === 'in-service';
    if (inService) candidates.push(memberOf(context, instance, record));
  }
  return { forgets: forgets(context, records), adoptions, candidates };
}
