// Independent definitions for the mix tests: every constraint checked on an answer, the exact
// optimum by enumeration on small problems, and a simple greedy mix to compare costs with.
import type { Market, MixAllocation, MixPolicy, MixProblem } from '../../../functions/core/mix/index.ts';

export const OPEN_POLICY: MixPolicy = {
  onDemandBaseUnits: 0,
  maxSpotShare: 1,
  maxTypeShare: 1,
  maxTypeZoneShare: 1,
  zoneBalance: 'best-effort',
  useReservations: true,
};

interface Slot {
  readonly type: string;
  readonly zone: string;
  readonly market: Market;
  readonly weight: number;
  readonly perHour: number;
  readonly max: number;
}

const open = (problem: MixProblem, type: string, zone: string, market: Market) =>
  market === 'reserved' || !problem.exclusions.some((e) => e.type === type && e.zone === zone && problem.nowMs < e.untilMs && (e.market === undefined || e.market === market));

/** Every (type, zone, market) an answer may use, with its bound (enough to cover the need on its own). */
export function slots(problem: MixProblem): Slot[] {
  return problem.offers.flatMap((offer) => {
    const enough = Math.ceil(Math.max(problem.neededUnits, problem.policy.onDemandBaseUnits) / offer.weight);
    const reserved = problem.policy.useReservations ? problem.reservations.filter((r) => r.type === offer.type && r.zone === offer.zone).reduce((s, r) => s + r.available, 0) : 0;
    const all: Slot[] = [
      { type: offer.type, zone: offer.zone, market: 'on-demand', weight: offer.weight, perHour: offer.onDemandPerHour, max: enough },
      ...(offer.spotPerHour === undefined || problem.policy.maxSpotShare === 0 ? [] : [{ type: offer.type, zone: offer.zone, market: 'spot' as const, weight: offer.weight, perHour: offer.spotPerHour, max: enough }]),
      ...(reserved > 0 ? [{ type: offer.type, zone: offer.zone, market: 'reserved' as const, weight: offer.weight, perHour: 0, max: Math.min(reserved, enough) }] : []),
    ];
    return all.filter((slot) => open(problem, slot.type, slot.zone, slot.market));
  });
}

const sumUnits = (allocations: readonly MixAllocation[], keep: (a: MixAllocation) => boolean) => allocations.filter(keep).reduce((s, a) => s + a.units, 0);

/** Every constraint an answer breaks, in words (empty: it keeps them all). */
export function violations(problem: MixProblem, allocations: readonly MixAllocation[]): string[] {
  const { policy, neededUnits } = problem;
  const found: string[] = [];
  const total = sumUnits(allocations, () => true);
  if (total < neededUnits) found.push(`need: ${total} < ${neededUnits}`);
  const onDemand = sumUnits(allocations, (a) => a.market !== 'spot');
  if (onDemand < policy.onDemandBaseUnits) found.push(`base: ${onDemand} < ${policy.onDemandBaseUnits}`);
  const spot = sumUnits(allocations, (a) => a.market === 'spot');
  if (policy.maxSpotShare < 1 && spot > Math.floor(policy.maxSpotShare * neededUnits)) found.push(`spot: ${spot}`);
  const weightOf = (type: string) => Math.max(...problem.offers.filter((o) => o.type === type).map((o) => o.weight));
  for (const type of new Set(problem.offers.map((o) => o.type))) {
    const units = sumUnits(allocations, (a) => a.type === type);
    if (policy.maxTypeShare < 1 && units > Math.max(Math.floor(policy.maxTypeShare * neededUnits), weightOf(type))) found.push(`type ${type}: ${units}`);
    for (const zone of new Set(problem.offers.map((o) => o.zone))) {
      const inZone = sumUnits(allocations, (a) => a.type === type && a.zone === zone);
      if (policy.maxTypeZoneShare < 1 && inZone > Math.max(Math.floor(policy.maxTypeZoneShare * neededUnits), weightOf(type))) found.push(`type+zone ${type} ${zone}: ${inZone}`);
    }
  }
  for (const a of allocations) {
    if (!open(problem, a.type, a.zone, a.market)) found.push(`excluded ${a.type} ${a.zone} ${a.market}`);
    const reserved = problem.reservations.filter((r) => r.type === a.type && r.zone === a.zone).reduce((s, r) => s + r.available, 0);
    if (a.market === 'reserved' && a.count > reserved) found.push(`reserved ${a.type} ${a.zone}: ${a.count} > ${reserved}`);
  }
  const zones = [...new Set(problem.offers.map((o) => o.zone))].filter((zone) => policy.zoneBalance === 'balanced-only' || slots(problem).some((s) => s.zone === zone));
  const perZone = zones.map((zone) => sumUnits(allocations, (a) => a.zone === zone));
  const skew = Math.max(...problem.offers.map((o) => o.weight));
  if (zones.length > 1 && Math.max(...perZone) - Math.min(...perZone) > skew) found.push(`balance: ${perZone.join('/')}`);
  return found;
}

const asAllocations = (chosen: readonly Slot[], counts: readonly number[]): MixAllocation[] =>
  chosen.flatMap((slot, i) => {
    const count = counts[i] ?? 0;
    return count === 0 ? [] : [{ type: slot.type, zone: slot.zone, market: slot.market, count, units: count * slot.weight, perHour: slot.perHour * count }];
  });

/** The cheapest answer by enumerating every count vector (small problems only); undefined: infeasible. */
export function bruteForceCost(problem: MixProblem): number | undefined {
  const all = slots(problem);
  let best: number | undefined;
  const counts = all.map(() => 0);
  // No optimum holds more than the need (or base) plus one largest instance per zone.
  const ceiling = Math.max(problem.neededUnits, problem.policy.onDemandBaseUnits) + Math.max(0, ...problem.offers.map((o) => o.weight)) * new Set(problem.offers.map((o) => o.zone)).size;
  const visit = (index: number, units: number) => {
    if (index === all.length) {
      const allocations = asAllocations(all, counts);
      const cost = allocations.reduce((s, a) => s + (a.market === 'reserved' ? 0 : a.perHour), 0);
      if ((best === undefined || cost < best - 1e-9) && violations(problem, allocations).length === 0) best = cost;
      return;
    }
    const slot = all[index] as Slot;
    for (let count = 0; count <= slot.max && units + count * slot.weight <= ceiling; count++) {
      counts[index] = count;
      visit(index + 1, units + count * slot.weight);
    }
    counts[index] = 0;
  };
  visit(0, 0);
  return best;
}

/** The greedy mix: one instance at a time of the cheapest unit that keeps the caps, until the need is met. */
export function greedyMix(problem: MixProblem): MixAllocation[] {
  const all = slots(problem).sort((a, b) => a.perHour / a.weight - b.perHour / b.weight);
  const counts = all.map(() => 0);
  for (let units = 0; units < problem.neededUnits; ) {
    const index = all.findIndex((slot, i) => {
      if (counts[i] === slot.max && slot.market === 'reserved') return false;
      counts[i] = (counts[i] ?? 0) + 1;
      const ok = violations(problem, asAllocations(all, counts)).every((v) => v.startsWith('need') || v.startsWith('base') || v.startsWith('balance'));
      counts[i] = (counts[i] ?? 0) - 1;
      return ok;
    });
    if (index < 0) return asAllocations(all, counts);
    counts[index] = (counts[index] ?? 0) + 1;
    units += all[index]?.weight ?? 0;
  }
  return asAllocations(all, counts);
}

export const costOf = (allocations: readonly MixAllocation[]) => allocations.reduce((s, a) => s + (a.market === 'reserved' ? 0 : a.perHour), 0);
