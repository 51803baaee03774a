/**
 * Voluntary disruption: rightsizing a singleton fleet (a pet) from its utilisation history —
 * when a cheaper listed type holds the window's percentile within the limit, the instance is
 * drained, stopped, given that type and started again, only inside a maintenance window (a pet
 * has no second instance to carry the load meanwhile). Larger fleets are sized by the exact mix.
 */
import { rightsize } from '../../rightsizing/fit.ts';
import { type DisruptionContext, type DisruptionMethod, NOTHING, type Proposal } from './method.ts';

function propose({ fleet, members, rightsizing: view, maintenanceWindow }: DisruptionContext): Proposal {
  const settings = fleet.rightsizing;
  const [pet] = members;
  if (settings === undefined || view === undefined || fleet.capacity.max !== 1 || pet === undefined) return NOTHING;
  const verdict = rightsize(pet.instanceType, view.usage[pet.instanceId], fleet.instanceTypes.map((t) => t.type), view, settings);
  const about = `rightsizing ${pet.instanceId}: ${verdict.reason}`;
  if (verdict.kind !== 'resize') return { moves: [], notes: [about] };
  if (!maintenanceWindow.open) return { moves: [], notes: [`${about}; waits for a maintenance window: ${maintenanceWindow.why}`] };
  const move = { instanceId: pet.instanceId, launchedAtMs: pet.launchedAtMs, reason: `${about}; ${maintenanceWindow.why}`, keepCapacity: false, resizeTo: verdict.toType, monthlySavingUsd: verdict.monthlySavingUsd };
  return { moves: [move], notes: [] };
}

export const rightsizing: DisruptionMethod = { reason: 'rightsizing', optimization: true, propose };
