/**
 * What one control step returns for its fleet, and how a step that stopped on an error ends,
 * by the error's kind: a lost race (the lease held or lost, a record another run wrote first) is
 * a quiet skip; anything else fails the step loudly, notified. Either way the decision log says so.
 */
import type { FleetConfig } from '../core/config.ts';
import { LeaseHeldError, errorKind, isLostRace } from '../ports/errors.ts';
import type { DecisionEntry } from '../ports/index.ts';
import { type StepDependencies, errorMessage } from './journal.ts';
import { recordStoppedStep } from './record-stopped.ts';

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
  /** Instances of the fleet left alone as not this deployment's (another's, or foreign). */
  readonly unowned?: number;
  readonly actions: DecisionEntry['actions'];
  /** In an outcome answered again from its event's record: how many ids and actions the record left out (./stored-outcome.ts). */
  readonly omitted?: { readonly launched: number; readonly terminated: number; readonly actions: number };
}

/** The outcome of a step that an error stopped; never throws. */
export async function stoppedBy(deps: StepDependencies, fleet: FleetConfig, trigger: string, error: unknown): Promise<StepOutcome> {
  const reason = errorMessage(error);
  const nothing = { launched: [], terminated: [], launchFailed: false, actions: [] };
  if (error instanceof LeaseHeldError) {
    deps.log.info('another run holds the lease; skipping', { fleet: fleet.name, reason });
    await recordStoppedStep(deps, fleet, trigger, 'skipped', error);
    return { fleet: fleet.name, outcome: 'skipped', reason, ...nothing };
  }
  if (isLostRace(error)) {
    deps.log.info('another run acted for the fleet meanwhile; skipping the rest of the step', { fleet: fleet.name, trigger, reason, kind: errorKind(error) });
    await recordStoppedStep(deps, fleet, trigger, 'skipped', error);
    return { fleet: fleet.name, outcome: 'skipped', reason, ...nothing };
  }
  deps.log.error('step failed', { fleet: fleet.name, trigger, error: reason, kind: errorKind(error) });
  await recordStoppedStep(deps, fleet, trigger, 'failed', error);
  await deps.notifier
    .notify(`fleetward: a step failed for fleet ${fleet.name}`, reason, { fleet: fleet.name, trigger })
    .catch((notifyError: unknown) => deps.log.warn('notification failed', { error: errorMessage(notifyError), kind: errorKind(notifyError) }));
  return { fleet: fleet.name, outcome: 'failed', reason, ...nothing };
}
