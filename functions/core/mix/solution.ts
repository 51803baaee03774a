/**
 * Turns the solver's counts into the mix: allocations per (type, zone, market), their cost, the
 * LP bound and gap, the constraints that shaped it, and one reason with its numbers.
 */
import type { ConstraintFamily } from './constraints.ts';
import type { MixModel } from './model.ts';
import type { FeasibleMix, MixAllocation, MixProblem } from './problem.ts';

export interface SolvedCounts {
  /** Each cell's count by variable name, as the solver returned it (rounded here). */
  readonly values: Readonly<Record<string, number>>;
  /** The LP relaxation's optimum. */
  readonly lowerBoundPerHour: number;
  /** Whether the solver proved the counts optimal. */
  readonly proven: boolean;
  /** Families whose omission lowers the cost: they shaped the mix. */
  readonly shapedBy: readonly ConstraintFamily[];
}

const money = (perHour: number) => `$${perHour.toFixed(4)}/h`;
const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

function allocations(model: MixModel, counts: ReadonlyMap<string, number>): MixAllocation[] {
  return model.cells.flatMap((cell) => {
    const count = counts.get(cell.name) ?? 0;
    if (count === 0) return [];
    const perHour = cell.market === 'reserved' ? 0 : round6(cell.perHour * count);
    return [{ type: cell.type, zone: cell.zone, market: cell.market, count, units: count * cell.weight, perHour }];
  });
}

const describeAllocation = (allocation: MixAllocation) => `${allocation.count} x ${allocation.type} ${allocation.market} in ${allocation.zone}`;

/** The mix a solved model describes. */
export function readMix(problem: MixProblem, model: MixModel, solved: SolvedCounts): FeasibleMix {
  const counts = new Map(model.cells.map((cell) => [cell.name, Math.max(0, Math.round(solved.values[cell.name] ?? 0))]));
  const chosen = allocations(model, counts);
  const units = chosen.reduce((sum, allocation) => sum + allocation.units, 0);
  const costPerHour = round6(chosen.reduce((sum, allocation) => sum + allocation.perHour, 0));
  const lowerBoundPerHour = round6(Math.min(solved.lowerBoundPerHour, costPerHour));
  const gap = solved.proven || costPerHour === 0 ? 0 : round6((costPerHour - lowerBoundPerHour) / costPerHour);
  const binding = model.constraints
    .filter((constraint) => solved.shapedBy.includes(constraint.family))
    .flatMap((constraint) => {
      const held = constraint.binding(counts);
      return held === undefined ? [] : [held];
    });
  const proof = solved.proven ? 'proven optimal' : `gap ${(gap * 100).toFixed(2)}%`;
  const limits = binding.length === 0 ? 'no limit binding' : binding.join('; ');
  const reason =
    `mix for ${problem.neededUnits} units: ${chosen.map(describeAllocation).join(', ') || 'nothing'} = ${units} units at ${money(costPerHour)} ` +
    `(LP bound ${money(lowerBoundPerHour)}, ${proof}); ${limits}`;
  return { feasible: true, allocations: chosen, units, costPerHour, lowerBoundPerHour, gap, binding, reason };
}
