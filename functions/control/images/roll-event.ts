/**
 * Tells users' automation that a roll changed phase (started, baking, done, rolling back, rolled
 * back): an EventBridge event `Image Roll`, detail {fleet, phase, targetImageId, previousImageId,
 * checkpoint, reason}. Sent before the step is recorded, so a retried step sends it again (at
 * least once); a failure to send is logged, it does not stop the step. Not sent in a dry run.
 */
import type { FleetConfig } from '../../core/config.ts';
import type { FleetStatus } from '../../core/model.ts';
import type { StepDecision } from '../../core/step/index.ts';
import { errorKind } from '../../ports/errors.ts';
import { type StepDependencies, errorMessage } from '../journal.ts';

export async function announceRoll(deps: StepDependencies, fleet: FleetConfig, status: FleetStatus | undefined, decision: StepDecision): Promise<void> {
  const roll = decision.nextStatus.roll;
  const before = status?.roll;
  if (roll === undefined || decision.dryRun) return;
  if (before !== undefined && before.phase === roll.phase && before.checkpoint === roll.checkpoint && before.targetImageId === roll.targetImageId) return;
  const detail = { fleet: fleet.name, phase: roll.phase, targetImageId: roll.targetImageId, previousImageId: roll.previousImageId, checkpoint: roll.checkpoint + 1, reason: roll.reason };
  await deps.events
    .publish('Image Roll', detail)
    .catch((error: unknown) => deps.log.warn('the Image Roll event failed', { fleet: fleet.name, error: errorMessage(error), kind: errorKind(error) }));
}
