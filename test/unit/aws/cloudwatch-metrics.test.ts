/**
 * What reading a fleet's scaling metric requests of CloudWatch, on a recording client: the
 * fleet's aggregated CPU is one metric whatever the instance count; a per-instance metric is one
 * metric per instance, 500 to a request.
 */
import { describe, expect, it } from 'vitest';
import { CloudWatchMetrics } from '../../../functions/aws/cloudwatch-metrics.ts';
import type { MetricConfig } from '../../../functions/core/config.ts';
import { recordingCloudWatch } from '../fakes/recording-cloudwatch.ts';

const NOW_MS = Date.parse('2026-12-01T12:00:00Z');
const FLEET_CPU: MetricConfig = { namespace: 'CWAgent', name: 'cpu_usage_active', dimensions: { cpu: 'cpu-total', FleetwardFleet: 'web' }, statistic: 'Average', periodSeconds: 60 };
const INSTANCE_CPU: MetricConfig = { namespace: 'AWS/EC2', name: 'CPUUtilization', dimensions: { InstanceId: '{instanceId}' }, statistic: 'Average', periodSeconds: 60 };
const instances = (count: number) => Array.from({ length: count }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`);

/** Instance i's CPU is i % 100 (an average of 49.5 over whole hundreds); the fleet's is 42. */
const cpuOf = (dimensions: readonly { Name?: string; Value?: string }[] = []) => {
  const instanceId = dimensions.find((d) => d.Name === 'InstanceId')?.Value;
  return instanceId === undefined ? 42 : parseInt(instanceId.slice(2), 16) % 100;
};

describe('reading the scaling metric', () => {
  it.each([
    ['the fleet aggregate, no instance', FLEET_CPU, 0, { requests: 1, metrics: 1, value: 42 }],
    ['the fleet aggregate, 100 instances', FLEET_CPU, 100, { requests: 1, metrics: 1, value: 42 }],
    ['the fleet aggregate, 10,000 instances', FLEET_CPU, 10_000, { requests: 1, metrics: 1, value: 42 }],
    ['per instance, 100 instances', INSTANCE_CPU, 100, { requests: 1, metrics: 100, value: 49.5 }],
    ['per instance, 1,000 instances', INSTANCE_CPU, 1_000, { requests: 2, metrics: 1_000, value: 49.5 }],
    ['per instance, 10,000 instances', INSTANCE_CPU, 10_000, { requests: 20, metrics: 10_000, value: 49.5 }],
  ])('%s', async (_case, metric, count, expected) => {
    const cloudwatch = recordingCloudWatch((query) => cpuOf(query.MetricStat?.Metric?.Dimensions));
    const reading = await new CloudWatchMetrics(cloudwatch.client).latest(metric, instances(count), NOW_MS);
    expect({ requests: cloudwatch.requests.length, metrics: cloudwatch.metricsRequested(), value: reading.kind === 'value' ? reading.value : reading.why }).toEqual(expected);
  });

  it('asks for the fleet aggregate by its dimensions, at its period and statistic', async () => {
    const cloudwatch = recordingCloudWatch(() => 42);
    const reading = await new CloudWatchMetrics(cloudwatch.client).latest(FLEET_CPU, instances(3), NOW_MS);
    expect(cloudwatch.requests[0]?.MetricDataQueries).toEqual([
      {
        Id: 'm0',
        ReturnData: true,
        MetricStat: {
          Period: 60,
          Stat: 'Average',
          Metric: { Namespace: 'CWAgent', MetricName: 'cpu_usage_active', Dimensions: [{ Name: 'cpu', Value: 'cpu-total' }, { Name: 'FleetwardFleet', Value: 'web' }] },
        },
      },
    ]);
    expect(reading).toEqual({ kind: 'value', value: 42, timestampMs: NOW_MS - 60_000, label: 'Average CWAgent/cpu_usage_active{cpu=cpu-total,FleetwardFleet=web}' });
  });

  it('says the fleet aggregate is missing when no agent published it', async () => {
    const cloudwatch = recordingCloudWatch(() => undefined);
    expect(await new CloudWatchMetrics(cloudwatch.client).latest(FLEET_CPU, instances(100), NOW_MS)).toEqual({
      kind: 'missing',
      label: 'Average CWAgent/cpu_usage_active{cpu=cpu-total,FleetwardFleet=web}',
      why: 'no datapoint in the last 10 minutes',
    });
  });
});
