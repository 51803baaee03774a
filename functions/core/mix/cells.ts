/**
 * The mix's decision variables: one cell per (type, zone, market) that may be launched now,
 * after exclusions (an excluded cell is closed, or bounded by the instances its exclusion keeps
 * there), with its hourly price; reserved cells come from open reservations and are bounded by
 * what they hold.
 */
import type { CapacityExclusion, Market, MixOffer, MixProblem } from './problem.ts';

/** A tiny hourly cost on reserved instances, so that a reservation is not used beyond the need. */
export const RESERVED_TIE_BREAK_PER_HOUR = 1e-6;

export interface MixCell {
  readonly name: string;
  readonly type: string;
  readonly zone: string;
  readonly market: Market;
  readonly weight: number;
  /** The hourly price the objective uses. */
  readonly perHour: number;
  /** At most this many instances (reserved cells); unbounded otherwise. */
  readonly maxCount?: number;
}

const excludes = (exclusion: CapacityExclusion, offer: MixOffer, market: Market, nowMs: number) =>
  exclusion.type === offer.type && exclusion.zone === offer.zone && nowMs < exclusion.untilMs && (exclusion.market === undefined || exclusion.market === market);

/** An excluded cell holds at most what its exclusions keep there (none unless they say), an open one is unbounded (undefined). */
function keptOf(problem: MixProblem, offer: MixOffer, market: Market): number | undefined {
  const matching = problem.exclusions.filter((exclusion) => excludes(exclusion, offer, market, problem.nowMs));
  return matching.length === 0 ? undefined : Math.min(...matching.map((exclusion) => exclusion.keep ?? 0));
}

/** Every cell the mix may use now, in a stable order (offers order, then on-demand, Spot, reserved). */
export function mixCells(problem: MixProblem): MixCell[] {
  const cells: MixCell[] = [];
  const add = (offer: MixOffer, market: Market, perHour: number, maxCount?: number) => {
    const cell = { name: `x${cells.length}`, type: offer.type, zone: offer.zone, market, weight: offer.weight, perHour };
    if (maxCount !== 0) cells.push(maxCount === undefined ? cell : { ...cell, maxCount });
  };
  for (const offer of problem.offers) {
    add(offer, 'on-demand', offer.onDemandPerHour, keptOf(problem, offer, 'on-demand'));
    if (offer.spotPerHour !== undefined && problem.policy.maxSpotShare > 0) add(offer, 'spot', offer.spotPerHour, keptOf(problem, offer, 'spot'));
    const reserved = problem.policy.useReservations
      ? problem.reservations.filter((r) => r.type === offer.type && r.zone === offer.zone).reduce((sum, r) => sum + r.available, 0)
      : 0;
    if (reserved > 0) add(offer, 'reserved', RESERVED_TIE_BREAK_PER_HOUR, reserved);
  }
  return cells;
}

/** The zones of the offers, in first-seen order. */
export const offerZones = (problem: MixProblem): string[] => [...new Set(problem.offers.map((offer) => offer.zone))];
