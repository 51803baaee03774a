/**
 * The fleet's CPU as one aggregated metric on moto: every instance's CloudWatch agent publishes
 * its CPU under the fleet's dimension only, CloudWatch combines them into one metric, and a step
 * reads it as one metric in one GetMetricData call, where reading AWS/EC2 CPUUtilization per
 * instance requests a metric per instance for the same average; a fleet steps on it through the
 * handler.
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { CloudWatchMetrics } from '../../functions/aws/cloudwatch-metrics.ts';
import type { MetricConfig } from '../../functions/core/config.ts';
import { FleetHarness } from './harness.ts';
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

  it('scales a fleet out on its aggregated CPU, reading one metric in the step', async () => {
    const fleet = await FleetHarness.create({ capacity: { min: 1, max: 10, initial: 2 } }, 1);
    const metric: MetricConfig = { ...FLEET_CPU, dimensions: { cpu: 'cpu-total', FleetwardFleet: fleet.name } };
    fleet.configure({ capacity: { min: 1, max: 10, initial: 2 }, scaling: { metric, metricType: 'per-instance', target: 50, warmupSeconds: 0 } });
    await fleet.invoke();
    expect(await fleet.instances()).toHaveLength(2);

    fleet.clock.advance(60);
    const Dimensions = Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value }));
    for (const cpu of [80, 100]) {
      await fleet.cloudwatch.send(new PutMetricDataCommand({ Namespace: 'CWAgent', MetricData: [{ MetricName: 'cpu_usage_active', Value: cpu, Timestamp: new Date(fleet.clock.now() - 30_000), Dimensions }] }));
    }
    const sent: number[] = [];
    fleet.cloudwatch.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetMetricDataCommand') sent.push((args.input as { MetricDataQueries?: unknown[] }).MetricDataQueries?.length ?? 0);
        return next(args);
      },
      { step: 'initialize', name: 'recordQueries' },
    );
    const result = await fleet.invoke();
    expect(result.fleets[0]?.reason).toMatch(new RegExp(`^scale out 2 -> 4: Average CWAgent/cpu_usage_active\\{cpu=cpu-total,FleetwardFleet=${fleet.name}\\} = 90 `));
    // One query, one read: the step reads without the lease and, as it scales out, decides under it on the same reading.
    expect(sent).toEqual([1]);
  });
});
