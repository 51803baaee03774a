/**
 * The imperative shell around the decision core: one control step for one fleet, over ports.
 * Lease, observe, decide, re-validate just before acting, act through the action journal so a
 * repeated or crashed run never acts twice, then record the decision with its reasons.
 */
import type { FleetConfig } from '../core/config.ts';
import type { Command, LaunchFailures, MetricReading, ObservedInstance } from '../core/model.ts';
import { decideStep, type StepDecision } from '../core/step.ts';
import { FleetwardError, LeaseHeldError } from '../ports/errors.ts';
import type { Clock, ComputePort, DecisionEntry, LaunchCommand, MetricsPort, Notifier, StateStore } from '../ports/index.ts';

/** Longer than a Lambda invocation can last, so a crashed run's lease frees itself. */
export const LEASE_TTL_MS = 120_000;

export interface StepLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface StepDependencies {
  readonly compute: ComputePort;
  readonly metrics: MetricsPort;
  readonly store: StateStore;
  readonly clock: Clock;
  readonly notifier: Notifier;
  readonly log: StepLogger;
  /** Identifies this run in leases and logs. */
  readonly runId: string;
}

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

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

interface Acting {
  readonly deps: StepDependencies;
  readonly fleet: FleetConfig;
  readonly observed: readonly ObservedInstance[];
  readonly launched: string[];
  readonly terminated: string[];
  launchError?: string;
  launchSucceeded: boolean;
}

/** Carries out one command at most once, whatever runs came before. Returns its outcome. */
async function runJournaled(
  acting: Acting,
  command: Command,
  act: () => Promise<{ instanceIds: readonly string[]; detail: string }>,
): Promise<string> {
  const { store, clock } = acting.deps;
  const fleet = acting.fleet.name;
  const existing = await store.beginAction(fleet, command, clock.now());
  if (existing?.state === 'done') {
    return `skipped: already done by an earlier run (${existing.instanceIds.join(', ') || existing.detail})`;
  }
  if (existing !== undefined && command.kind === 'launch') {
    const earlier = acting.observed.filter((o) => o.commandId === command.id).map((o) => o.instanceId);
    if (earlier.length > 0) {
      await store.finishAction(fleet, command.id, 'done', earlier, 'found after an interrupted run');
      return `skipped: an interrupted earlier run already launched ${earlier.join(', ')}`;
    }
  }
  try {
    const result = await act();
    await store.finishAction(fleet, command.id, 'done', result.instanceIds, result.detail);
    return result.detail;
  } catch (error) {
    await store.finishAction(fleet, command.id, 'failed', [], errorMessage(error));
    throw error;
  }
}

async function launch(acting: Acting, command: LaunchCommand): Promise<string> {
  const { deps, fleet } = acting;
  try {
    return await runJournaled(acting, command, async () => {
      const result = await deps.compute.launch({ fleet, command });
      const launchedAtMs = deps.clock.now();
      for (const instanceId of result.instanceIds) {
        await deps.store.putInstance(
          fleet.name,
          { instanceId, lifecycle: 'in-service', launchedAtMs, reason: `launched by ${command.id}: ${command.reason}` },
          undefined,
        );
      }
      acting.launched.push(...result.instanceIds);
      acting.launchSucceeded = true;
      const fallback = result.skipped.length > 0 ? ` after no capacity for ${result.skipped.join(', ')}` : '';
      return {
        instanceIds: result.instanceIds,
        detail: `launched ${result.instanceIds.join(', ')} (${result.instanceType})${fallback}`,
      };
    });
  } catch (error) {
    acting.launchError = errorMessage(error);
    deps.log.error('launch failed', { fleet: fleet.name, commandId: command.id, error: acting.launchError });
    return `failed: ${acting.launchError}`;
  }
}

/** Drops victims that changed since the step observed them: gone, untagged, protected. */
async function revalidateVictims(acting: Acting, victims: readonly Extract<Command, { kind: 'terminate' }>[]) {
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

async function act(acting: Acting, decision: StepDecision, versions: ReadonlyMap<string, number>) {
  const { deps, fleet } = acting;
  const actions: Array<DecisionEntry['actions'][number]> = [];
  const record = (command: Command, outcome: string) =>
    actions.push({ commandId: command.id, kind: command.kind, reason: command.reason, outcome });

  if (decision.dryRun) {
    for (const command of decision.commands) record(command, 'planned only: the fleet is in dry-run');
    return actions;
  }

  const adoptedVersion = new Map<string, number>();
  for (const command of decision.commands) {
    if (command.kind === 'adopt') {
      await deps.store.putInstance(
        fleet.name,
        { instanceId: command.instanceId, lifecycle: 'in-service', launchedAtMs: command.launchedAtMs, reason: `adopted: ${command.reason}` },
        undefined,
      );
      adoptedVersion.set(command.instanceId, 1);
      record(command, 'recorded as in-service');
    } else if (command.kind === 'forget') {
      await deps.store.deleteInstance(fleet.name, command.instanceId);
      record(command, 'record removed');
    }
  }

  const victims = decision.commands.filter((c): c is Extract<Command, { kind: 'terminate' }> => c.kind === 'terminate');
  const abandoned = await revalidateVictims(acting, victims);
  await deps.store.renewLease(fleet.name, deps.runId, deps.clock.now(), LEASE_TTL_MS);

  for (const command of decision.commands) {
    if (command.kind === 'launch') {
      record(command, await launch(acting, command));
    } else if (command.kind === 'terminate') {
      const why = abandoned.get(command.id);
      if (why !== undefined) {
        record(command, why);
        continue;
      }
      const outcome = await runJournaled(acting, command, async () => {
        await deps.store.setLifecycle(
          fleet.name,
          command.instanceId,
          'terminating',
          command.reason,
          versions.get(command.instanceId) ?? adoptedVersion.get(command.instanceId) ?? 1,
        );
        await deps.compute.terminate([command.instanceId]);
        acting.terminated.push(command.instanceId);
        return { instanceIds: [command.instanceId], detail: `terminated ${command.instanceId}` };
      });
      record(command, outcome);
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

/** Runs one control step for one fleet. Never throws: failures are returned and logged. */
export async function runFleetStep(deps: StepDependencies, fleet: FleetConfig, trigger: string): Promise<StepOutcome> {
  const empty = { launched: [], terminated: [], launchFailed: false, actions: [] };
  const startedAtMs = deps.clock.now();
  try {
    await deps.store.acquireLease(fleet.name, deps.runId, startedAtMs, LEASE_TTL_MS);
  } catch (error) {
    if (error instanceof LeaseHeldError) {
      deps.log.info('another run holds the lease; skipping', { fleet: fleet.name, reason: error.message });
      return { fleet: fleet.name, outcome: 'skipped', reason: error.message, ...empty };
    }
    throw error;
  }
  try {
    const [status, records, observed, subnets] = await Promise.all([
      deps.store.getStatus(fleet.name),
      deps.store.listInstances(fleet.name),
      deps.compute.describeFleetInstances(fleet.name),
      deps.compute.describeSubnets(fleet.subnets),
    ]);
    const nowMs = deps.clock.now();
    const running = observed.filter((o) => ALIVE.has(o.state)).map((o) => o.instanceId);
    const metric: MetricReading = await deps.metrics.latest(fleet.scaling.metric, running, nowMs).catch((error: unknown) => ({
      kind: 'missing' as const,
      label: `${fleet.scaling.metric.namespace}/${fleet.scaling.metric.name}`,
      why: `reading it failed: ${errorMessage(error)}`,
    }));
    const decision = decideStep({ fleet, status, records, observed, subnets, metric, nowMs });

    const acting: Acting = { deps, fleet, observed, launched: [], terminated: [], launchSucceeded: false };
    const versions = new Map(records.map((r) => [r.instanceId, r.version]));
    const actions = await act(acting, decision, versions);
    const launchFailures = nextLaunchFailures(acting, status?.launchFailures, nowMs);
    const { launchFailures: _previous, ...rest } = decision.nextStatus;
    await deps.store.putStatus(fleet.name, launchFailures ? { ...rest, launchFailures } : rest, status?.version);
    await deps.store.appendDecision(fleet.name, {
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
    await deps.store.releaseLease(fleet.name, deps.runId).catch((error: unknown) =>
      deps.log.warn('releasing the lease failed; it expires by itself', { fleet: fleet.name, error: errorMessage(error) }),
    );
  }
}
