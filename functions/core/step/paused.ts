/** A paused fleet's step: it settles requests and records what it saw, and acts on nothing else. */
import type { StepContext, StepDecision } from './context.ts';
import type { OwnershipReport } from './ownership.ts';
import { nextStatus } from './next-status.ts';
import type { Settlement } from './settle-requests.ts';

/** Records of instances that are not this deployment's are let go of only once the fleet is resumed. */
export function pausedDecision(context: StepContext, settlement: Settlement, unowned: OwnershipReport): StepDecision {
  const { status, fleet } = context;
  const desiredCapacity = status?.desiredCapacity ?? fleet.capacity.initial ?? fleet.capacity.min;
  return {
    step: context.step,
    desiredCapacity,
    direction: 'hold',
    reason: `hold at ${desiredCapacity}: the fleet is paused by an operator, so fleetward acts on nothing`,
    capacity: { currentUnits: 0, replacingUnits: 0, warmedUnits: 0, warmingInstances: 0, instances: 0 },
    commands: settlement.commands,
    notes: unowned.notes,
    dryRun: fleet.dryRun,
    nextStatus: nextStatus(context, settlement, { desiredCapacity, direction: 'hold', recommendations: status?.recommendations ?? [] }),
    unowned,
  };
}
