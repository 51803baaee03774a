/**
 * Recording a step once it has acted: the fleet's status (with the launch backoff), the load
 * history, the decision log entry with every command's outcome, the log line, and notifications
 * when launches are failing or the fleet has instances that are not this deployment's.
 */
import type { FleetConfig } from '../core/config.ts';
import { mergeExclusions } from '../core/mix/exclusions.ts';
import type { CapacityExclusion, FleetStatus, LaunchFailures, MetricReading } from '../core/model.ts';
import type { StepDecision } from '../core/step/index.ts';
import { UNOWNED_REMEMBERED } from '../core/step/ownership.ts';
import { errorKind } from '../ports/errors.ts';
import type { DecisionEntry } from '../ports/index.ts';
import { type Acting, errorMessage } from './journal.ts';
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

function decisionEntry({ trigger, decision, metric, nowMs, actions }: ActedStep): DecisionEntry {
  const { desiredCapacity, direction, reason, recommendation, capacity, notes, dryRun } = decision;
  return {
    step: decision.step,
    atMs: nowMs,
    trigger,
    decision: { desiredCapacity, direction, reason, ...(recommendation === undefined ? {} : { recommendation }), capacity, notes, dryRun },
    metric,
    actions,
  };
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

export async function recordStep(acting: Acting, fleet: FleetConfig, acted: ActedStep): Promise<void> {
  const { deps } = acting;
  const { status, decision, nowMs, actions } = acted;
  const launchFailures = nextLaunchFailures(acting, status?.launchFailures, nowMs);
  const { launchFailures: _previous, ...rest } = withNewExclusions(decision.nextStatus, acting.capacityExclusions ?? [], nowMs);
  await deps.records.putStatus(fleet.name, launchFailures ? { ...rest, launchFailures } : rest, status?.version);
  await savePredictiveState(deps, fleet, decision);
  await deps.records.appendDecision(fleet.name, decisionEntry(acted));
  deps.log.info('step decided', {
    fleet: fleet.name,
    step: decision.step,
    trigger: acted.trigger,
    desiredCapacity: decision.desiredCapacity,
    reason: decision.reason,
    notes: decision.notes,
    actions,
  });
  await notifyLaunchFailures(acting, decision.step, launchFailures);
  await notifyUnowned(acting, decision.step, decision);
}
