/**
 * Fitting a model: every method is replayed over the newest history with each error scale, the
 * headroom of each is the coverage quantile of its scaled errors, and the one that would have
 * needed the least capacity, launches included, wins and keeps its error tails.
 */
import { lowestCoverage } from './coverage.ts';
import { formatHours } from './describe.ts';
import { POWER, scaleOf, upperOf } from './error-scale.ts';
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

/** Fits a forecast model to the history; says why not when the history is too short. */
export function buildForecast(history: LoadHistory, settings: ForecastSettings, nowMs: number): ForecastFit {
  const { values, stepMs } = history;
  const n = values.length - 1;
  const H = Math.max(1, settings.horizonSteps);
  if (values.length < settings.minHistorySteps) {
    const have = (values.length * stepMs) / 3_600_000;
    const need = (settings.minHistorySteps * stepMs) / 3_600_000;
    return { unavailable: `${formatHours(have)} of load history, ${formatHours(need)} needed` };
  }
  // A method whose first forecast needs more than half the history waits: replaying it would leave
  // every other method only the few periods after its lookback to learn errors from.
  const base = Math.max(...FORECAST_METHODS.filter((m) => !SEASONAL.has(m) && 2 * lookback(m, stepMs) <= values.length).map((m) => lookback(m, stepMs)));
  let span = Math.min(settings.backtestSteps, n - H - base + 1);
  if (span < 2 * H) return { unavailable: 'too little load history to learn the forecast error from' };
  // A seasonal method joins once a day of errors can be replayed after its first cycle; every
  // method is then replayed over the same (possibly shorter) span.
  const day = periodsPerDay(stepMs);
  for (const method of SEASONAL) {
    const room = n - H - lookback(method, stepMs) + 1;
    if (room >= Math.min(settings.backtestSteps, day)) span = Math.min(span, room);
  }
  const first = n - H - span + 1;
  const stride = Math.ceil(span / MAX_BACKTEST_POINTS);
  const points: number[] = [];
  for (let i = first; i <= n - H; i += stride) points.push(i);
  const count = points.length;
  const series = new Series(values);
  const floor = Math.max(1e-9, 0.01 * series.mean(first, n));
  const rank = rankOf(settings.coverage, count);
  const scratch = new Float64Array(count);
  const actual = Array.from({ length: H }, (_, index) => Float64Array.from(points, (i) => values[i + index + 1] ?? 0));
  const weights = count >= LINEAR_MIN_POINTS ? fitLinear(values, points, H) : [];

  let best: { method: ForecastMethod; errorScale: ErrorScale; predicted: Float64Array[]; cost: number } | undefined;
  for (const method of FORECAST_METHODS) {
    if (first - lookback(method, stepMs) + 1 < 0 || (method === 'linear' && weights.length === 0)) continue;
    const predicted = replay(method, values, series, points, H, stepMs, weights);
    for (const errorScale of ERROR_SCALES) {
      const power = POWER[errorScale];
      const quantiles: number[] = [];
      for (let h = 0; h < H; h++) {
        const row = predicted[h] as Float64Array;
        const truth = actual[h] as Float64Array;
        for (let j = 0; j < count; j++) {
          const point = row[j] ?? 0;
          scratch[j] = ((truth[j] ?? 0) - point) / scaleOf(point, power, floor);
        }
        quantiles.push(select(scratch, rank));
      }
      // What it would have cost: the capacity it asks for, plus a boot's billing per launch.
      let units = 0;
      let launched = 0;
      let previous = -1;
      for (let j = 0; j < count; j++) {
        let bound = 0;
        for (let h = 0; h < H; h++) bound = Math.max(bound, upperOf((predicted[h] as Float64Array)[j] ?? 0, quantiles[h] ?? 0, power, floor));
        const capacity = Math.ceil(bound - 1e-9);
        units += capacity;
        if (previous >= 0 && capacity > previous) launched += capacity - previous;
        previous = capacity;
      }
      const cost = (units * stride + launched * settings.bootSteps) / (count * stride);
      if (best === undefined || cost < best.cost - 1e-12) best = { method, errorScale, predicted, cost };
    }
  }
  if (best === undefined) return { unavailable: 'no forecast method has enough history' };
  const { method, errorScale, predicted } = best;
  const power = POWER[errorScale];
  const lowestRank = rankOf(lowestCoverage(settings), count);
  const errorTails = actual.map((truth, h) => {
    const row = predicted[h] as Float64Array;
    for (let j = 0; j < count; j++) scratch[j] = ((truth[j] ?? 0) - (row[j] ?? 0)) / scaleOf(row[j] ?? 0, power, floor);
    return Array.from(scratch.sort().subarray(lowestRank));
  });
  return {
    model: {
      builtAtMs: nowMs,
      stepMs,
      method,
      errorScale,
      errorTails,
      errorCount: count,
      floor,
      coverage: settings.coverage,
      coverageGain: settings.coverageGain,
      backtestSteps: span,
      ...(method === 'linear' ? { weights } : {}),
    },
  };
}
