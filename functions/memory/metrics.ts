/**
 * The MetricsPort in memory: each metric's newest value as the caller sets it (a value, or a
 * function of the time and of the instance read), and its history for a predictive fleet's
 * backfill, read by the CloudWatch adapter's own rules: a per-instance metric averaged over
 * its instances, missing when nothing is set or the newest datapoint is older than it looks back.
 */
import type { MetricConfig } from '../core/config.ts';
import type { MetricReading } from '../core/model.ts';
import { lookbackMs, metricLabel, newestReading, noInstanceReading, perInstanceHistoryError, readsPerInstance } from '../aws/metric-reading.ts';
import type { MetricDatapoint, MetricsPort } from '../ports/index.ts';

/** What is read at `nowMs` (of `instanceId`, for a per-instance metric). */
export interface MetricRead {
  readonly nowMs: number;
  readonly instanceId?: string;
}

/** A value is timestamped at the read; a function may give its own datapoint, or none (undefined). */
export type MetricSource = number | ((read: MetricRead) => MetricDatapoint | number | undefined);

function datapointOf(source: MetricSource, read: MetricRead): MetricDatapoint | undefined {
  const found = typeof source === 'number' ? source : source(read);
  return typeof found === 'number' ? { value: found, timestampMs: read.nowMs } : found;
}

/** The index of the first point at or after `ms` in points sorted by time. */
function firstAtOrAfter(points: readonly MetricDatapoint[], ms: number): number {
  let [low, high] = [0, points.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((points[middle]?.timestampMs ?? Infinity) < ms) low = middle + 1;
    else high = middle;
  }
  return low;
}

export class MemoryMetrics implements MetricsPort {
  private readonly sources = new Map<string, MetricSource>();
  private readonly histories = new Map<string, readonly MetricDatapoint[]>();

  /** Sets what the metric reads from now on; undefined: no datapoint. */
  set(metric: MetricConfig, source: MetricSource | undefined): void {
    if (source === undefined) this.sources.delete(metricLabel(metric));
    else this.sources.set(metricLabel(metric), source);
  }

  /** Sets the metric's past datapoints, in any order. */
  setHistory(metric: MetricConfig, points: readonly MetricDatapoint[]): void {
    this.histories.set(metricLabel(metric), [...points].sort((a, b) => a.timestampMs - b.timestampMs));
  }

  async latest(metric: MetricConfig, instanceIds: readonly string[], nowMs: number): Promise<MetricReading> {
    const subjects = readsPerInstance(metric) ? instanceIds : [undefined];
    if (subjects.length === 0) return noInstanceReading(metric);
    const source = this.sources.get(metricLabel(metric));
    if (source === undefined) return newestReading(metric, []);
    const oldestMs = nowMs - lookbackMs(metric);
    const newest: MetricDatapoint[] = [];
    for (const instanceId of subjects) {
      const point = datapointOf(source, instanceId === undefined ? { nowMs } : { nowMs, instanceId });
      if (point !== undefined && point.timestampMs >= oldestMs && point.timestampMs <= nowMs) newest.push(point);
    }
    return newestReading(metric, newest);
  }

  /** The datapoints from fromMs (included) to toMs (excluded), oldest first, as GetMetricData returns them. */
  async history(metric: MetricConfig, fromMs: number, toMs: number): Promise<MetricDatapoint[]> {
    if (readsPerInstance(metric)) throw perInstanceHistoryError(metric);
    const points = this.histories.get(metricLabel(metric)) ?? [];
    return points.slice(firstAtOrAfter(points, fromMs), firstAtOrAfter(points, toMs));
  }
}
