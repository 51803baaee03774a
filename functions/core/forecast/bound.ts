/** The fitted model evaluated at the newest datapoint: the point forecast and its upper bound over the horizon. */
import { type CoverageNow, coverageNow } from './coverage.ts';
import { POWER, upperOf } from './error-scale.ts';
import { directMean, directPeak, predict } from './methods.ts';
import { rankOf } from './quantile.ts';
import type { ForecastModel, LoadHistory } from './types.ts';

/** The scaled error at `coverage`, `index` + 1 periods ahead; NaN when the model kept none. */
function quantileAt(model: ForecastModel, index: number, coverage: number): number {
  const tail = model.errorTails[index] ?? [];
  const kept = model.errorCount - tail.length;
  return tail[Math.max(0, rankOf(coverage, model.errorCount) - kept)] ?? Number.NaN;
}

export interface ForecastBound {
  /** The largest point forecast over the horizon. */
  readonly point: number;
  /** The largest upper bound (point + headroom) over the horizon. */
  readonly upper: number;
  readonly horizonSteps: number;
  readonly coverage: CoverageNow;
}

/** The model's forecast over the next `horizonSteps` periods after the newest datapoint. */
export function forecastUpper(model: ForecastModel, history: LoadHistory): ForecastBound {
  const { values, stepMs } = history;
  const n = values.length - 1;
  const mean = (from: number, to: number) => directMean(values, from, to);
  const peak = (from: number, to: number) => directPeak(values, from, to);
  const power = POWER[model.errorScale];
  const coverage = coverageNow(model, history);
  let point = 0;
  let upper = 0;
  for (let index = 0; index < model.errorTails.length; index++) {
    const p = predict(model.method, values, mean, peak, n, index + 1, stepMs, model.weights);
    point = Math.max(point, p);
    upper = Math.max(upper, upperOf(p, quantileAt(model, index, coverage.coverage), power, model.floor));
  }
  return { point, upper, horizonSteps: model.errorTails.length, coverage };
}
