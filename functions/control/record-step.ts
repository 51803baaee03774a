/**
 * Recording a step once it has acted: the fleet's status (with the launch backoff), the load
 * history, the decision log entry with every command's outcome (neither for a step that changed
 * nothing, but for a heartbeat: core/step/unchanged.ts), the log line, and notifications
 * when launches are failing or the fleet has instances that are not this deployment's.
 */
import type { FleetConfig } from '../core/config.ts';
import { mergeExclusions } from '../core/mix/exclusions.ts';
import type { CapacityExclusion, FleetStatus, LaunchFailures, MetricReading, UnchangedSince } from '../core/model.ts';
import type { StepDecision } from '../core/step/index.ts';
import { UNOWNED_REMEMBERED } from '../core/step/ownership.ts';
import { type Steadiness, recordedStatus, steadiness } from '../core/step/unchanged.ts';
import { errorKind } from '../ports/errors.ts';
import type { DecisionEntry } from '../ports/index.ts';
import { type Acting, type StepDependencies, errorMessage } from './journal.ts';
import { savePredictiveState } from './predictive-state.ts';

export interface ActedStep {
  readonly trigger: string;
  readonly status: FleetStatus | undefined;
  readonly decision: StepDecision;
  readonly metric: MetricReading;
  readonly nowMs: number;
  readonly actions: DecisionEntry['actions'];
}

/** A failed launch counts one more failure; a launch that worked clears them. */
function nextLaunchFailures(acting: Acting, previous: LaunchFailures | undefined, nowMs: number): LaunchFailures | undefined {
  if (acting.launchError !== undefined) {
    return { count: (previous?.count ?? 0) + 1, lastAtMs: nowMs, lastError: acting.launchError };
  }
  return acting.launchSucceeded ? undefined : previous;
}

/** The status with this step's capacity-error exclusions added to the ones still in force. */
function withNewExclusions(next: StepDecision['nextStatus'], added: readonly CapacityExclusion[], nowMs: number): StepDecision['nextStatus'] {
  if (added.length === 0) return next;
  return { ...next, mixExclusions: mergeExclusions(next.mixExclusions ?? [], added, nowMs) };
}

function decisionEntry({ trigger, decision, metric, nowMs, actions }: ActedStep, heartbeat: UnchangedSince | undefined): DecisionEntry {
  const { desiredCapacity, direction, reason, recommendation, capacity, notes, dryRun } = decision;
  return {
    step: decision.step,
    atMs: nowMs,
    trigger,
    decision: { desiredCapacity, direction, reason, ...(recommendation === undefined ? {} : { recommendation }), capacity, notes, dryRun },
    metric,
    actions,
    ...(heartbeat === undefined ? {} : { unchanged: heartbeat }),
  };
}

/** The step's log line, every step, recorded or not (a step that changed nothing says since when). */
export function logStep(deps: StepDependencies, fleet: FleetConfig, acted: Pick<ActedStep, 'trigger' | 'decision' | 'actions'>, unchanged?: UnchangedSince): void {
  const { decision } = acted;
  deps.log.info(unchanged === undefined ? 'step decided' : 'step changed nothing', {
    fleet: fleet.name,
    step: decision.step,
    trigger: acted.trigger,
    desiredCapacity: decision.desiredCapacity,
    reason: decision.reason,
    notes: decision.notes,
    actions: acted.actions,
    ...(unchanged === undefined ? {} : { unchanged }),
  });
}

/** Tells the operators that launches are failing; a notification that fails is a warning, the step is recorded. */
async function notifyLaunchFailures(acting: Acting, step: number, failures: LaunchFailures | undefined): Promise<void> {
  const { deps, fleet } = acting;
  if (acting.launchError === undefined) return;
  await deps.notifier
    .notify(`fleetward: launches are failing for fleet ${fleet.name}`, acting.launchError, { fleet: fleet.name, step, failures: failures?.count })
    .catch((error: unknown) => deps.log.warn('notification failed', { fleet: fleet.name, error: errorMessage(error), kind: errorKind(error) }));
}

/** Tells the operators once about instances of the fleet that it leaves alone, when some are new since the last step. */
async function notifyUnowned(acting: Acting, step: number, decision: StepDecision): Promise<void> {
  const { deps, fleet } = acting;
  const { unowned } = decision;
  if (!unowned.notify) return;
  const subject = `fleetward: fleet ${fleet.name} has ${unowned.instanceIds.length} instance(s) that are not this deployment's`;
  await deps.notifier
    .notify(subject, unowned.notes.join('\n'), { fleet: fleet.name, step, instanceIds: unowned.instanceIds.slice(0, UNOWNED_REMEMBERED) })
    .catch((error: unknown) => deps.log.warn('notification failed', { fleet: fleet.name, error: errorMessage(error), kind: errorKind(error) }));
}

/**
 * Records the step: its status and its decision log entry, unless it changed nothing (then only
 * the log line, and the predictive load point), or a heartbeat entry when one is due.
 */
export async function recordStep(acting: Acting, fleet: FleetConfig, acted: ActedStep): Promise<Steadiness> {
  const { deps } = acting;
  const { status, decision, nowMs, actions } = acted;
  const launchFailures = nextLaunchFailures(acting, status?.launchFailures, nowMs);
  const { launchFailures: _previous, ...rest } = withNewExclusions(decision.nextStatus, acting.capacityExclusions ?? [], nowMs);
  const next = launchFailures ? { ...rest, launchFailures } : rest;
  const steady = actions.length > 0 ? { unchanged: false as const, why: `${actions.length} action(s)` } : steadiness(status, next, decision, nowMs);
  if (steady.unchanged && !steady.heartbeat) {
    await savePredictiveState(deps, fleet, decision);
    logStep(deps, fleet, acted, steady.since);
    return steady;
  }
  const heartbeat = steady.unchanged ? steady.since : undefined;
  await deps.records.putStatus(fleet.name, recordedStatus(next, decision, nowMs, heartbeat), status?.version);
  await savePredictiveState(deps, fleet, decision);
  await deps.records.appendDecision(fleet.name, decisionEntry(acted, heartbeat));
  logStep(deps, fleet, acted);
  await notifyLaunchFailures(acting, decision.step, launchFailures);
  await notifyUnowned(acting, decision.step, decision);
  return steady;
}
