/**
 * Voluntary disruption, an optimization method: remove under-used capacity at the most saving.
 * Scale-in follows the scaling decision and picks its victims for health, zone balance and age;
 * consolidation runs before it on the same surplus above desired and picks the instances whose
 * removal saves the most: empty ones first (serving no load yet: pending, or not registered in
 * the fleet's target groups), then the most expensive that still fit in the surplus, so the fleet
 * keeps its desired capacity. Its moves carry their estimated saving for the gates.
 */
import type { FleetConfig } from '../../config.ts';
import { type Member, sumUnits } from '../../placement.ts';
import type { DisruptionContext, DisruptionMethod, Move, Proposal } from './method.ts';
import { NOTHING } from './method.ts';
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
  let left = surplus;
  const moves: Move[] = [];
  for (const { member, monthlyUsd: saving, empty } of candidates.sort(mostWanted)) {
    if (member.units > left) continue;
    const why = empty === undefined ? `it costs the most of those that fit in the ${unitText(left)} left` : `it is empty (${empty})`;
    const reason = `capacity ${currentUnits} is above desired ${desired}; ${why} (${member.instanceType}, ${unitText(member.units)})`;
    moves.push({ instanceId: member.instanceId, launchedAtMs: member.launchedAtMs, reason, keepCapacity: false, monthlySavingUsd: saving });
    left -= member.units;
  }
  return { moves, notes: unpricedNote(unpriced) };
}

export const consolidation: DisruptionMethod = { reason: 'consolidation', optimization: true, propose };
