/**
 * Voluntary disruption, an optimization method: when the fleet's zones drift apart by more than
 * optimization.zoneRebalance.maxSkew instances, replace the oldest instances of the fullest zone,
 * replacement first; launches go to the zone with the fewest, so each move fills the emptiest.
 * Only the zones launches may use count (neither degraded nor evacuated). It waits while any
 * instance is out of service: a replacement under way launches into the emptiest zone anyway, and
 * rebalancing around the gap it leaves would replace a second instance for nothing.
 */
import type { Member } from '../../placement.ts';
import { type DisruptionContext, type DisruptionMethod, type Move, NOTHING, type Proposal } from './method.ts';

const olderFirst = (a: Member, b: Member) => a.launchedAtMs - b.launchedAtMs || (a.instanceId < b.instanceId ? -1 : 1);

/** The fullest and emptiest zone, the first listed on a tie. */
function extremes(zones: readonly string[], counts: ReadonlyMap<string, number>): { fullest: string; emptiest: string } {
  let fullest = zones[0] ?? '';
  let emptiest = fullest;
  for (const zone of zones) {
    if ((counts.get(zone) ?? 0) > (counts.get(fullest) ?? 0)) fullest = zone;
    if ((counts.get(zone) ?? 0) < (counts.get(emptiest) ?? 0)) emptiest = zone;
  }
  return { fullest, emptiest };
}

function propose({ fleet, members, zones, disrupting }: DisruptionContext): Proposal {
  if (fleet.optimization === undefined || zones === undefined || zones.length < 2 || (disrupting ?? 0) > 0) return NOTHING;
  const { maxSkew } = fleet.optimization.zoneRebalance;
  const counts = new Map<string, number>(zones.map((zone) => [zone, 0]));
  const movable = new Map<string, Member[]>(zones.map((zone) => [zone, []]));
  for (const member of members) {
    const count = counts.get(member.availabilityZone);
    if (count === undefined) continue;
    counts.set(member.availabilityZone, count + 1);
    if (!member.protected) movable.get(member.availabilityZone)?.push(member);
  }
  for (const queue of movable.values()) queue.sort(olderFirst);
  const moves: Move[] = [];
  for (;;) {
    const { fullest, emptiest } = extremes(zones, counts);
    const most = counts.get(fullest) ?? 0;
    const fewest = counts.get(emptiest) ?? 0;
    if (most - fewest <= maxSkew) return { moves, notes: [] };
    const member = movable.get(fullest)?.shift();
    if (member === undefined) return { moves, notes: [`zone-rebalance: ${fullest} has ${most} instances and ${emptiest} ${fewest}, but none left in ${fullest} may be moved (protected)`] };
    const reason = `zones drift apart: ${fullest} has ${most} instances and ${emptiest} ${fewest}, ${most - fewest} apart beyond optimization.zoneRebalance.maxSkew ${maxSkew}; its replacement goes to ${emptiest}`;
    moves.push({ instanceId: member.instanceId, launchedAtMs: member.launchedAtMs, reason, keepCapacity: true });
    counts.set(fullest, most - 1);
    counts.set(emptiest, fewest + 1);
  }
}

export const zoneRebalance: DisruptionMethod = { reason: 'zone-rebalance', optimization: true, propose };
