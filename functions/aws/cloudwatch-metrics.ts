/**
 * The MetricsPort on CloudWatch GetMetricData: reads the newest datapoint of a fleet's scaling
 * metric (a dimension set to {instanceId} is read once per instance and averaged), and a
 * metric's past datapoints to start a predictive fleet's load history.
 */
import { type CloudWatchClient, type MetricDataQuery, paginateGetMetricData } from '@aws-sdk/client-cloudwatch';
import { INSTANCE_ID_PLACEHOLDER, type MetricConfig } from '../core/config.ts';
import type { MetricReading } from '../core/model.ts';
import { ServiceError } from '../ports/errors.ts';
import type { MetricDatapoint, MetricsPort } from '../ports/index.ts';

/** GetMetricData accepts at most 500 queries per request. */
const MAX_QUERIES = 500;

export function metricLabel(metric: MetricConfig): string {
  const dimensions = Object.entries(metric.dimensions).map(([name, value]) => `${name}=${value}`);
  const scope = dimensions.length > 0 ? `{${dimensions.join(',')}}` : '';
  return `${metric.statistic} ${metric.namespace}/${metric.name}${scope}`;
}

/** How far back to look: three periods, and at least ten minutes for delayed metrics. */
export function lookbackMs(metric: MetricConfig): number {
  return Math.max(600, 3 * metric.periodSeconds) * 1000;
}

/** The metric at its period and statistic, with {instanceId} set to the instance given. */
function query(id: string, metric: MetricConfig, instanceId: string | undefined): MetricDataQuery {
  return {
    Id: id,
    ReturnData: true,
    MetricStat: {
      Period: metric.periodSeconds,
      Stat: metric.statistic,
      Metric: {
        Namespace: metric.namespace,
        MetricName: metric.name,
        Dimensions: Object.entries(metric.dimensions).map(([Name, value]) => ({ Name, Value: value === INSTANCE_ID_PLACEHOLDER ? instanceId : value })),
      },
    },
  };
}

export class CloudWatchMetrics implements MetricsPort {
  constructor(private readonly cloudwatch: CloudWatchClient) {}

  async latest(metric: MetricConfig, instanceIds: readonly string[], nowMs: number): Promise<MetricReading> {
    const label = metricLabel(metric);
    const perInstance = Object.values(metric.dimensions).includes(INSTANCE_ID_PLACEHOLDER);
    const subjects = perInstance ? [...instanceIds] : [undefined];
    if (subjects.length === 0) return { kind: 'missing', label, why: 'no running instance to read it from' };

    const queries = subjects.map((instanceId, index) => query(`m${index}`, metric, instanceId));

    const newest: Array<{ value: number; timestampMs: number }> = [];
    const startMs = nowMs - lookbackMs(metric);
    for (let start = 0; start < queries.length; start += MAX_QUERIES) {
      const pages = paginateGetMetricData(
        { client: this.cloudwatch },
        {
          MetricDataQueries: queries.slice(start, start + MAX_QUERIES),
          StartTime: new Date(startMs),
          EndTime: new Date(nowMs),
          ScanBy: 'TimestampDescending',
        },
      );
      const best = new Map<string, { value: number; timestampMs: number }>();
      for await (const page of pages) {
        for (const result of page.MetricDataResults ?? []) {
          (result.Timestamps ?? []).forEach((timestamp, i) => {
            const value = result.Values?.[i];
            const current = best.get(result.Id ?? '');
            if (value !== undefined && (current === undefined || timestamp.getTime() > current.timestampMs)) {
              best.set(result.Id ?? '', { value, timestampMs: timestamp.getTime() });
            }
          });
        }
      }
      newest.push(...best.values());
    }

    if (newest.length === 0) {
      const minutes = Math.round(lookbackMs(metric) / 60_000);
      return { kind: 'missing', label, why: `no datapoint in the last ${minutes} minutes` };
    }
    const value = newest.reduce((sum, point) => sum + point.value, 0) / newest.length;
    return { kind: 'value', value, timestampMs: Math.min(...newest.map((p) => p.timestampMs)), label };
  }

  async history(metric: MetricConfig, fromMs: number, toMs: number): Promise<MetricDatapoint[]> {
    if (Object.values(metric.dimensions).includes(INSTANCE_ID_PLACEHOLDER)) {
      throw new ServiceError(`${metricLabel(metric)} is read per instance: its history cannot be read for the fleet`);
    }
    const pages = paginateGetMetricData(
      { client: this.cloudwatch },
      {
        MetricDataQueries: [query('m0', metric, undefined)],
        StartTime: new Date(fromMs),
        EndTime: new Date(toMs),
        ScanBy: 'TimestampAscending',
      },
    );
    const datapoints: MetricDatapoint[] = [];
    for await (const page of pages) {
      for (const result of page.MetricDataResults ?? []) {
        (result.Timestamps ?? []).forEach((timestamp, i) => {
          const value = result.Values?.[i];
          if (value !== undefined) datapoints.push({ timestampMs: timestamp.getTime(), value });
        });
      }
    }
    return datapoints.sort((a, b) => a.timestampMs - b.timestampMs);
  }
}
