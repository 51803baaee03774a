/**
 * Voluntary disruption: remove the capacity above desired. Victims never protected, never more
 * units than the surplus; which ones and why is placement's choice (selectVictims).
 */
import { selectVictims, sumUnits } from '../../placement.ts';
import { byInstanceId } from '../context.ts';
import { type DisruptionContext, type DisruptionMethod, NOTHING, type Proposal } from './method.ts';

function propose({ members, desired }: DisruptionContext): Proposal {
  const currentUnits = sumUnits(members);
  const surplus = currentUnits - desired;
  if (surplus <= 0) return NOTHING;
  const byId = byInstanceId(members);
  const victims = selectVictims(members, surplus);
  const moves = victims.map((victim) => ({
    instanceId: victim.instanceId,
    launchedAtMs: byId.get(victim.instanceId)?.launchedAtMs ?? 0,
    reason: `capacity ${currentUnits} is above desired ${desired}; chose it because ${victim.why}`,
    keepCapacity: false,
  }));
  const removedUnits = victims.reduce((total, v) => total + (byId.get(v.instanceId)?.units ?? 0), 0);
  if (victims.length > 0) {
    const partly = removedUnits < surplus ? [`removing ${removedUnits} of the ${surplus} surplus units: the rest are protected or larger than what is left`] : [];
    return { moves, notes: partly };
  }
  const above = `capacity ${currentUnits} is above desired ${desired}, but`;
  const none = members.some((m) => !m.protected) ? `${above} no instance is small enough to remove without going below it` : `${above} every instance is protected`;
  return { moves, notes: [none] };
}

export const scaleIn: DisruptionMethod = { reason: 'scale-in', propose };
