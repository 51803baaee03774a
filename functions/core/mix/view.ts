/**
 * What a control step knows of its fleet's mix, solved by the shell before the step decides: the
 * decision (or why there is none), every offer with its prices (to price what runs), the
 * capacity-error exclusions it was solved with, and the price notes for the decision log.
 */
import type { CapacityExclusion, MixDecision, MixOffer } from './problem.ts';

export interface MixView {
  readonly decision: MixDecision;
  readonly offers: readonly MixOffer[];
  readonly exclusions: readonly CapacityExclusion[];
  readonly notes: readonly string[];
}

const money = (perHour: number) => `$${perHour.toFixed(4)}/h`;

/** The mix in a few words for a launch's or a move's reason: its cost, its bound and its gap. */
export function mixSummary(view: MixView): string {
  const { decision } = view;
  if (!decision.feasible) return decision.reason;
  const proof = decision.gap === 0 ? 'gap 0, proven optimal' : `gap ${(decision.gap * 100).toFixed(2)}%`;
  return `mix ${money(decision.costPerHour)} for ${decision.units} units (LP bound ${money(decision.lowerBoundPerHour)}, ${proof})`;
}
