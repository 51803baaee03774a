/**
 * The imperative shell around the decision core: one control step for one fleet, over ports.
 * Lease, observe, decide, re-validate just before acting, act through the action journal so a
 * repeated or crashed run never acts twice, then record the decision with its reasons.
 */
import type { FleetConfig } from '../core/config.ts';
import type { Command, InstanceRecord, InstanceSignal, LaunchFailures, MetricReading, ObservedInstance, OperatorRequest, TargetHealth } from '../core/model.ts';
import { decideStep, type StepDecision } from '../core/step/index.ts';
import { FleetwardError, LeaseHeldError } from '../ports/errors.ts';
import type { ComputeInstance, DecisionEntry } from '../ports/index.ts';
import { carryOutFailover } from './failover.ts';
import { predictiveStateForStep, savePredictiveState } from './predictive-state.ts';
import { type Acting, type StepDependencies, errorMessage, launchAndRecord, runJournaled } from './journal.ts';
import { LEASE_TTL_MS } from './step-timing.ts';

export type { StepDependencies, StepLogger } from './journal.ts';

export interface StepOutcome {
  readonly fleet: string;
  readonly outcome: 'done' | 'skipped' | 'failed';
  readonly reason: string;
  readonly step?: number;
  readonly desiredCapacity?: number;
  readonly capacity?: number;
  readonly launched: readonly string[];
  readonly terminated: readonly string[];
  readonly launchFailed: boolean;
  readonly actions: DecisionEntry['actions'];
}

const ALIVE = new Set(['pending', 'running']);

type Advance = Extract<Command, { kind: 'advance' }>;

/** Drops new drains of instances that changed since the step observed them: gone, untagged, protected. */
async function revalidateVictims(acting: Acting, victims: readonly Advance[]) {
  if (victims.length === 0) return new Map<string, string>();
  const fresh = await acting.deps.compute.describeInstances(victims.map((v) => v.instanceId));
  const byId = new Map(fresh.map((i) => [i.instanceId, i]));
  const abandoned = new Map<string, string>();
  for (const victim of victims) {
    const now = byId.get(victim.instanceId);
    if (now === undefined || !ALIVE.has(now.state)) abandoned.set(victim.id, 'abandoned: the instance is no longer running');
    else if (now.fleetTag !== acting.fleet.name) abandoned.set(victim.id, 'abandoned: the instance no longer carries the fleet tag');
    else if (now.protected) abandoned.set(victim.id, 'abandoned: the instance became protected');
  }
  return abandoned;
}

/** Carries out a drain's or a return's actions in order, journaled, then checkpoints the record. */
async function advance(acting: Acting, command: Advance, versions: Map<string, number>): Promise<string> {
  const { deps, fleet } = acting;
  const id = command.instanceId;
  const done: string[] = [];
  for (const action of command.actions) {
    const step: Command = { ...command, id: `${command.journalKey}/${action}` };
    const { detail } = await runJournaled(acting, step, async () => {
      switch (action) {
        case 'deregister':
          await deps.loadBalancer.deregister(fleet.targetGroups, id);
          break;
        case 'register':
          await deps.loadBalancer.register(fleet.targetGroups, id);
          break;
        case 'notify':
          await deps.events.publish('Instance Draining', { fleet: fleet.name, instanceId: id, reason: command.reason, drain: command.drain });
          break;
        case 'stop':
          await deps.compute.stop([id], false);
          break;
        case 'start':
          await deps.compute.start([id]);
          break;
        case 'terminate':
          await deps.compute.terminate([id]);
          acting.terminated.push(id);
          break;
      }
      return { instanceIds: [id], detail: action };
    });
    done.push(detail);
  }
  if (command.lifecycle === 'forget') {
    await deps.records.deleteInstance(fleet.name, id);
  } else {
    const version = await deps.records.updateInstance(
      fleet.name,
      id,
      { lifecycle: command.lifecycle, reason: command.reason, drain: command.drain ?? null },
      versions.get(id) ?? 1,
    );
    versions.set(id, version);
  }
  const what = done.length > 0 ? `${done.join(', ')}; ` : '';
  return `${what}${command.lifecycle === 'forget' ? 'record removed' : command.lifecycle}`;
}

/** Applies accepted requests to the records, and removes every settled request from the queue. */
async function settleRequests(
  acting: Acting,
  decision: StepDecision,
  requests: ReadonlyMap<string, OperatorRequest>,
  versions: Map<string, number>,
  record: (command: Command, outcome: string) => void,
) {
  const { deps, fleet } = acting;
  for (const command of decision.commands) {
    if (command.kind !== 'settle') continue;
    const request = requests.get(command.requestId);
    if (command.accepted && command.record !== undefined) {
      const { lifecycle, reason, drain } = command.record;
      const version = await deps.records.updateInstance(
        fleet.name,
        command.record.instanceId,
        { lifecycle, reason, drain: drain ?? null },
        versions.get(command.record.instanceId) ?? 1,
      );
      versions.set(command.record.instanceId, version);
      if (command.reregister === true && fleet.targetGroups.length > 0) await deps.loadBalancer.register(fleet.targetGroups, command.record.instanceId);
    }
    if (request !== undefined) await deps.records.deleteRequest(fleet.name, request);
    record(command, command.accepted ? 'applied' : 'refused');
  }
}

async function act(
  acting: Acting,
  decision: StepDecision,
  records: ReadonlyMap<string, InstanceRecord>,
  requests: ReadonlyMap<string, OperatorRequest>,
) {
  const { deps, fleet } = acting;
  const actions: Array<DecisionEntry['actions'][number]> = [];
  const record = (command: Command, outcome: string) =>
    actions.push({ commandId: command.id, kind: command.kind, reason: command.reason, outcome });

  const versions = new Map([...records].map(([id, r]) => [id, r.version]));
  // Requests are settled even in dry-run (there, instance requests are refused): none stays queued.
  await settleRequests(acting, decision, requests, versions, record);
  if (decision.dryRun) {
    for (const command of decision.commands) if (command.kind !== 'settle') record(command, 'planned only: the fleet is in dry-run');
    return actions;
  }

  for (const command of decision.commands) {
    if (command.kind === 'adopt') {
      await deps.records.putInstance(
        fleet.name,
        { instanceId: command.instanceId, lifecycle: 'in-service', launchedAtMs: command.launchedAtMs, reason: `adopted: ${command.reason}` },
        undefined,
      );
      versions.set(command.instanceId, 1);
      record(command, 'recorded as in-service');
    } else if (command.kind === 'forget') {
      await deps.records.deleteInstance(fleet.name, command.instanceId);
      record(command, 'record removed');
    } else if (command.kind === 'track') {
      const version = await deps.records.updateInstance(
        fleet.name,
        command.instanceId,
        { failedObservations: command.failedObservations, identity: command.identity },
        versions.get(command.instanceId) ?? 1,
      );
      versions.set(command.instanceId, version);
      record(command, 'recorded');
    }
  }

  // A drain that starts this step (scale-in, evacuation) starts only if the instance is still as seen.
  const starting = decision.commands.filter(
    (c): c is Advance => c.kind === 'advance' && (records.get(c.instanceId)?.lifecycle ?? 'in-service') === 'in-service',
  );
  const abandoned = await revalidateVictims(acting, starting);
  await deps.leases.renew(fleet.name, deps.runId, deps.clock.now(), LEASE_TTL_MS);

  for (const command of decision.commands) {
    if (command.kind !== 'failover') continue;
    const current = records.get(command.instanceId);
    if (current === undefined) continue;
    try {
      record(command, await carryOutFailover(acting, command, { ...current, version: versions.get(command.instanceId) ?? current.version }));
    } catch (error) {
      deps.log.error('failover step failed; the next step resumes it', { fleet: fleet.name, instanceId: command.instanceId, error: errorMessage(error) });
      record(command, `interrupted, resumes next step: ${errorMessage(error)}`);
    }
  }

  for (const command of decision.commands) {
    if (command.kind === 'launch') {
      record(command, (await launchAndRecord(acting, command)).outcome);
    } else if (command.kind === 'advance') {
      const why = abandoned.get(command.id);
      if (why !== undefined) {
        record(command, why);
        continue;
      }
      try {
        record(command, await advance(acting, command, versions));
      } catch (error) {
        deps.log.error('a drain step failed; the next step resumes it', { fleet: fleet.name, instanceId: command.instanceId, error: errorMessage(error) });
        record(command, `interrupted, resumes next step: ${errorMessage(error)}`);
      }
    }
  }
  return actions;
}

function nextLaunchFailures(acting: Acting, previous: LaunchFailures | undefined, nowMs: number): LaunchFailures | undefined {
  if (acting.launchError !== undefined) {
    return { count: (previous?.count ?? 0) + 1, lastAtMs: nowMs, lastError: acting.launchError };
  }
  return acting.launchSucceeded ? undefined : previous;
}

/** EC2's view merged with the target groups' view of each instance. */
async function observe(deps: StepDependencies, fleet: FleetConfig): Promise<ObservedInstance[]> {
  const [instances, health] = await Promise.all([
    deps.compute.describeFleetInstances(fleet.name),
    fleet.targetGroups.length > 0 ? deps.loadBalancer.targetHealth(fleet.targetGroups) : Promise.resolve(new Map()),
  ]);
  const unregistered = fleet.targetGroups.length > 0 ? 'not-registered' : 'unknown';
  return instances.map((instance) => observedOf(instance, health.get(instance.instanceId) ?? unregistered));
}

/** An instance as the core reads it: field by field, so every one has the same shape (copying it stays cheap). */
function observedOf(instance: ComputeInstance, targetHealth: TargetHealth): ObservedInstance {
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
    targetHealth,
    identity: instance.identity,
  };
}

/** Observes the fleet and decides, acting on nothing; writes only a backfilled load history, and only with `storeBackfill`. */
async function observeAndDecide(deps: StepDependencies, fleet: FleetConfig, signals: readonly InstanceSignal[], storeBackfill: boolean) {
  const [status, records, requests, observed, subnets, predictive] = await Promise.all([
    deps.records.getStatus(fleet.name),
    deps.records.listInstances(fleet.name),
    deps.records.listRequests(fleet.name),
    observe(deps, fleet),
    deps.compute.describeSubnets(fleet.subnets),
    predictiveStateForStep(deps, fleet, storeBackfill),
  ]);
  const nowMs = deps.clock.now();
  const running = observed.filter((o) => ALIVE.has(o.state)).map((o) => o.instanceId);
  const metric: MetricReading = await deps.metrics.latest(fleet.scaling.metric, running, nowMs).catch((error: unknown) => ({
    kind: 'missing' as const,
    label: `${fleet.scaling.metric.namespace}/${fleet.scaling.metric.name}`,
    why: `reading it failed: ${errorMessage(error)}`,
  }));
  const decision = decideStep({ fleet, status, records, observed, subnets, metric, nowMs, signals, requests, ...(predictive === undefined ? {} : { predictive }) });
  return { status, records, requests, observed, metric, nowMs, decision };
}

/** What the next step would decide for a fleet, with what it saw: acts on nothing, writes nothing. */
export async function planFleetStep(deps: StepDependencies, fleet: FleetConfig) {
  const { observed, metric, decision } = await observeAndDecide(deps, fleet, [], false);
  return { observed, metric, decision };
}

/** Runs one control step for one fleet. Never throws: failures are returned and logged. */
export async function runFleetStep(
  deps: StepDependencies,
  fleet: FleetConfig,
  trigger: string,
  signals: readonly InstanceSignal[] = [],
): Promise<StepOutcome> {
  const empty = { launched: [], terminated: [], launchFailed: false, actions: [] };
  const startedAtMs = deps.clock.now();
  try {
    await deps.leases.acquire(fleet.name, deps.runId, startedAtMs, LEASE_TTL_MS);
  } catch (error) {
    if (error instanceof LeaseHeldError) {
      deps.log.info('another run holds the lease; skipping', { fleet: fleet.name, reason: error.message });
      return { fleet: fleet.name, outcome: 'skipped', reason: error.message, ...empty };
    }
    throw error;
  }
  try {
    const { status, records, requests, observed, metric, nowMs, decision } = await observeAndDecide(deps, fleet, signals, true);

    const acting: Acting = { deps, fleet, observed, launched: [], terminated: [], launchSucceeded: false };
    const actions = await act(
      acting,
      decision,
      new Map(records.map((r) => [r.instanceId, r])),
      new Map(requests.map((r) => [r.requestId, r])),
    );
    const launchFailures = nextLaunchFailures(acting, status?.launchFailures, nowMs);
    const { launchFailures: _previous, ...rest } = decision.nextStatus;
    await deps.records.putStatus(fleet.name, launchFailures ? { ...rest, launchFailures } : rest, status?.version);
    await savePredictiveState(deps, fleet, decision);
    await deps.records.appendDecision(fleet.name, {
      step: decision.step,
      atMs: nowMs,
      trigger,
      decision: {
        desiredCapacity: decision.desiredCapacity,
        direction: decision.direction,
        reason: decision.reason,
        ...(decision.recommendation === undefined ? {} : { recommendation: decision.recommendation }),
        capacity: decision.capacity,
        notes: decision.notes,
        dryRun: decision.dryRun,
      },
      metric,
      actions,
    });
    deps.log.info('step decided', {
      fleet: fleet.name,
      step: decision.step,
      trigger,
      desiredCapacity: decision.desiredCapacity,
      reason: decision.reason,
      notes: decision.notes,
      actions,
    });
    if (acting.launchError !== undefined) {
      await deps.notifier.notify(`fleetward: launches are failing for fleet ${fleet.name}`, acting.launchError, {
        fleet: fleet.name,
        step: decision.step,
        failures: launchFailures?.count,
      });
    }
    return {
      fleet: fleet.name,
      outcome: 'done',
      reason: decision.reason,
      step: decision.step,
      desiredCapacity: decision.desiredCapacity,
      capacity: decision.capacity.currentUnits,
      launched: acting.launched,
      terminated: acting.terminated,
      launchFailed: acting.launchError !== undefined,
      actions,
    };
  } catch (error) {
    const message = errorMessage(error);
    deps.log.error('step failed', { fleet: fleet.name, trigger, error: message, kind: error instanceof FleetwardError ? error.name : 'unexpected' });
    await deps.notifier
      .notify(`fleetward: a step failed for fleet ${fleet.name}`, message, { fleet: fleet.name, trigger })
      .catch((notifyError: unknown) => deps.log.warn('notification failed', { error: errorMessage(notifyError) }));
    return { fleet: fleet.name, outcome: 'failed', reason: message, ...empty };
  } finally {
    await deps.leases.release(fleet.name, deps.runId).catch((error: unknown) =>
      deps.log.warn('releasing the lease failed; it expires by itself', { fleet: fleet.name, error: errorMessage(error) }),
    );
  }
}
