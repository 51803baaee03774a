/**
 * Predictive pre-scaling: forecasts the fleet's load over the next few minutes from the load's
 * own history, with headroom learned from the forecast's past errors, so that capacity is in
 * service before the load arrives. Pure: the history comes in as plain data.
 *
 * A model is fitted now and then (`buildForecast`): each candidate method (the newest value, a
 * trend, recent means and peaks, a least-squares linear fit of the recent values, the daily and
 * weekly pattern) is replayed over the recent history; for each, the headroom is the `coverage`
 * quantile of its errors (absolute, relative, or scaled by the square root of the load, as
 * counting noise is), and the method that would have needed the least capacity, launches
 * included, wins. Each step then evaluates the chosen method at the newest datapoint
 * (`forecastUpper`), with the coverage moved by how often the fleet was short of late: up for each
 * missed period beyond the share the coverage allows, down while there are fewer (adaptive
 * conformal inference, Gibbs & Candès 2021), so the headroom answers misses on the next step
 * instead of at the next fit.
 */
export { type ForecastBound, forecastUpper } from './bound.ts';
export { type CoverageNow, coverageNow, isMissedPeriod } from './coverage.ts';
export { describeForecast } from './describe.ts';
export { buildForecast } from './fit.ts';
export { fitLinear, LINEAR_ORDER, linearPoint } from './linear.ts';
export { slidingPeaks } from './replay.ts';
export { forecastIsStale, forecastSettings, loadUnits, metricCeiling, unitCapacityOf } from './settings.ts';
export {
  AT_MAX,
  type ErrorScale,
  FORECAST_METHODS,
  type ForecastFit,
  type ForecastMethod,
  type ForecastModel,
  type ForecastSettings,
  LOAD_HISTORY_DAYS,
  type LoadHistory,
  MISS_RUN_PERIODS,
  SHORT,
} from './types.ts';
