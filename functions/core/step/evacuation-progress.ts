/**
 * Where an operator's evacuation stands: complete once no healthy instance and no drain is left
 * in the zones and subnets it empties (the fleet's status then forgets it), else under way at
 * the pace the evacuation's disruption budget allows.
 */
import type { InstanceRecord } from '../model.ts';
import type { Member } from '../placement.ts';
import { type Evacuation, NO_EVACUATION, type StepContext, isEvacuated } from './context.ts';
import { type Budget, limitFor } from './disruption/budget.ts';

export interface EvacuationProgress {
  readonly evacuating: Evacuation;
  readonly notes: readonly string[];
}

export function evacuationProgress(
  context: StepContext,
  evacuating: Evacuation,
  healthy: readonly Member[],
  draining: readonly InstanceRecord[],
  budgets: readonly Budget[],
): EvacuationProgress {
  if (evacuating.zones.length + evacuating.subnets.length === 0) return { evacuating, notes: [] };
  const where = [...evacuating.zones, ...evacuating.subnets].join(', ');
  const drainingThere = draining.some((record) => {
    const instance = context.observedById.get(record.instanceId);
    return instance !== undefined && isEvacuated(evacuating, instance);
  });
  if (!healthy.some((m) => isEvacuated(evacuating, m)) && !drainingThere) {
    return { evacuating: NO_EVACUATION, notes: [`evacuation of ${where} is complete`] };
  }
  return { evacuating, notes: [`evacuating ${where}: at most ${limitFor(budgets, 'evacuation')} draining at once`] };
}
