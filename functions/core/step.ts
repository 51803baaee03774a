/**
 * One control step's decision for one fleet: reconcile records with what EC2 reports, decide
 * the desired capacity, and return the commands that close the gap, each with its reason.
 */
import type { FleetConfig } from './config.ts';
import { assessFailure, degradedZones, identityOf, planReplacement, sameIdentity } from './failover.ts';
import { advanceDrain, advanceReturn, drainBudget, settleInstanceRequest } from './lifecycle.ts';
import type { Command, DrainState, FleetStatus, InstanceRecord, InstanceSignal, MetricReading, ObservedInstance, OperatorRequest } from './model.ts';
import { type Member, type SubnetPlacement, selectVictims, spreadLaunches, unitsOf } from './placement.ts';
import type { ForecastModel } from './forecast.ts';
import { type LoadPoint, type PredictiveState, addLoadPoint, loadPointOf, refreshForecast } from './load-history.ts';
import { type ForecastInput, type ScalingDirection, decideCapacity, scalingStatusAfter } from './scaling.ts';

export interface StepInput {
  readonly fleet: FleetConfig;
  readonly status: FleetStatus | undefined;
  readonly records: readonly InstanceRecord[];
  readonly observed: readonly ObservedInstance[];
  /** The fleet's subnets with their zones, in config order. */
  readonly subnets: readonly SubnetPlacement[];
  readonly metric: MetricReading;
  readonly nowMs: number;
  /** What events said about instances (interruption warnings, scheduled events, alarms). */
  readonly signals?: readonly InstanceSignal[];
  /** Operator requests waiting to be settled, oldest first. */
  readonly requests?: readonly OperatorRequest[];
  /** Stored load history and cached forecast model, for fleets with scaling.predictive. */
  readonly predictive?: PredictiveState;
}

export interface CapacitySnapshot {
  readonly currentUnits: number;
  /** Units of failed instances whose replacement is not launched yet. */
  readonly replacingUnits: number;
  readonly warmedUnits: number;
  readonly warmingInstances: number;
  readonly instances: number;
}

/** The status the shell writes back, once the commands are carried out. */
export type NextStatus = Omit<FleetStatus, 'version'>;

export interface StepDecision {
  readonly step: number;
  readonly desiredCapacity: number;
  readonly direction: ScalingDirection;
  /** Why the desired capacity is what it is. */
  readonly reason: string;
  readonly recommendation?: number;
  readonly capacity: CapacitySnapshot;
  readonly commands: readonly Command[];
  /** Why capacity was not closed this step, when it was not (backoff, nothing removable). */
  readonly notes: readonly string[];
  readonly dryRun: boolean;
  readonly nextStatus: NextStatus;
  /** The load this step observed, for the shell to add to the history (scaling.predictive). */
  readonly loadPoint?: LoadPoint;
  /** A forecast model fitted this step, for the shell to cache in place of the old one. */
  readonly forecastModel?: ForecastModel;
}

const ALIVE = new Set(['pending', 'running']);

/** Seconds to wait after the n-th consecutive launch failure: 60, 120, 240 … at most 900. */
export function launchBackoffSeconds(failures: number): number {
  return Math.min(900, 60 * 2 ** Math.max(0, failures - 1));
}

/** The history with this step's point, and the forecast fitted to it, for a predictive fleet. */
function forecastInput(fleet: FleetConfig, state: PredictiveState | undefined, point: LoadPoint | undefined, nowMs: number): ForecastInput | undefined {
  if (fleet.scaling.predictive === undefined) return undefined;
  const history = addLoadPoint(state?.history, point, fleet.scaling.metric.periodSeconds * 1000, nowMs);
  if (history === undefined) return undefined;
  if (state?.unreadable !== undefined) return { history, fit: { unavailable: `reading the load history failed (${state.unreadable})` } };
  return { history, fit: refreshForecast(fleet.scaling, history, state?.model, nowMs) };
}

export function decideStep(input: StepInput): StepDecision {
  const { fleet, status, observed, nowMs } = input;
  const step = (status?.step ?? 0) + 1;
  const commandId = (kind: string, subject: string) => `${fleet.name}/${step}/${kind}/${subject}`;
  const commands: Command[] = [];
  const notes: string[] = [];

  const observedById = new Map(observed.map((o) => [o.instanceId, o]));
  const recordById = new Map(input.records.map((r) => [r.instanceId, r]));
  let paused = status?.paused ?? false;
  let evacuating = status?.evacuating ?? { zones: [], subnets: [] };
  const zones = new Set(input.subnets.map((s) => s.availabilityZone));
  for (const request of input.requests ?? []) {
    const settle = (accepted: boolean, reason: string, extra: Partial<Extract<Command, { kind: 'settle' }>> = {}) =>
      commands.push({ kind: 'settle', id: commandId('settle', request.requestId), requestId: request.requestId, accepted, reason, ...extra });
    if (request.kind === 'pause') {
      paused = true;
      settle(true, `fleet paused by ${request.requestedBy}`);
    } else if (request.kind === 'resume') {
      if (paused) settle(true, `fleet resumed by ${request.requestedBy}`);
      else settle(false, `fleet ${fleet.name} is not paused`);
      paused = false;
    } else if (request.kind === 'evacuate') {
      const { zone, subnetId } = request;
      if (zone !== undefined && !zones.has(zone)) {
        settle(false, `${zone} is not a zone of fleet ${fleet.name} (its zones: ${[...zones].sort().join(', ')})`);
      } else if (subnetId !== undefined && !fleet.subnets.includes(subnetId)) {
        settle(false, `${subnetId} is not a subnet of fleet ${fleet.name}`);
      } else {
        evacuating = {
          zones: zone === undefined ? evacuating.zones : [...new Set([...evacuating.zones, zone])],
          subnets: subnetId === undefined ? evacuating.subnets : [...new Set([...evacuating.subnets, subnetId])],
        };
        settle(true, `evacuation of ${zone ?? subnetId} requested by ${request.requestedBy}`);
      }
    } else if (fleet.dryRun) {
      settle(false, `fleet ${fleet.name} is in dry-run: it acts on no instance, so ${request.kind} of ${request.instanceId ?? 'it'} is refused`, {
        instanceId: request.instanceId ?? '',
      });
    } else {
      const settled = settleInstanceRequest(request, recordById.get(request.instanceId ?? ''), fleet, nowMs);
      const extra = settled.accepted
        ? { instanceId: request.instanceId ?? '', ...(settled.record ? { record: settled.record } : {}), ...(settled.reregister ? { reregister: true } : {}) }
        : { instanceId: request.instanceId ?? '' };
      settle(settled.accepted, settled.reason, extra);
      if (settled.accepted && settled.record !== undefined) recordById.set(settled.record.instanceId, settled.record);
    }
  }
  const records = [...recordById.values()];
  const nextStatus = (desiredCapacity: number, recommendations: NextStatus['recommendations'], direction: ScalingDirection): NextStatus => ({
    step,
    ...scalingStatusAfter(status, { desiredCapacity, direction, recommendations }, nowMs),
    ...(status?.launchFailures === undefined ? {} : { launchFailures: status.launchFailures }),
    ...(paused ? { paused } : {}),
    ...(evacuating.zones.length + evacuating.subnets.length > 0 ? { evacuating } : {}),
  });
  if (paused) {
    const desiredCapacity = status?.desiredCapacity ?? fleet.capacity.initial ?? fleet.capacity.min;
    return {
      step,
      desiredCapacity,
      direction: 'hold',
      reason: `hold at ${desiredCapacity}: the fleet is paused by an operator, so fleetward acts on nothing`,
      capacity: { currentUnits: 0, replacingUnits: 0, warmedUnits: 0, warmingInstances: 0, instances: 0 },
      commands,
      notes,
      dryRun: fleet.dryRun,
      nextStatus: nextStatus(desiredCapacity, status?.recommendations ?? [], 'hold'),
    };
  }

  const signals = input.signals ?? [];
  const toMember = (instance: ObservedInstance, record: InstanceRecord | undefined): Member => ({
    ...instance,
    units: unitsOf(instance.instanceType, fleet.instanceTypes),
    launchedAtMs: record?.launchedAtMs ?? instance.launchTimeMs,
  });

  // Alive in-service instances, the failing ones included: the zones' health is judged on them.
  const candidates: Member[] = [];
  const adoptions: Command[] = [];
  for (const instance of observed) {
    if (!ALIVE.has(instance.state)) continue;
    const record = recordById.get(instance.instanceId);
    if (record === undefined) {
      adoptions.push({
        kind: 'adopt',
        id: commandId('adopt', instance.instanceId),
        instanceId: instance.instanceId,
        launchedAtMs: instance.launchTimeMs,
        reason: `it carries the fleet tag and is ${instance.state}, but fleetward had no record of it`,
      });
    }
    if (record === undefined || record.lifecycle === 'in-service') candidates.push(toMember(instance, record));
  }
  const degraded = fleet.failover.enabled ? degradedZones(candidates, fleet.failover.degradedZone) : [];
  const degradedNames = new Set(degraded.map((d) => d.zone));
  for (const zone of degraded) {
    notes.push(`${zone.zone} is degraded (${zone.impaired} of ${zone.instances} instances failing): no new capacity goes there`);
  }

  const failed = new Set<string>();
  const outOfService: InstanceRecord[] = [];
  const startedDraining = new Set<string>();
  /** Takes an instance out of service this step, to be terminated once drained. */
  const startDrain = (instanceId: string, launchedAtMs: number, reason: string, keepCapacity: boolean) => {
    const record = recordById.get(instanceId) ?? { instanceId, launchedAtMs, version: 1, reason };
    const drain: DrainState = { purpose: 'terminate', reason, startedAtMs: nowMs, keepCapacity, stop: false };
    outOfService.push({ ...record, reason, lifecycle: 'draining', drain });
  };
  let unitsInFlight = 0;
  for (const record of records) {
    const instance = observedById.get(record.instanceId);
    const gone = instance === undefined || instance.state === 'terminated';
    if (record.lifecycle === 'failing-over' && record.failover !== undefined) {
      failed.add(record.instanceId);
      if (record.failover.replacementId === undefined) unitsInFlight += record.failover.units;
      commands.push({
        kind: 'failover',
        id: `${fleet.name}/failover/${record.instanceId}`,
        instanceId: record.instanceId,
        plan: record.failover,
        reason: `continuing the failover decided earlier: ${record.failover.cause}`,
      });
      continue;
    }
    if (record.lifecycle === 'draining' || record.lifecycle === 'returning') {
      outOfService.push(record);
      continue;
    }
    if (record.lifecycle !== 'in-service' || !fleet.failover.enabled) {
      if (gone) {
        commands.push({
          kind: 'forget',
          id: commandId('forget', record.instanceId),
          instanceId: record.instanceId,
          reason: instance === undefined ? 'EC2 no longer reports the instance' : 'the instance is terminated',
        });
      }
      continue;
    }
    const mine = signals.filter((signal) => signal.instanceId === record.instanceId);
    const identity = identityOf(record, instance);
    const scheduled = mine.find((signal) => signal.kind === 'scheduled-event');
    const carriesIdentity = identity.elasticIps.length + identity.networkInterfaces.length + identity.volumes.length > 0;
    if (scheduled !== undefined && !carriesIdentity && instance !== undefined && ALIVE.has(instance.state) && !instance.protected) {
      // Nothing to carry over, and time before the event: a graceful drain, replacement first.
      startDrain(record.instanceId, record.launchedAtMs, `AWS Health scheduled event: ${scheduled.detail}; draining ahead of it`, true);
      startedDraining.add(record.instanceId);
      continue;
    }
    const assessment = assessFailure(fleet.failover, record, instance, mine, nowMs);
    if (assessment.cause !== undefined && instance?.protected === true) {
      notes.push(`${record.instanceId} has failed (${assessment.cause}) but is protected: fleetward leaves it to the operator`);
    } else if (assessment.cause !== undefined) {
      const { plan, reason } = planReplacement({
        fleet,
        instanceId: record.instanceId,
        subnetId: instance?.subnetId ?? '',
        availabilityZone: instance?.availabilityZone ?? '',
        instanceType: instance?.instanceType ?? fleet.instanceTypes[0]?.type ?? 'unknown',
        identity,
        cause: assessment.cause,
        gone,
        degraded: degradedNames,
        subnets: input.subnets,
        members: candidates,
        nowMs,
      });
      failed.add(record.instanceId);
      unitsInFlight += plan.units;
      commands.push({ kind: 'failover', id: `${fleet.name}/failover/${record.instanceId}`, instanceId: record.instanceId, plan, reason });
    } else if (assessment.failedObservations !== (record.failedObservations ?? 0) || !sameIdentity(record.identity, identity)) {
      commands.push({
        kind: 'track',
        id: commandId('track', record.instanceId),
        instanceId: record.instanceId,
        failedObservations: assessment.failedObservations,
        identity,
        reason:
          assessment.failedObservations > 0
            ? `failing observation ${assessment.failedObservations} of ${fleet.failover.unhealthyThreshold} before failover`
            : 'its health or identity changed',
      });
    }
  }

  commands.push(...adoptions);
  const evacuated = (m: { availabilityZone: string; subnetId: string }) =>
    evacuating.zones.includes(m.availabilityZone) || evacuating.subnets.includes(m.subnetId);
  const healthy = candidates.filter((m) => !failed.has(m.instanceId) && !startedDraining.has(m.instanceId));
  const draining = outOfService.filter((r) => r.lifecycle === 'draining');
  const maxDraining = drainBudget(fleet.drain, healthy.length + draining.length);
  const leaving = healthy
    .filter((m) => evacuated(m) && !m.protected)
    .sort((a, b) => a.launchedAtMs - b.launchedAtMs || (a.instanceId < b.instanceId ? -1 : 1))
    .slice(0, Math.max(0, maxDraining - draining.length));
  if (evacuating.zones.length + evacuating.subnets.length > 0) {
    const where = [...evacuating.zones, ...evacuating.subnets].join(', ');
    const drainingThere = draining.some((r) => {
      const instance = observedById.get(r.instanceId);
      return instance !== undefined && evacuated(instance);
    });
    if (!healthy.some(evacuated) && !drainingThere) {
      notes.push(`evacuation of ${where} is complete`);
      evacuating = { zones: [], subnets: [] };
    } else {
      notes.push(`evacuating ${where}: at most ${maxDraining} draining at once`);
    }
  }
  for (const m of leaving) startDrain(m.instanceId, m.launchedAtMs, `evacuating ${m.availabilityZone} (${m.subnetId})`, true);
  const leavingIds = new Set(leaving.map((m) => m.instanceId));
  const members = healthy.filter((m) => !leavingIds.has(m.instanceId));

  const warmupMs = fleet.scaling.warmupSeconds * 1000;
  const warming = members.filter((m) => m.launchedAtMs + warmupMs > nowMs);
  const sumUnits = (list: readonly Member[]) => list.reduce((total, m) => total + m.units, 0);
  const capacity: CapacitySnapshot = {
    currentUnits: sumUnits(members),
    replacingUnits: unitsInFlight,
    warmedUnits: sumUnits(members) - sumUnits(warming),
    warmingInstances: warming.length,
    instances: members.length,
  };

  const loadPoint = loadPointOf(fleet.scaling, input.metric, capacity.warmedUnits, fleet.capacity.max);
  const forecast = forecastInput(fleet, input.predictive, loadPoint, nowMs);
  const decision = decideCapacity({
    fleet,
    status,
    currentUnits: capacity.currentUnits,
    warmedUnits: capacity.warmedUnits,
    warmingInstances: capacity.warmingInstances,
    metric: input.metric,
    nowMs,
    ...(forecast === undefined ? {} : { forecast }),
  });
  const desired = decision.desiredCapacity;

  // Replacements under way count against launching, never towards scale-in: until they run,
  // removing a healthy instance would take the fleet below desired.
  const deficit = desired - capacity.currentUnits - unitsInFlight;
  const surplus = capacity.currentUnits - desired;
  if (deficit > 0) {
    const failures = status?.launchFailures;
    const retryAtMs = failures ? failures.lastAtMs + launchBackoffSeconds(failures.count) * 1000 : -Infinity;
    const first = fleet.instanceTypes[0];
    if (nowMs < retryAtMs) {
      const left = Math.ceil((retryAtMs - nowMs) / 1000);
      notes.push(
        `launching is backing off for ${left} s after ${failures?.count} failed launch(es): ${failures?.lastError}`,
      );
    } else if (first !== undefined) {
      const headroom = fleet.capacity.max - capacity.currentUnits - unitsInFlight;
      const instances = Math.min(Math.ceil(deficit / first.weight), Math.floor(headroom / first.weight));
      if (instances <= 0) {
        notes.push(`a ${first.type} (weight ${first.weight}) would take the fleet past capacity.max ${fleet.capacity.max}`);
      }
      const launchUnits = Math.max(0, instances) * first.weight;
      if (instances > 0 && launchUnits < deficit) {
        notes.push(
          `launching ${launchUnits} of the ${deficit} missing units: another ${first.type} (weight ${first.weight}) would pass capacity.max ${fleet.capacity.max}`,
        );
      }
      const healthySubnets = input.subnets.filter((subnet) => !degradedNames.has(subnet.availabilityZone) && !evacuated(subnet));
      const launchSubnets = healthySubnets.length > 0 ? healthySubnets : input.subnets;
      for (const share of spreadLaunches(Math.max(0, instances), launchSubnets, members)) {
        commands.push({
          kind: 'launch',
          id: commandId('launch', share.subnet.subnetId),
          subnetId: share.subnet.subnetId,
          availabilityZone: share.subnet.availabilityZone,
          capacityUnits: share.instances * first.weight,
          instanceTypes: fleet.instanceTypes,
          reason: `capacity ${capacity.currentUnits}${unitsInFlight > 0 ? ` (+${unitsInFlight} being replaced)` : ''} is below desired ${desired}: ${share.instances} instance(s) in ${share.subnet.availabilityZone} to balance zones`,
        });
      }
    }
  } else if (surplus > 0) {
    const victims = selectVictims(members, surplus);
    for (const victim of victims) {
      const member = members.find((m) => m.instanceId === victim.instanceId);
      const reason = `capacity ${capacity.currentUnits} is above desired ${desired}; chose it because ${victim.why}`;
      startDrain(victim.instanceId, member?.launchedAtMs ?? nowMs, reason, false);
    }
    const removable = members.filter((m) => !m.protected).length;
    const removedUnits = victims.reduce((total, v) => total + (members.find((m) => m.instanceId === v.instanceId)?.units ?? 0), 0);
    if (victims.length > 0 && removedUnits < surplus) {
      notes.push(`removing ${removedUnits} of the ${surplus} surplus units: the rest are protected or larger than what is left`);
    }
    if (victims.length === 0) {
      notes.push(
        removable === 0
          ? `capacity ${capacity.currentUnits} is above desired ${desired}, but every instance is protected`
          : `capacity ${capacity.currentUnits} is above desired ${desired}, but no instance is small enough to remove without going below it`,
      );
    }
  }

  // What serves without any instance that is leaving: a drain keeping capacity waits for it.
  const leavingNow = new Set(outOfService.map((r) => r.instanceId));
  const inService = members.filter((m) => m.state === 'running' && !leavingNow.has(m.instanceId)).reduce((total, m) => total + m.units, 0);
  for (const record of outOfService) {
    const instance = observedById.get(record.instanceId);
    const progress =
      record.lifecycle === 'returning'
        ? advanceReturn(instance, fleet)
        : advanceDrain(record, instance, { fleet, inService, desired, nowMs });
    const journalKey =
      record.lifecycle === 'returning' || record.drain === undefined
        ? `${fleet.name}/return/${record.instanceId}/${step}`
        : `${fleet.name}/drain/${record.instanceId}/${record.drain.startedAtMs}`;
    commands.push({
      kind: 'advance',
      id: commandId('advance', record.instanceId),
      instanceId: record.instanceId,
      journalKey,
      actions: progress.actions,
      ...(progress.next === undefined ? {} : { drain: progress.next }),
      lifecycle: progress.lifecycle ?? record.lifecycle,
      reason: record.drain !== undefined && record.drain.startedAtMs === nowMs ? `${record.drain.reason}; ${progress.reason}` : progress.reason,
    });
  }

  const direction = decision.direction;
  return {
    step,
    desiredCapacity: desired,
    direction,
    reason: decision.reason,
    ...(decision.recommendation === undefined ? {} : { recommendation: decision.recommendation }),
    capacity,
    commands,
    notes,
    dryRun: fleet.dryRun,
    nextStatus: nextStatus(desired, decision.recommendations, direction),
    ...(loadPoint === undefined ? {} : { loadPoint }),
    ...(forecast !== undefined && 'model' in forecast.fit && forecast.fit.model !== input.predictive?.model ? { forecastModel: forecast.fit.model } : {}),
  };
}
