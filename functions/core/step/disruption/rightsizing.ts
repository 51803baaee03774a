/**
 * Voluntary disruption: rightsizing from utilisation history — when a cheaper listed type holds
 * the window's percentile within the limit, a singleton fleet's instance (a pet) is drained,
 * stopped, given that type and started again, only inside a maintenance window (a pet has no
 * second instance to carry the load meanwhile); in a larger fleet the instance is replaced first
 * by one of that type (./rightsizing-fleet.ts).
 */
import { rightsize } from '../../rightsizing/fit.ts';
import { proposeFleetRightsizing } from './rightsizing-fleet.ts';
import { type DisruptionContext, type DisruptionMethod, NOTHING, type Proposal } from './method.ts';

function proposePet({ fleet, members, rightsizing: view, maintenanceWindow }: DisruptionContext): Proposal {
  const settings = fleet.rightsizing;
  const [pet] = members;
  if (settings === undefined || view === undefined || pet === undefined) return NOTHING;
  const verdict = rightsize(pet.instanceType, view.usage[pet.instanceId], fleet.instanceTypes.map((t) => t.type), view, settings);
  const about = `rightsizing ${pet.instanceId}: ${verdict.reason}`;
  if (verdict.kind !== 'resize') return { moves: [], notes: [about] };
  if (!maintenanceWindow.open) return { moves: [], notes: [`${about}; waits for a maintenance window: ${maintenanceWindow.why}`] };
  const move = { instanceId: pet.instanceId, launchedAtMs: pet.launchedAtMs, reason: `${about}; ${maintenanceWindow.why}`, keepCapacity: false, resizeTo: verdict.toType, monthlySavingUsd: verdict.monthlySavingUsd };
  return { moves: [move], notes: [] };
}

const propose = (context: DisruptionContext): Proposal => (context.fleet.capacity.max === 1 ? proposePet(context) : proposeFleetRightsizing(context));

export const rightsizing: DisruptionMethod = { reason: 'rightsizing', optimization: true, propose };
