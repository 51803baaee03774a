/**
 * A CloudWatch alarm that LocalStack itself evaluates from the metric the test puts drives a step:
 * the alarm is read back in the ALARM state and its state change (which LocalStack does not send
 * to EventBridge) is handed to the real handler, which scales the fleet out in LocalStack's EC2.
 */
import { DescribeAlarmsCommand, type MetricAlarm, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { FleetHarness, METRIC_NAMESPACE, alarmEvent } from '../integration/harness.ts';

async function alarmOnceEvaluated(fleet: FleetHarness, alarmName: string, timeoutMs: number): Promise<MetricAlarm> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await fleet.publish(500);
    const alarm = (await fleet.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] }))).MetricAlarms?.[0];
    if (alarm?.StateValue === 'ALARM' || Date.now() > deadline) return alarm ?? {};
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

describe('on LocalStack', () => {
  it('scales out on an alarm LocalStack evaluated from the metric', async () => {
    const fleet = await FleetHarness.create({ capacity: { min: 1, max: 6 } });
    const alarmName = `fleetward-${fleet.name}-backlog`;
    await fleet.cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: alarmName,
        Namespace: METRIC_NAMESPACE,
        MetricName: fleet.metricName,
        Statistic: 'Average',
        Period: 10,
        EvaluationPeriods: 1,
        Threshold: 100,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );

    const alarm = await alarmOnceEvaluated(fleet, alarmName, 60_000);
    expect(alarm).toMatchObject({ AlarmName: alarmName, StateValue: 'ALARM' });

    const result = await fleet.invoke(alarmEvent(alarmName));
    expect(result).toMatchObject({ status: 'done', trigger: expect.stringMatching(/^alarm:/), fleets: [{ outcome: 'done', desiredCapacity: 6 }] });
    expect(await fleet.instances()).toHaveLength(6);
  });
});
