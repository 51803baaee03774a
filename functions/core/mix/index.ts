/** The exact instance mix: the problem, its integer program, and reading the solver's answer. */
export type * from './problem.ts';
export type { ConstraintFamily } from './constraints.ts';
export { mixModel, OPTIONAL_FAMILIES } from './model.ts';
export type { MixModel } from './model.ts';
export { readMix } from './solution.ts';
export type { SolvedCounts } from './solution.ts';
export { explainInfeasible } from './infeasibility.ts';
