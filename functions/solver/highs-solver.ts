/**
 * The LinearSolver port on HiGHS compiled to WebAssembly (npm highs). It lives outside the core
 * because loading it is asynchronous and reads highs.wasm from the file system; each solve is a
 * fresh, synchronous HiGHS instance, so solves share no state.
 */
import * as highsPackage from 'highs';
import type { Highs } from 'highs';
import type { LinearSolution, LinearSolver, SolveStatus } from '../ports/solver.ts';

/** HiGHS statuses that are not a proven optimum or a proven infeasibility. */
const INFEASIBLE = new Set(['Infeasible', 'Primal infeasible or unbounded']);

function statusOf(highsStatus: string): SolveStatus {
  if (highsStatus === 'Optimal') return 'optimal';
  return INFEASIBLE.has(highsStatus) ? 'infeasible' : 'stopped';
}

/**
 * The loader: the package's types are CommonJS (the namespace typed as its default export), its
 * ESM build has the loader as its default export, so the cast restates what runs.
 */
const loadHighs = highsPackage.default as unknown as () => Promise<Highs>;

/** Loads HiGHS once; the solver it returns is exact (relative and absolute MIP gap 0). */
export async function loadHighsSolver(): Promise<LinearSolver> {
  const highs = await loadHighs();
  return {
    solve(program: string, timeLimitSeconds: number): LinearSolution {
      const result = highs.solve(program, { output_flag: false, mip_rel_gap: 0, mip_abs_gap: 1e-9, time_limit: timeLimitSeconds });
      const status = statusOf(result.Status);
      const values = status === 'infeasible' ? {} : Object.fromEntries(Object.entries(result.Columns).map(([name, column]) => [name, 'Primal' in column ? column.Primal : 0]));
      return { status, objective: result.ObjectiveValue, values, detail: result.Status };
    },
  };
}
