/**
 * The MetricsPort on CloudWatch GetMetricData: reads the newest datapoint of a fleet's scaling
 * metric (a dimension set to {instanceId} is read once per instance and averaged), and a
 * metric's past datapoints to start a predictive fleet's load history.
 */
import { type CloudWatchClient, type MetricDataQuery, paginateGetMetricData } from '@aws-sdk/client-cloudwatch';
import { INSTANCE_ID_PLACEHOLDER, type MetricConfig } from '../core/config.ts';
import type { MetricReading } from '../core/model.ts';
import type { MetricDatapoint, MetricsPort } from '../ports/index.ts';
import { lookbackMs, newestReading, noInstanceReading, perInstanceHistoryError, readsPerInstance } from './metric-reading.ts';

/** GetMetricData accepts at most 500 queries per request. */
const MAX_QUERIES = 500;

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
    const subjects = readsPerInstance(metric) ? [...instanceIds] : [undefined];
    if (subjects.length === 0) return noInstanceReading(metric);

    const queries = subjects.map((instanceId, index) => query(`m${index}`, metric, instanceId));

    const newest: MetricDatapoint[] = [];
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
      const best = new Map<string, MetricDatapoint>();
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
    return newestReading(metric, newest);
  }

  async history(metric: MetricConfig, fromMs: number, toMs: number): Promise<MetricDatapoint[]> {
    if (readsPerInstance(metric)) throw perInstanceHistoryError(metric);
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
