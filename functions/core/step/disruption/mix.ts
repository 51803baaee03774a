/**
 * Voluntary disruption: move what runs to the exact mix. An instance in a cell (type × zone ×
 * market) holding more than the mix wants there is replaced, replacement first, by one in a cell
 * the fleet is short of, in the order the launches fill them; only when the move saves money,
 * its estimated monthly saving in its reason and on the move. Nothing moves while the fleet is
 * below desired, into a degraded or evacuated zone, or (without a disruption budget naming
 * `mix`) while any instance is out of service: then it moves one at a time.
 */
import { sumUnits } from '../../placement.ts';
import { type FleetCell, cellKey, fleetCells, marketOf } from '../../mix/fleet-cells.ts';
import { mixSummary } from '../../mix/view.ts';
import { type DisruptionContext, type DisruptionMethod, type Move, NOTHING, type Proposal } from './method.ts';

/** Hours in a month as AWS prices them (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

const round2 = (value: number) => Math.round(value * 100) / 100;

const budgeted = ({ fleet }: DisruptionContext) => (fleet.disruption?.budgets ?? []).some((budget) => budget.reasons === undefined || budget.reasons.includes('mix'));

/** The cells the fleet is short of that a replacement may go to, each repeated once per missing instance. */
function openSlots(context: DisruptionContext, cells: readonly FleetCell[]): FleetCell[] {
  const blocked = (zone: string) => context.degraded?.has(zone) === true || context.evacuating.zones.includes(zone);
  return cells.filter((cell) => cell.wanted > cell.running && cell.perHour !== undefined && !blocked(cell.zone)).flatMap((cell) => Array.from({ length: cell.wanted - cell.running }, () => cell));
}

function propose(context: DisruptionContext): Proposal {
  const { fleet, members, desired, mix: view } = context;
  if (fleet.mix === undefined || view === undefined || !view.decision.feasible || sumUnits(members) < desired) return NOTHING;
  const oneAtATime = !budgeted(context);
  if (oneAtATime && (context.disrupting ?? 0) > 0) return NOTHING;
  const cells = fleetCells(view.decision, view.offers, members);
  const byKey = new Map(cells.map((cell) => [cellKey(cell.type, cell.zone, cell.market), cell]));
  const slots = openSlots(context, cells);
  const surplus = new Map(cells.map((cell) => [cellKey(cell.type, cell.zone, cell.market), cell.running - cell.wanted]));
  const candidates = members
    .filter((m) => !m.protected)
    .sort((a, b) => a.launchedAtMs - b.launchedAtMs || (a.instanceId < b.instanceId ? -1 : 1));
  const moves: Move[] = [];
  for (const member of candidates) {
    const key = cellKey(member.instanceType, member.availabilityZone, marketOf(member));
    const from = byKey.get(key);
    const to = slots[0];
    if (to === undefined || (oneAtATime && moves.length > 0)) break;
    if (from?.perHour === undefined || (surplus.get(key) ?? 0) <= 0) continue;
    const saving = round2((from.perHour - (to.perHour ?? 0) * (member.units / to.weight)) * HOURS_PER_MONTH);
    if (saving <= 0) continue;
    slots.shift();
    surplus.set(key, (surplus.get(key) ?? 0) - 1);
    moves.push({
      instanceId: member.instanceId,
      launchedAtMs: member.launchedAtMs,
      reason: `${key} -> ${to.type} ${to.market} (the mix wants ${from.wanted} ${key} and ${to.wanted} ${cellKey(to.type, to.zone, to.market)}; ${mixSummary(view)})`,
      keepCapacity: true,
      monthlySavingUsd: saving,
    });
  }
  return { moves, notes: [] };
}

export const mix: DisruptionMethod = { reason: 'mix', optimization: true, propose };
