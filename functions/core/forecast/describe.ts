/** The forecast in words, as the decision log and the CLI show it. */
import type { ForecastBound } from './bound.ts';
import { LINEAR_ORDER } from './linear.ts';
import type { ErrorScale, ForecastMethod, ForecastModel } from './types.ts';

const DESCRIPTION: Record<ForecastMethod, string> = {
  last: 'the newest datapoint',
  trend: 'the trend of the last two datapoints',
  'mean-5': 'the mean of the last 5 periods',
  'mean-15': 'the mean of the last 15 periods',
  'mean-60': 'the mean of the last 60 periods',
  'peak-60': 'the peak of the last 60 periods',
  'peak-240': 'the peak of the last 240 periods',
  linear: `a linear fit of the last ${LINEAR_ORDER} periods`,
  daily: 'the daily pattern',
  weekly: 'the weekly pattern',
};

const ERROR_DESCRIPTION: Record<ErrorScale, string> = {
  absolute: 'absolute',
  sqrt: 'square-root-scaled',
  relative: 'relative',
};

/** "36.5 h", or "3.5 days" from 48 hours on. */
export function formatHours(hours: number): string {
  return hours >= 48 ? `${Number((hours / 24).toFixed(1))} days` : `${Number(hours.toFixed(1))} h`;
}

const percent = (share: number) => `${Number((share * 100).toFixed(2))}%`;

/**
 * "the mean of the last 15 periods, headroom 12% (covers 99.62% of its relative errors over 3
 * days: 99.3% raised: 150 periods missed in the last 14 days, 141.1 allowed)".
 */
export function describeForecast(model: ForecastModel, bound: ForecastBound): string {
  const headroom = bound.point > 0 ? Math.round((100 * (bound.upper - bound.point)) / bound.point) : 0;
  const over = formatHours((model.backtestSteps * model.stepMs) / 3_600_000);
  const { coverage, missedPeriods, periods } = bound.coverage;
  const covers = `covers ${percent(coverage)} of its ${ERROR_DESCRIPTION[model.errorScale]} errors over ${over}`;
  if (percent(coverage) === percent(model.coverage)) return `${DESCRIPTION[model.method]}, headroom ${headroom}% (${covers})`;
  const window = formatHours((periods * model.stepMs) / 3_600_000);
  const allowed = Number(((1 - model.coverage) * periods).toFixed(1));
  const missed = `${missedPeriods} ${missedPeriods === 1 ? 'period' : 'periods'} missed`;
  const moved = `${percent(model.coverage)} ${coverage > model.coverage ? 'raised' : 'lowered'}: ${missed} in the last ${window}, ${allowed} allowed`;
  return `${DESCRIPTION[model.method]}, headroom ${headroom}% (${covers}: ${moved})`;
}
