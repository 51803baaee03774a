/** Utilisation history for the rightsizing tests: a day of one instance's metric published to the emulator. */
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { FleetHarness } from './harness.ts';

const DAY_S = 24 * 3600;

/** A day of 5-minute averages of one instance's metric, ending now. */
export async function publishDay(fleet: FleetHarness, namespace: string, name: string, instanceId: string, percent: number): Promise<void> {
  const nowMs = fleet.clock.now();
  const MetricData = Array.from({ length: 288 }, (_, i) => ({
    MetricName: name,
    Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
    Value: percent,
    Timestamp: new Date(nowMs - DAY_S * 1000 + i * 300_000 + 1000),
  }));
  await fleet.cloudwatch.send(new PutMetricDataCommand({ Namespace: namespace, MetricData }));
}
