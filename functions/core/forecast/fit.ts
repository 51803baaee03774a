/** Fitting a model: each method is replayed with each error scale, and the one that would have cost the least wins and keeps its error tails. */
import { lowestCoverage } from './coverage.ts';
import { formatHours } from './describe.ts';
import { POWER, scaledErrors, upperOf } from './error-scale.ts';
import { fitLinear, LINEAR_MIN_POINTS } from './linear.ts';
import { lookback, periodsPerDay, SEASONAL, Series } from './methods.ts';
import { rankOf, select } from './quantile.ts';
import { replay } from './replay.ts';
import {
  ERROR_SCALES,
  type ErrorScale,
  FORECAST_METHODS,
  type ForecastFit,
  type ForecastMethod,
  type ForecastSettings,
  type LoadHistory,
} from './types.ts';

/** At most this many replayed points per fit: a stride keeps a fit's cost bounded. */
const MAX_BACKTEST_POINTS = 2160;

/** The periods a fit replays: every stride-th one from first on, each with a horizon of history after it. */
interface FitWindow {
  /** Periods ahead each replayed point is forecast for. */
  readonly horizon: number;
  /** Periods of history the errors are learned from. */
  readonly span: number;
  readonly first: number;
  readonly stride: number;
  readonly points: readonly number[];
}

/** What every candidate is replayed on and measured against. */
interface BacktestInput {
  readonly history: LoadHistory;
  readonly window: FitWindow;
  readonly series: Series;
  /** For 1..horizon periods ahead, the value that came after each replayed point. */
  readonly actual: readonly Float64Array[];
  /** The error scale's minimum load: 1% of the mean load from the first replayed point on. */
  readonly floor: number;
  /** The linear method's weights; none when too few points are replayed to fit them. */
  readonly weights: number[][];
}

/** A method with an error scale, replayed: its point forecasts and its headroom quantile, per period ahead. */
interface Candidate {
  readonly method: ForecastMethod;
  readonly errorScale: ErrorScale;
  readonly predicted: readonly Float64Array[];
  readonly quantiles: readonly number[];
}

/**
 * The longest lookback among the methods that can replay: a method whose first forecast needs more
 * than half the history waits, as replaying it would leave every other method only the few periods
 * after its lookback to learn errors from.
 */
function baseLookback(length: number, stepMs: number): number {
  return Math.max(...FORECAST_METHODS.filter((m) => !SEASONAL.has(m) && 2 * lookback(m, stepMs) <= length).map((m) => lookback(m, stepMs)));
}

/**
 * The span shortened for the seasonal methods: one joins once a day of errors can be replayed
 * after its first cycle, up to the point `last`; every method is then replayed over the same span.
 */
function seasonalSpan(span: number, last: number, backtestSteps: number, stepMs: number): number {
  const day = periodsPerDay(stepMs);
  let shortest = span;
  for (const method of SEASONAL) {
    const room = last - lookback(method, stepMs) + 1;
    if (room >= Math.min(backtestSteps, day)) shortest = Math.min(shortest, room);
  }
  return shortest;
}

/** The window a fit replays, or why the history is too short for one. */
function fitWindow(history: LoadHistory, settings: ForecastSettings): FitWindow | { readonly unavailable: string } {
  const { values, stepMs } = history;
  const horizon = Math.max(1, settings.horizonSteps);
  if (values.length < settings.minHistorySteps) {
    const have = (values.length * stepMs) / 3_600_000;
    const need = (settings.minHistorySteps * stepMs) / 3_600_000;
    return { unavailable: `${formatHours(have)} of load history, ${formatHours(need)} needed` };
  }
  const last = values.length - 1 - horizon;
  const longest = Math.min(settings.backtestSteps, last - baseLookback(values.length, stepMs) + 1);
  if (longest < 2 * horizon) return { unavailable: 'too little load history to learn the forecast error from' };
  const span = seasonalSpan(longest, last, settings.backtestSteps, stepMs);
  const first = last - span + 1;
  const stride = Math.ceil(span / MAX_BACKTEST_POINTS);
  const points: number[] = [];
  for (let i = first; i <= last; i += stride) points.push(i);
  return { horizon, span, first, stride, points };
}

/** The value `ahead` periods after each replayed point (a loop: Float64Array.from with a mapping function is slow). */
function valuesAhead(values: ArrayLike<number>, points: readonly number[], ahead: number): Float64Array {
  const found = new Float64Array(points.length);
  for (let j = 0; j < points.length; j++) found[j] = values[(points[j] ?? 0) + ahead] ?? 0;
  return found;
}

/** The window with what it is replayed on: the prefix sums, the values that came, the error floor, the linear weights. */
function backtestInput(history: LoadHistory, window: FitWindow): BacktestInput {
  const { values } = history;
  const { horizon, points } = window;
  const series = new Series(values);
  return {
    history,
    window,
    series,
    actual: Array.from({ length: horizon }, (_, index) => valuesAhead(values, points, index + 1)),
    floor: Math.max(1e-9, 0.01 * series.mean(window.first, values.length - 1)),
    weights: points.length >= LINEAR_MIN_POINTS ? fitLinear(values, points, horizon) : [],
  };
}

/** Whether a method has the history (and, the linear one, the weights) to be replayed from the first point. */
function canReplay(input: BacktestInput, method: ForecastMethod): boolean {
  return input.window.first - lookback(method, input.history.stepMs) + 1 >= 0 && (method !== 'linear' || input.weights.length > 0);
}

/** Every method that can replay, with each error scale: the `coverage` quantile of its scaled errors. */
function backtest(input: BacktestInput, coverage: number): Candidate[] {
  const { history, window, actual, floor } = input;
  const rank = rankOf(coverage, window.points.length);
  const scratch = new Float64Array(window.points.length);
  return FORECAST_METHODS.filter((method) => canReplay(input, method)).flatMap((method) => {
    const predicted = replay(method, history.values, input.series, window.points, window.horizon, history.stepMs, input.weights);
    return ERROR_SCALES.map((errorScale) => ({
      method,
      errorScale,
      predicted,
      quantiles: actual.map((truth, h) => select(scaledErrors(truth, predicted[h] as Float64Array, POWER[errorScale], floor, scratch), rank)),
    }));
  });
}

/** What a candidate would have cost per period: the capacity it asks for, plus a boot's billing per launch. */
function costOf(candidate: Candidate, input: BacktestInput, bootSteps: number): number {
  const { horizon, points, stride } = input.window;
  const power = POWER[candidate.errorScale];
  let units = 0;
  let launched = 0;
  let previous = -1;
  for (let j = 0; j < points.length; j++) {
    let bound = 0;
    for (let h = 0; h < horizon; h++) bound = Math.max(bound, upperOf((candidate.predicted[h] as Float64Array)[j] ?? 0, candidate.quantiles[h] ?? 0, power, input.floor));
    const capacity = Math.ceil(bound - 1e-9);
    units += capacity;
    if (previous >= 0 && capacity > previous) launched += capacity - previous;
    previous = capacity;
  }
  return (units * stride + launched * bootSteps) / (points.length * stride);
}

/** The candidate that would have cost the least; the first of those that cost the same. */
function cheapest(candidates: readonly Candidate[], input: BacktestInput, bootSteps: number): Candidate | undefined {
  let best: { readonly candidate: Candidate; readonly cost: number } | undefined;
  for (const candidate of candidates) {
    const cost = costOf(candidate, input, bootSteps);
    if (best === undefined || cost < best.cost - 1e-12) best = { candidate, cost };
  }
  return best?.candidate;
}

/** The winner's scaled errors for each period ahead, ascending, from the rank of the lowest coverage the gain can reach. */
function errorTailsOf(winner: Candidate, input: BacktestInput, settings: ForecastSettings): number[][] {
  const power = POWER[winner.errorScale];
  const lowestRank = rankOf(lowestCoverage(settings), input.window.points.length);
  return input.actual.map((truth, h) => Array.from(scaledErrors(truth, winner.predicted[h] as Float64Array, power, input.floor).sort().subarray(lowestRank)));
}

/** Fits a forecast model to the history; says why not when the history is too short. */
export function buildForecast(history: LoadHistory, settings: ForecastSettings, nowMs: number): ForecastFit {
  const window = fitWindow(history, settings);
  if ('unavailable' in window) return window;
  const input = backtestInput(history, window);
  const winner = cheapest(backtest(input, settings.coverage), input, settings.bootSteps);
  if (winner === undefined) return { unavailable: 'no forecast method has enough history' };
  const { method, errorScale } = winner;
  return {
    model: {
      builtAtMs: nowMs,
      stepMs: history.stepMs,
      method,
      errorScale,
      errorTails: errorTailsOf(winner, input, settings),
      errorCount: window.points.length,
      floor: input.floor,
      coverage: settings.coverage,
      coverageGain: settings.coverageGain,
      backtestSteps: window.span,
      ...(method === 'linear' ? { weights: input.weights } : {}),
    },
  };
}
