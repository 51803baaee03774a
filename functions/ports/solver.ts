/**
 * A linear and integer program solver: takes a program in CPLEX LP format and answers at once
 * (synchronous: loading the solver is the adapter's asynchronous part). HiGHS implements it.
 */

export type SolveStatus = 'optimal' | 'infeasible' | 'stopped';

export interface LinearSolution {
  /** optimal: proven; stopped: a limit was reached (values hold the best solution found, if any). */
  readonly status: SolveStatus;
  readonly objective: number;
  readonly values: Readonly<Record<string, number>>;
  /** The solver's own words for its status. */
  readonly detail: string;
}

export interface LinearSolver {
  solve(program: string, timeLimitSeconds: number): LinearSolution;
}
