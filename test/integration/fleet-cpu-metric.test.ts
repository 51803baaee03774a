/**
 * The fleet's CPU as one aggregated metric on moto: every instance's CloudWatch agent publishes
 * its CPU under the fleet's dimension only, CloudWatch combines them into one metric, and a step
 * reads it as one metric in one GetMetricData call, where reading AWS/EC2 CPUUtilization per
 * instance requests a metric per instance for the same average.
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { CloudWatchMetrics } from '../../functions/aws/cloudwatch-metrics.ts';
import type { MetricConfig } from '../../functions/core/config.ts';
import { countCalls } from './sdk-hooks.ts';

const FLEET_CPU: MetricConfig = { namespace: 'CWAgent', name: 'cpu_usage_active', dimensions: { cpu: 'cpu-total', FleetwardFleet: 'web' }, statistic: 'Average', periodSeconds: 60 };
const INSTANCE_CPU: MetricConfig = { namespace: 'AWS/EC2', name: 'CPUUtilization', dimensions: { InstanceId: '{instanceId}' }, statistic: 'Average', periodSeconds: 60 };
const AGENTS = [
  { instanceId: 'i-0000000000000000a', cpu: 20 },
  { instanceId: 'i-0000000000000000b', cpu: 40 },
  { instanceId: 'i-0000000000000000c', cpu: 60 },
];

/** Each instance's agent publishing its CPU of the last minute under the fleet's dimension, and EC2 its own. */
async function publish(cloudwatch: CloudWatchClient, nowMs: number): Promise<void> {
  const Timestamp = new Date(nowMs - 30_000);
  for (const { instanceId, cpu } of AGENTS) {
    const Dimensions = Object.entries(FLEET_CPU.dimensions).map(([Name, Value]) => ({ Name, Value }));
    await cloudwatch.send(new PutMetricDataCommand({ Namespace: 'CWAgent', MetricData: [{ MetricName: 'cpu_usage_active', Value: cpu, Timestamp, Dimensions }] }));
    await cloudwatch.send(new PutMetricDataCommand({ Namespace: 'AWS/EC2', MetricData: [{ MetricName: 'CPUUtilization', Value: cpu, Timestamp, Dimensions: [{ Name: 'InstanceId', Value: instanceId }] }] }));
  }
}

describe("the fleet's CPU as one aggregated metric", () => {
  it.each([
    ['the fleet aggregate', FLEET_CPU, 'Average CWAgent/cpu_usage_active{cpu=cpu-total,FleetwardFleet=web}'],
    ['per instance', INSTANCE_CPU, 'Average AWS/EC2/CPUUtilization{InstanceId={instanceId}}'],
  ])('reads the average of every agent from %s in one call', async (_case, metric, label) => {
    const cloudwatch = new CloudWatchClient({});
    const nowMs = Date.now();
    await publish(cloudwatch, nowMs);
    const calls = countCalls([cloudwatch]);
    const reading = await new CloudWatchMetrics(cloudwatch).latest(metric, AGENTS.map((a) => a.instanceId), nowMs);
    expect(reading).toMatchObject({ kind: 'value', value: 40, label });
    expect(Object.fromEntries(calls)).toEqual({ GetMetricDataCommand: 1 });
  });

  it('finds no datapoint of a fleet whose agents publish under another fleet', async () => {
    const cloudwatch = new CloudWatchClient({});
    const nowMs = Date.now();
    await publish(cloudwatch, nowMs);
    const other: MetricConfig = { ...FLEET_CPU, dimensions: { cpu: 'cpu-total', FleetwardFleet: 'api' } };
    expect(await new CloudWatchMetrics(cloudwatch).latest(other, [], nowMs)).toEqual({
      kind: 'missing',
      label: 'Average CWAgent/cpu_usage_active{cpu=cpu-total,FleetwardFleet=api}',
      why: 'no datapoint in the last 10 minutes',
    });
  });
});
