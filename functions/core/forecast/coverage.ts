/** Adaptive coverage: the fleet's missed periods move the coverage the headroom uses (adaptive conformal inference, Gibbs & Candès 2021). */
import { type ForecastModel, type ForecastSettings, type LoadHistory, MISS_RUN_PERIODS, SHORT } from './types.ts';

/** The lowest coverage the gain may move to: at most twice the share of errors uncovered that the configured one leaves. */
const coverageLimit = (coverage: number) => 2 * coverage - 1;

/** The coverage a fleet that was never short over a whole history window moves down to. */
export function lowestCoverage(settings: Pick<ForecastSettings, 'coverage' | 'coverageGain' | 'historySteps'>): number {
  return Math.max(coverageLimit(settings.coverage), settings.coverage - settings.coverageGain * (1 - settings.coverage) * settings.historySteps);
}

/**
 * Whether period k of `flags` is a missed period in a window of them that starts at `start`: the
 * fleet was short, and not already in the periods just before it. A run of short periods counts
 * at most its first MISS_RUN_PERIODS: the rest is a level the load jumped to, which the launches
 * the run set off answer, and which more headroom in every period would buy back dearly.
 */
export function isMissedPeriod(flags: ArrayLike<number>, k: number, start: number): boolean {
  if (flags[k] !== SHORT) return false;
  for (let back = 1; back <= MISS_RUN_PERIODS; back++) if (k - back < start || flags[k - back] !== SHORT) return true;
  return false;
}

/** The missed periods in the history (isMissedPeriod). */
function missedPeriodsOf(history: LoadHistory): number {
  if (history.missedPeriods !== undefined) return history.missedPeriods;
  const flags = history.saturated ?? [];
  let missed = 0;
  for (let k = 0; k < flags.length; k++) if (isMissedPeriod(flags, k, 0)) missed++;
  return missed;
}

/** The coverage the headroom uses this step, and the missed periods that moved it. */
export interface CoverageNow {
  readonly coverage: number;
  readonly missedPeriods: number;
  /** Periods of history they were counted over. */
  readonly periods: number;
}

/**
 * The model's coverage moved by the missed periods in the history: up by coverageGain for each one
 * beyond the share (1 - coverage) of the periods, down for each one fewer; at most 1 (the largest
 * error learned), and leaving at most twice the configured share of errors uncovered.
 */
export function coverageNow(model: ForecastModel, history: LoadHistory): CoverageNow {
  const periods = history.values.length;
  const missedPeriods = missedPeriodsOf(history);
  const moved = model.coverage + model.coverageGain * (missedPeriods - (1 - model.coverage) * periods);
  return { coverage: Math.min(1, Math.max(coverageLimit(model.coverage), moved)), missedPeriods, periods };
}
