/**
 * Voluntary disruption, an optimization method: remove under-used capacity at the most saving.
 * Scale-in follows the scaling decision and picks its victims for health, zone balance and age;
 * consolidation runs before it on the same surplus above desired and picks the instances whose
 * removal saves the most: empty ones first (serving no load yet: pending, or not registered in
 * the fleet's target groups), then the most expensive that still fit in the surplus, so the fleet
 * keeps its desired capacity; among equally empty and costly ones, from the zone with the most
 * instances, so the zones stay balanced. Its moves carry their estimated saving for the gates.
 */
import type { FleetConfig } from '../../config.ts';
import { type Member, sumUnits } from '../../placement.ts';
import { type DisruptionContext, type DisruptionMethod, type Move, NOTHING, type Proposal } from './method.ts';
import { monthlyUsd, pricesOf } from './savings.ts';

/** Why the instance serves no load, when it serves none. */
function emptyBecause(member: Member, fleet: FleetConfig): string | undefined {
  if (member.state === 'pending') return 'pending: it serves no load yet';
  if (fleet.targetGroups.length > 0 && member.targetHealth === 'not-registered') return 'not registered in the target groups: it serves no requests';
  return undefined;
}

interface Candidate {
  readonly member: Member;
  readonly monthlyUsd: number;
  readonly empty?: string;
}

const mostWanted = (a: Candidate, b: Candidate) =>
  Number(b.empty !== undefined) - Number(a.empty !== undefined) ||
  b.monthlyUsd - a.monthlyUsd ||
  a.member.launchedAtMs - b.member.launchedAtMs ||
  (a.member.instanceId < b.member.instanceId ? -1 : 1);

const sameTier = (a: Candidate, b: Candidate) => (a.empty === undefined) === (b.empty === undefined) && a.monthlyUsd === b.monthlyUsd;

interface Pick {
  readonly candidate: Candidate;
  /** Units still to remove before this one. */
  readonly left: number;
  /** Instances in its zone before this one goes. */
  readonly inZone: number;
}

/**
 * Within one tier (as empty and as costly), the instances that fit in `room` units, each taken
 * from the zone with the most instances left, so that removing them keeps the zones balanced.
 */
function pickFromTier(tier: readonly Candidate[], zoneCounts: Map<string, number>, room: number): Pick[] {
  const queues = new Map<string, { readonly queue: Candidate[]; next: number }>();
  for (const candidate of tier) {
    const zone = candidate.member.availabilityZone;
    const entry = queues.get(zone) ?? { queue: [], next: 0 };
    entry.queue.push(candidate);
    queues.set(zone, entry);
  }
  const picks: Pick[] = [];
  let left = room;
  for (;;) {
    let best: string | undefined;
    for (const [zone, entry] of queues) {
      while (entry.next < entry.queue.length && (entry.queue[entry.next]?.member.units ?? 0) > left) entry.next += 1;
      if (entry.next < entry.queue.length && (best === undefined || (zoneCounts.get(zone) ?? 0) > (zoneCounts.get(best) ?? 0))) best = zone;
    }
    const entry = best === undefined ? undefined : queues.get(best);
    const candidate = entry?.queue[entry.next];
    if (best === undefined || entry === undefined || candidate === undefined) return picks;
    entry.next += 1;
    const inZone = zoneCounts.get(best) ?? 0;
    picks.push({ candidate, left, inZone });
    zoneCounts.set(best, inZone - 1);
    left -= candidate.member.units;
  }
}

/** The candidates to remove, tier by tier, most wanted first, within the surplus. */
function pickAll(candidates: readonly Candidate[], members: readonly Member[], surplus: number): Pick[] {
  const zoneCounts = new Map<string, number>();
  for (const member of members) zoneCounts.set(member.availabilityZone, (zoneCounts.get(member.availabilityZone) ?? 0) + 1);
  const sorted = [...candidates].sort(mostWanted);
  const picks: Pick[] = [];
  let left = surplus;
  for (let start = 0; start < sorted.length && left > 0; ) {
    let end = start + 1;
    while (end < sorted.length && sameTier(sorted[start] as Candidate, sorted[end] as Candidate)) end += 1;
    const tierPicks = pickFromTier(sorted.slice(start, end), zoneCounts, left);
    picks.push(...tierPicks);
    left -= tierPicks.reduce((total, pick) => total + pick.candidate.member.units, 0);
    start = end;
  }
  return picks;
}

const unitText = (units: number) => `${units} unit${units === 1 ? '' : 's'}`;

function unpricedNote(unpriced: readonly Member[]): string[] {
  if (unpriced.length === 0) return [];
  const types = [...new Set(unpriced.map((m) => m.instanceType))].sort().join(', ');
  return [`consolidation: no price for ${types} (${unpriced.length} instance(s)): left to scale-in`];
}

function propose({ fleet, members, desired, ...context }: DisruptionContext): Proposal {
  if (fleet.optimization === undefined) return NOTHING;
  const currentUnits = sumUnits(members);
  const surplus = currentUnits - desired;
  if (surplus <= 0) return NOTHING;
  const prices = pricesOf(context);
  const candidates: Candidate[] = [];
  const unpriced: Member[] = [];
  for (const member of members.filter((m) => !m.protected)) {
    const cost = monthlyUsd(member.instanceType, prices);
    const empty = emptyBecause(member, fleet);
    if (cost === undefined) unpriced.push(member);
    else candidates.push({ member, monthlyUsd: cost, ...(empty === undefined ? {} : { empty }) });
  }
  const moves = pickAll(candidates, members, surplus).map(({ candidate: { member, monthlyUsd: saving, empty }, left, inZone }): Move => {
    const where = `${member.availabilityZone}, ${inZone} instance${inZone === 1 ? '' : 's'} there`;
    const why = empty === undefined ? `it costs the most of those that fit in the ${unitText(left)} left` : `it is empty (${empty})`;
    const reason = `capacity ${currentUnits} is above desired ${desired}; ${why} (${member.instanceType}, ${unitText(member.units)}; ${where})`;
    return { instanceId: member.instanceId, launchedAtMs: member.launchedAtMs, reason, keepCapacity: false, monthlySavingUsd: saving };
  });
  return { moves, notes: unpricedNote(unpriced) };
}

export const consolidation: DisruptionMethod = { reason: 'consolidation', optimization: true, propose };
