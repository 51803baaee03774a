/** Voluntary disruption: empty the zones and subnets an operator evacuates, oldest first, replacement first. */
import { isEvacuated } from '../context.ts';
import { type DisruptionMethod, NOTHING } from './method.ts';

export const evacuation: DisruptionMethod = {
  reason: 'evacuation',
  propose({ members, evacuating }) {
    if (evacuating.zones.length + evacuating.subnets.length === 0) return NOTHING;
    const moves = members
      .filter((m) => isEvacuated(evacuating, m) && !m.protected)
      .sort((a, b) => a.launchedAtMs - b.launchedAtMs || (a.instanceId < b.instanceId ? -1 : 1))
      .map((m) => ({ instanceId: m.instanceId, launchedAtMs: m.launchedAtMs, reason: `evacuating ${m.availabilityZone} (${m.subnetId})`, keepCapacity: true }));
    return { moves, notes: [] };
  },
};
