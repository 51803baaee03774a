/**
 * Voluntary disruption: replace instances not on the roll's image, oldest first, replacement
 * first, as many as the roll's checkpoint allows (core/images/roll.ts). Protected instances are
 * skipped until the forced-patch deadline; past it, neither protection nor the budgets hold it back.
 */
import { type DisruptionMethod, NOTHING } from './method.ts';

export const roll: DisruptionMethod = {
  reason: 'roll',
  propose({ members, roll: plan }) {
    if (plan === undefined || plan.count === 0) return NOTHING;
    const forced = plan.forced ? '; past the forced-patch deadline (images.roll.forceAfter): budgets and protection do not hold it back' : '';
    const moves = members
      .filter((m) => m.imageId !== plan.targetImageId && (plan.forced || !m.protected))
      .sort((a, b) => a.launchedAtMs - b.launchedAtMs || (a.instanceId < b.instanceId ? -1 : 1))
      .slice(0, plan.count)
      .map((m) => ({ instanceId: m.instanceId, launchedAtMs: m.launchedAtMs, reason: `${plan.why}; it runs ${m.imageId ?? 'an unknown image'}${forced}`, keepCapacity: true }));
    return { moves, notes: [], ...(plan.forced ? { unbounded: true } : {}) };
  },
};
