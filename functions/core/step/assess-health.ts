/**
 * Phase three: high availability. Which zones are degraded, which in-service instances have
 * failed and must fail over (and where their replacement goes: with a mix, its cell), which failovers decided earlier
 * continue, which instances drain ahead of an AWS Health scheduled event, and which health
 * observations to remember. All of it is involuntary: no disruption budget holds it back.
 */
import { failoverId, stepCommandId } from '../command-ids.ts';
import { assessFailure, degradedZones, identityOf, planReplacement, sameIdentity } from '../failover.ts';
import { type FailoverCell, failoverCell } from '../mix/failover-cell.ts';
import { cellKey } from '../mix/fleet-cells.ts';
import type { Command, InstanceRecord, InstanceSignal, ObservedInstance } from '../model.ts';
import type { Member } from '../placement.ts';
import { screenSignals } from '../status-alarm.ts';
import { ALIVE, type StepContext, isGone } from './context.ts';
import type { DrainStart } from './drains.ts';

export interface HealthAssessment {
  /** Failovers (new and continued) and remembered observations, in record order. */
  readonly commands: readonly Command[];
  readonly notes: readonly string[];
  readonly degraded: ReadonlySet<string>;
  /** Instances failing over: out of the capacity count. */
  readonly failed: ReadonlySet<string>;
  /** Units of failed instances whose replacement is not launched yet. */
  readonly unitsInFlight: number;
  /** Instances to drain ahead of a scheduled event, replacement first. */
  readonly drains: readonly DrainStart[];
}

const NO_SIGNALS: readonly InstanceSignal[] = [];
const signalsOf = (context: StepContext, instanceId: string) => context.signalsById.get(instanceId) ?? NO_SIGNALS;

type Judgement = { command: Command; units?: number } | { note: string } | { drain: DrainStart } | undefined;

function continuedFailover(context: StepContext, record: InstanceRecord): { command: Command; units: number } | undefined {
  const plan = record.failover;
  if (record.lifecycle !== 'failing-over' || plan === undefined) return undefined;
  const reason = `continuing the failover decided earlier: ${plan.cause}`;
  const command: Command = { kind: 'failover', id: failoverId(context.fleet.name, record.instanceId), instanceId: record.instanceId, plan, reason };
  return { command, units: plan.replacementId === undefined ? plan.units : 0 };
}

/** An AWS Health scheduled event on an instance with nothing to carry over: drain it gracefully first. */
function scheduledDrain(context: StepContext, record: InstanceRecord, instance: ObservedInstance | undefined): DrainStart | undefined {
  const scheduled = signalsOf(context, record.instanceId).find((s) => s.kind === 'scheduled-event');
  const identity = identityOf(record, instance);
  const carriesIdentity = identity.elasticIps.length + identity.networkInterfaces.length + identity.volumes.length > 0;
  if (scheduled === undefined || carriesIdentity || instance === undefined || !ALIVE.has(instance.state) || instance.protected) return undefined;
  return { instanceId: record.instanceId, launchedAtMs: record.launchedAtMs, reason: `AWS Health scheduled event: ${scheduled.detail}; draining ahead of it`, keepCapacity: true };
}

/** One in-service instance, given the signals believed about it: fails over, is left to the operator, or has its observations tracked. */
function judge(
  context: StepContext,
  record: InstanceRecord,
  signals: readonly InstanceSignal[],
  candidates: readonly Member[],
  degraded: ReadonlySet<string>,
): Judgement {
  const { fleet, nowMs } = context;
  const instance = context.observedById.get(record.instanceId);
  const drain = scheduledDrain(context, record, instance);
  if (drain !== undefined) return { drain };
  const identity = identityOf(record, instance);
  const assessment = assessFailure(fleet.failover, record, instance, signals, nowMs);
  if (assessment.cause !== undefined && instance?.protected === true) {
    return { note: `${record.instanceId} has failed (${assessment.cause}) but is protected: fleetward leaves it to the operator` };
  }
  if (assessment.cause !== undefined) {
    const { plan, reason } = planReplacement({
      fleet,
      instanceId: record.instanceId,
      subnetId: instance?.subnetId ?? '',
      availabilityZone: instance?.availabilityZone ?? '',
      instanceType: instance?.instanceType ?? fleet.instanceTypes[0]?.type ?? 'unknown',
      identity,
      owner: context.owner,
      deploymentFleets: context.deploymentFleets,
      cause: assessment.cause,
      gone: isGone(instance),
      degraded,
      subnets: context.subnets,
      members: candidates,
      nowMs,
      ...mixCellFor(context, instance, candidates, degraded),
    });
    return { command: { kind: 'failover', id: failoverId(fleet.name, record.instanceId), instanceId: record.instanceId, plan, reason }, units: plan.units };
  }
  if (assessment.failedObservations === (record.failedObservations ?? 0) && sameIdentity(record.identity, identity)) return undefined;
  const failing = assessment.failedObservations > 0;
  const reason = failing ? `failing observation ${assessment.failedObservations} of ${fleet.failover.unhealthyThreshold} before failover` : 'its health or identity changed';
  const id = stepCommandId(fleet.name, context.step, 'track', record.instanceId);
  return { command: { kind: 'track', id, instanceId: record.instanceId, failedObservations: assessment.failedObservations, identity, reason } };
}

/** The mix's cell for a failed instance's replacement, in a fleet with a mix; a Spot instance's own Spot cell is left out. */
function mixCellFor(context: StepContext, failed: ObservedInstance | undefined, candidates: readonly Member[], degraded: ReadonlySet<string>): { mixCell?: FailoverCell } {
  if (context.fleet.mix === undefined || context.mix === undefined || failed === undefined) return {};
  const zones = new Set(context.subnets.map((s) => s.availabilityZone).filter((zone) => !degraded.has(zone)));
  const avoid = failed.market === 'spot' ? cellKey(failed.instanceType, failed.availabilityZone, 'spot') : undefined;
  const mixCell = failoverCell({ view: context.mix, remaining: candidates.filter((m) => m.instanceId !== failed.instanceId), zones, ...(avoid === undefined ? {} : { avoid }) });
  return mixCell === undefined ? {} : { mixCell };
}

/** The judgement of one record, after a note for each status-check alarm not believed. */
function judgeRecord(context: StepContext, record: InstanceRecord, candidates: readonly Member[], degraded: ReadonlySet<string>): Judgement[] {
  const continued = continuedFailover(context, record);
  if (continued !== undefined) return [continued];
  if (record.lifecycle !== 'in-service' || !context.fleet.failover.enabled) return [];
  const screened = screenSignals(context.fleet.name, signalsOf(context, record.instanceId), context.observedById.get(record.instanceId));
  return [...screened.notes.map((note) => ({ note })), judge(context, record, screened.accepted, candidates, degraded)];
}

export function assessHealth(context: StepContext, records: readonly InstanceRecord[], candidates: readonly Member[]): HealthAssessment {
  const zones = context.fleet.failover.enabled ? degradedZones(candidates, context.fleet.failover.degradedZone) : [];
  const degraded = new Set(zones.map((d) => d.zone));
  const notes = zones.map((zone) => `${zone.zone} is degraded (${zone.impaired} of ${zone.instances} instances failing): no new capacity goes there`);
  const commands: Command[] = [];
  const failed = new Set<string>();
  const drains: DrainStart[] = [];
  let unitsInFlight = 0;
  for (const judgement of records.flatMap((record) => judgeRecord(context, record, candidates, degraded))) {
    if (judgement === undefined) continue;
    if ('note' in judgement) notes.push(judgement.note);
    else if ('drain' in judgement) drains.push(judgement.drain);
    else {
      commands.push(judgement.command);
      if (judgement.command.kind === 'failover') failed.add(judgement.command.instanceId);
      unitsInFlight += judgement.units ?? 0;
    }
  }
  return { commands, notes, degraded, failed, unitsInFlight, drains };
}
