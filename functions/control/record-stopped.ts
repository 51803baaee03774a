/**
 * The decision log entry of a step that stopped before it was recorded (skipped on a lost race,
 * or failed), so that `fleetward history` shows it: after the last recorded step, with the
 * error's kind and its message cut to a bounded length. Best effort: never throws.
 */
import type { FleetConfig } from '../core/config.ts';
import { errorKind } from '../ports/errors.ts';
import type { DecisionEntry, StoppedStep } from '../ports/index.ts';
import { type StepDependencies, errorMessage } from './journal.ts';

/** Characters of the error message kept in the entry; the rest is counted. */
export const STOPPED_MESSAGE_LIMIT = 500;

const bounded = (message: string) =>
  message.length <= STOPPED_MESSAGE_LIMIT
    ? message
    : `${message.slice(0, STOPPED_MESSAGE_LIMIT)}… (${message.length - STOPPED_MESSAGE_LIMIT} more characters)`;

/** The message, after the error's own name when it is not one of fleetward's kinds (an AWS error: ThrottlingException, …). */
function messageOf(error: unknown): string {
  const named = errorKind(error) === 'unexpected' && error instanceof Error && error.name !== 'Error' && !error.message.startsWith(error.name);
  return named ? `${error.name}: ${error.message}` : errorMessage(error);
}

export async function recordStoppedStep(
  deps: StepDependencies,
  fleet: FleetConfig,
  trigger: string,
  outcome: StoppedStep['outcome'],
  error: unknown,
): Promise<void> {
  const stopped: StoppedStep = { outcome, kind: errorKind(error), message: bounded(messageOf(error)), runId: deps.runId };
  try {
    const status = await deps.records.getStatus(fleet.name);
    const { metric } = fleet.scaling;
    const entry: DecisionEntry = {
      step: status?.step ?? 0,
      atMs: deps.clock.now(),
      trigger,
      decision: {
        desiredCapacity: status?.desiredCapacity ?? fleet.capacity.initial ?? fleet.capacity.min,
        direction: 'hold',
        reason: `step ${outcome} (${stopped.kind}): ${stopped.message}`,
        notes: [],
        dryRun: fleet.dryRun,
      },
      metric: { kind: 'missing', label: `${metric.namespace}/${metric.name}`, why: `not recorded: the step ${outcome}` },
      actions: [],
      stopped,
    };
    await deps.records.appendDecision(fleet.name, entry);
  } catch (recordError) {
    deps.log.warn('the stopped step could not be written to the decision log', {
      fleet: fleet.name,
      error: errorMessage(recordError),
      kind: errorKind(recordError),
    });
  }
}
