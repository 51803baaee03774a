/**
 * What the record of a handled event keeps of its steps' outcomes, so that it stays far under
 * DynamoDB's 400 KB whatever the fleets' sizes: each fleet's outcome, step, capacities and reason
 * (cut to a bounded length), and counts in place of the instance ids and actions (the decision
 * log has those). A redelivered event is answered with this.
 */
import type { StepOutcome } from './step-outcome.ts';

/** Characters of a step's reason kept in the event's record. */
export const STORED_REASON_LIMIT = 300;

export function storedOutcome(outcome: StepOutcome): StepOutcome {
  const { launched, terminated, actions, reason } = outcome;
  return {
    ...outcome,
    reason: reason.length <= STORED_REASON_LIMIT ? reason : `${reason.slice(0, STORED_REASON_LIMIT)}…`,
    launched: [],
    terminated: [],
    actions: [],
    omitted: { launched: launched.length, terminated: terminated.length, actions: actions.length },
  };
}
