/**
 * Solves the exact instance mix with a LinearSolver: the integer program, its LP relaxation for
 * the lower bound, and one program per constraint family left out, to name the families that
 * shaped the mix or, when there is none, the ones that make it infeasible. Never throws for an
 * infeasible problem: it answers "infeasible: <which constraint>".
 */
import type { ConstraintFamily, MixDecision, MixProblem } from '../core/mix/index.ts';
import { OPTIONAL_FAMILIES, explainInfeasible, mixModel, readMix } from '../core/mix/index.ts';
import type { LinearSolver } from '../ports/solver.ts';

/** Seconds one program may take; a stopped solve still answers with its best mix and its gap. */
export const MIX_TIME_LIMIT_SECONDS = 5;

/** Costs closer than this are equal (a micro-dollar an hour). */
const COST_TOLERANCE = 1e-6;

export function solveMix(problem: MixProblem, solver: LinearSolver, timeLimitSeconds = MIX_TIME_LIMIT_SECONDS): MixDecision {
  const model = mixModel(problem);
  const present = OPTIONAL_FAMILIES.filter((family) => model.constraints.some((constraint) => constraint.family === family));
  const solveWithout = (family: ConstraintFamily) => solver.solve(mixModel(problem, [family]).integerProgram, timeLimitSeconds);
  const mip = solver.solve(model.integerProgram, timeLimitSeconds);
  const found = mip.status === 'optimal' || (mip.status === 'stopped' && Object.keys(mip.values).length > 0 && Number.isFinite(mip.objective));
  if (!found) {
    if (mip.status === 'stopped') return { feasible: false, reason: `infeasible: no mix found within ${timeLimitSeconds} s (${mip.detail})` };
    return explainInfeasible(problem, model, present.filter((family) => solveWithout(family).status !== 'infeasible'));
  }
  const relaxation = solver.solve(model.relaxation, timeLimitSeconds);
  const shapedBy = present.filter((family) => {
    const without = solveWithout(family);
    return without.status !== 'infeasible' && without.objective < mip.objective - COST_TOLERANCE;
  });
  const lowerBoundPerHour = relaxation.status === 'optimal' ? relaxation.objective : 0;
  return readMix(problem, model, { values: mip.values, lowerBoundPerHour, proven: mip.status === 'optimal', shapedBy });
}
