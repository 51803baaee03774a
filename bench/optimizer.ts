/**
 * `npm run bench:optimizer`: the exact mix on 1,000 seeded random problems (up to 40 types x 6
 * zones, up to 2,000 units, random policies, reservations and capacity-error exclusions). For each
 * it solves the integer program and its LP relaxation with HiGHS, then the programs that name what
 * shaped the mix; it prints how many were proven optimal, the gap of the optimum to the LP bound
 * (median, max), and the solve times (median, p99, max) of the answer and of the whole explained
 * decision.
 */
import { loadavg } from 'node:os';
import { seededRandom } from '../dev/seeded-random.ts';
import { solveMix } from '../functions/control/solve-mix.ts';
import type { MixOffer, MixProblem, ZoneBalance } from '../functions/core/mix/index.ts';
import type { LinearSolver } from '../functions/ports/solver.ts';
import { loadHighsSolver } from '../functions/solver/highs-solver.ts';
import { textTable } from '../sim/report.ts';

const PROBLEMS = 1_000;
const SEED = 15;

function randomProblem(random: () => number): MixProblem {
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const types = Array.from({ length: between(1, 40) }, (_, i) => ({ type: `t${i}.large`, weight: [1, 2, 4, 8][between(0, 3)] ?? 1, perUnit: 0.03 + random() * 0.03, spot: random() < 0.8 }));
  const zones = Array.from({ length: between(1, 6) }, (_, i) => `zone-${String.fromCharCode(97 + i)}`);
  const offers: MixOffer[] = types.flatMap((t) =>
    zones.map((zone) => {
      const onDemandPerHour = Math.round(t.perUnit * t.weight * 10_000) / 10_000;
      if (!t.spot) return { type: t.type, zone, weight: t.weight, onDemandPerHour };
      return { type: t.type, zone, weight: t.weight, onDemandPerHour, spotPerHour: Math.round(onDemandPerHour * (0.25 + random() * 0.4) * 10_000) / 10_000 };
    }),
  );
  const neededUnits = between(1, 2_000);
  const pick = <T>(items: readonly T[]) => items[between(0, items.length - 1)] as T;
  return {
    neededUnits,
    offers,
    exclusions: Array.from({ length: between(0, 5) }, () => ({ type: pick(types).type, zone: pick(zones), untilMs: 2_000 })),
    reservations: Array.from({ length: between(0, 3) }, () => ({ type: pick(types).type, zone: pick(zones), available: between(1, 20) })),
    policy: {
      onDemandBaseUnits: Math.floor(neededUnits * random() * 0.3),
      maxSpotShare: pick([0, 0.5, 0.7, 0.9, 1]),
      maxTypeShare: pick([0.2, 0.3, 0.5, 1]),
      maxTypeZoneShare: pick([0.1, 0.2, 1]),
      zoneBalance: pick<ZoneBalance>(['balanced-only', 'best-effort']),
      useReservations: random() < 0.8,
    },
    nowMs: 1_000,
  };
}

/**
 * A solver that times its calls, in wall-clock and in this process's CPU milliseconds (on a
 * shared machine the first includes waiting for a core): the first two of a decision are the
 * answer (integer program, relaxation).
 */
function timed(solver: LinearSolver) {
  const times: number[] = [];
  const cpuTimes: number[] = [];
  return {
    times,
    cpuTimes,
    solver: {
      solve(program: string, limit: number) {
        const start = performance.now();
        const cpuStart = process.cpuUsage();
        const result = solver.solve(program, limit);
        const cpu = process.cpuUsage(cpuStart);
        times.push(performance.now() - start);
        cpuTimes.push((cpu.user + cpu.system) / 1000);
        return result;
      },
    } satisfies LinearSolver,
  };
}

const quantile = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;

const random = seededRandom(SEED);
const highs = await loadHighsSolver();
const answers: number[] = [];
const answerCpu: number[] = [];
const decisions: number[] = [];
const gaps: number[] = [];
let proven = 0;
let infeasible = 0;
let largest = { cells: 0, units: 0 };
for (let i = 0; i < PROBLEMS; i++) {
  const problem = randomProblem(random);
  const clock = timed(highs);
  const start = performance.now();
  const mix = solveMix(problem, clock.solver);
  decisions.push(performance.now() - start);
  answers.push((clock.times[0] ?? 0) + (mix.feasible ? (clock.times[1] ?? 0) : 0));
  answerCpu.push((clock.cpuTimes[0] ?? 0) + (mix.feasible ? (clock.cpuTimes[1] ?? 0) : 0));
  if ((i + 1) % 100 === 0) process.stderr.write(`${i + 1} problems solved\n`);
  if (problem.offers.length > largest.cells) largest = { cells: problem.offers.length, units: problem.neededUnits };
  if (!mix.feasible) {
    infeasible++;
    continue;
  }
  if (mix.gap === 0) proven++;
  gaps.push(mix.lowerBoundPerHour > 0 ? (mix.costPerHour - mix.lowerBoundPerHour) / mix.lowerBoundPerHour : 0);
}
const feasible = PROBLEMS - infeasible;
const percent = (value: number) => `${(value * 100).toFixed(3)}%`;
console.log(`${PROBLEMS} problems (seed ${SEED}): ${feasible} feasible, ${infeasible} infeasible; largest ${largest.cells} type x zone offers; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}`);
console.log(
  textTable(
    ['measure', 'median', 'p99', 'max', 'target'],
    [
      ['proven optimal (of feasible)', `${proven}/${feasible}`, '', '', 'all'],
      ['gap of the optimum to the LP bound', percent(quantile(gaps, 0.5)), percent(quantile(gaps, 0.99)), percent(Math.max(0, ...gaps)), 'reported'],
      ['answer: integer program + relaxation', ms(quantile(answers, 0.5)), ms(quantile(answers, 0.99)), ms(Math.max(...answers)), 'median < 50 ms, p99 < 500 ms'],
      ['answer, CPU time of this process', ms(quantile(answerCpu, 0.5)), ms(quantile(answerCpu, 0.99)), ms(Math.max(...answerCpu)), ''],
      ['explained decision (solveMix)', ms(quantile(decisions, 0.5)), ms(quantile(decisions, 0.99)), ms(Math.max(...decisions)), ''],
    ],
  ),
);
