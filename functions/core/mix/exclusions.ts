/**
 * What capacity errors taught the mix, kept in the fleet's status: a type+zone (in one market)
 * left out for a while after EC2 had no capacity for it, bounded in number, expiring by itself.
 */
import type { CapacityExclusion } from './problem.ts';

/** How long a type+zone stays out of the mix after a capacity error. */
export const MIX_EXCLUSION_MS = 15 * 60_000;

/** At most this many exclusions are remembered (the newest). */
export const MAX_MIX_EXCLUSIONS = 50;

const sameCell = (a: CapacityExclusion, b: CapacityExclusion) => a.type === b.type && a.zone === b.zone && a.market === b.market;

/** The exclusions still in force, with the new ones added (a repeated cell keeps its latest expiry), newest last, bounded. */
export function mergeExclusions(kept: readonly CapacityExclusion[], added: readonly CapacityExclusion[], nowMs: number): CapacityExclusion[] {
  const live = kept.filter((exclusion) => nowMs < exclusion.untilMs && !added.some((other) => sameCell(exclusion, other)));
  return [...live, ...added].slice(-MAX_MIX_EXCLUSIONS);
}

/** The added exclusions not already in force for the same cell and reason: a lesson repeated keeps its first expiry, so a step that learns nothing new writes nothing. */
export function newExclusions(kept: readonly CapacityExclusion[], added: readonly CapacityExclusion[], nowMs: number): CapacityExclusion[] {
  return added.filter((exclusion) => !kept.some((other) => nowMs < other.untilMs && sameCell(exclusion, other) && other.reason === exclusion.reason));
}

/** One exclusion in words, with how long it has left: "m5.large spot in eu-west-1a for another 14 min". */
export function describeExclusion(exclusion: CapacityExclusion, nowMs: number): string {
  const minutes = Math.max(1, Math.ceil((exclusion.untilMs - nowMs) / 60_000));
  const why = exclusion.reason === undefined || exclusion.reason === 'capacity-error' ? '' : ` (${exclusion.reason})`;
  return `${exclusion.type}${exclusion.market === undefined ? '' : ` ${exclusion.market}`} in ${exclusion.zone} for another ${minutes} min${why}`;
}
