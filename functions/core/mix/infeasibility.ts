/**
 * Why a mix is infeasible, in words: the families whose omission alone makes it feasible, or,
 * when none does, what is left to launch at all.
 */
import type { ConstraintFamily } from './constraints.ts';
import type { MixModel } from './model.ts';
import type { InfeasibleMix, MixProblem } from './problem.ts';

/**
 * The answer for an infeasible problem. `culprits`: the families that, left out one at a time,
 * make it feasible (in OPTIONAL_FAMILIES order); empty when no single one does.
 */
export function explainInfeasible(problem: MixProblem, model: MixModel, culprits: readonly ConstraintFamily[]): InfeasibleMix {
  const demands = culprits.flatMap((family) => model.constraints.filter((constraint) => constraint.family === family).map((constraint) => constraint.demand));
  if (demands.length === 1) return { feasible: false, reason: `infeasible: ${demands.join('')} cannot be met for ${problem.neededUnits} units` };
  if (demands.length > 1) {
    return { feasible: false, reason: `infeasible: ${demands.join(' and ')} cannot all be met for ${problem.neededUnits} units (relaxing any one of them would do)` };
  }
  const excluded = problem.exclusions.filter((exclusion) => problem.nowMs < exclusion.untilMs).length;
  const reserved = model.cells.filter((cell) => cell.market === 'reserved').length;
  if (model.cells.every((cell) => cell.market === 'reserved')) {
    return {
      feasible: false,
      reason: `infeasible: need ${problem.neededUnits} units but no type+zone is open (${problem.offers.length} offers, ${excluded} capacity-error exclusions, ${reserved} reservation cells)`,
    };
  }
  const families = model.constraints.filter((constraint) => constraint.family !== 'need').map((constraint) => constraint.demand);
  return { feasible: false, reason: `infeasible: ${families.join(' and ')} cannot all be met for ${problem.neededUnits} units (relaxing one alone is not enough)` };
}
