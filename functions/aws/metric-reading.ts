/**
 * How a metric's datapoints read as the fleet's metric reading: its label, how far back the
 * newest datapoint may be, a per-instance metric averaged over its instances, and why a reading
 * is missing. Free of the SDK, so that the CloudWatch adapter and the in-memory metrics agree.
 */
import { INSTANCE_ID_PLACEHOLDER, type MetricConfig } from '../core/config.ts';
import type { MetricReading } from '../core/model.ts';
import type { MetricDatapoint } from '../ports/index.ts';
import { ServiceError } from '../ports/errors.ts';

export function metricLabel(metric: MetricConfig): string {
  const dimensions = Object.entries(metric.dimensions).map(([name, value]) => `${name}=${value}`);
  const scope = dimensions.length > 0 ? `{${dimensions.join(',')}}` : '';
  return `${metric.statistic} ${metric.namespace}/${metric.name}${scope}`;
}

/** How far back to look: three periods, and at least ten minutes for delayed metrics. */
export function lookbackMs(metric: MetricConfig): number {
  return Math.max(600, 3 * metric.periodSeconds) * 1000;
}

/** A dimension set to {instanceId}: the metric is read once per instance. */
export const readsPerInstance = (metric: MetricConfig) => Object.values(metric.dimensions).includes(INSTANCE_ID_PLACEHOLDER);

/** A per-instance metric with no instance to read it from. */
export const noInstanceReading = (metric: MetricConfig): MetricReading => ({
  kind: 'missing',
  label: metricLabel(metric),
  why: 'no running instance to read it from',
});

/** The newest datapoint of each instance (or of the fleet) read as one: their average, as old as the oldest. */
export function newestReading(metric: MetricConfig, newest: readonly MetricDatapoint[]): MetricReading {
  const label = metricLabel(metric);
  if (newest.length === 0) {
    const minutes = Math.round(lookbackMs(metric) / 60_000);
    return { kind: 'missing', label, why: `no datapoint in the last ${minutes} minutes` };
  }
  const value = newest.reduce((sum, point) => sum + point.value, 0) / newest.length;
  return { kind: 'value', value, timestampMs: Math.min(...newest.map((p) => p.timestampMs)), label };
}

/** A fleet's history cannot come from a per-instance metric. */
export const perInstanceHistoryError = (metric: MetricConfig) =>
  new ServiceError(`${metricLabel(metric)} is read per instance: its history cannot be read for the fleet`);
