/**
 * Status check alarms against the emulator: anyone who can create an alarm (or force one into
 * ALARM with SetAlarmState) must not be able to fail a fleet instance over. An alarm fails an
 * instance over only when the fleet owns it (named fleetward-<fleet>-… or listed in its config)
 * or when DescribeInstanceStatus confirms the failure.
 */
import { randomUUID } from 'node:crypto';
import { DescribeAlarmsCommand, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { FleetHarness } from './harness.ts';
import { requires } from './capabilities.ts';

const IMPAIRED = { Key: 'fleetward-test:status', Value: 'impaired' };

/** Creates an alarm on the instance's StatusCheckFailed_System, forces it into ALARM, and returns the event EventBridge would deliver. */
async function forceStatusAlarm(fleet: FleetHarness, alarmName: string, instanceId: string) {
  await fleet.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: alarmName,
      Namespace: 'AWS/EC2',
      MetricName: 'StatusCheckFailed_System',
      Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    }),
  );
  await fleet.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: 'ALARM', StateReason: 'forced, no check failed' }));
  const alarm = (await fleet.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] }))).MetricAlarms?.[0];
  expect(alarm?.StateValue).toBe('ALARM');
  const dimensions = Object.fromEntries((alarm?.Dimensions ?? []).map((d) => [d.Name, d.Value]));
  return {
    version: '0',
    id: randomUUID(),
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    account: '123456789012',
    time: '2026-12-01T12:00:00Z',
    region: 'us-east-1',
    resources: [alarm?.AlarmArn],
    detail: {
      alarmName,
      state: { value: alarm?.StateValue, reason: alarm?.StateReason },
      configuration: {
        metrics: [
          { metricStat: { metric: { namespace: 'AWS/EC2', name: 'CPUUtilization', dimensions } } },
          { metricStat: { metric: { namespace: alarm?.Namespace, name: alarm?.MetricName, dimensions } } },
        ],
      },
    },
  };
}

async function fleetOfTwo() {
  const fleet = await FleetHarness.create();
  fleet.configure({ failover: { ...fleet.fleet.failover, gracePeriodSeconds: 0 } });
  await fleet.step(20);
  const ids = (await fleet.instances()).map((i) => i.InstanceId ?? '');
  expect(ids).toHaveLength(2);
  return { fleet, sick: ids[0] ?? '' };
}

describe('status check alarms', () => {
  it('ignores an alarm of any name forced into ALARM while EC2 reports the instance ok, and notes why', async () => {
    const { fleet, sick } = await fleetOfTwo();

    for (let i = 0; i < 3; i++) {
      const result = await fleet.invoke(await forceStatusAlarm(fleet, `prod-status-${i}`, sick));
      expect(result.status).toBe('done');
      expect(result.fleets[0]?.terminated).toEqual([]);
      expect(result.fleets[0]?.launched).toEqual([]);
    }

    expect((await fleet.instances()).map((i) => i.InstanceId)).toContain(sick);
    const [decision] = await fleet.records().listDecisions(fleet.name, 1);
    expect(decision?.decision.notes).toContain(
      `ignored status check alarm prod-status-2 on ${sick}: the alarm is not the fleet's and DescribeInstanceStatus reports its status checks ok`,
    );
  });

  it('fails over on an alarm of any name, whichever of its metrics is the status check, once DescribeInstanceStatus confirms the instance impaired', async () => {
    requires('forced failures');
    const { fleet, sick } = await fleetOfTwo();
    await fleet.ec2.send(new CreateTagsCommand({ Resources: [sick], Tags: [IMPAIRED] }));

    const result = await fleet.invoke(await forceStatusAlarm(fleet, 'web-1-status', sick));

    expect(result.fleets[0]?.terminated).toEqual([sick]);
    expect(result.fleets[0]?.launched).toHaveLength(1);
    const failover = result.fleets[0]?.actions.find((a) => a.kind === 'failover');
    expect(failover?.reason).toMatch(
      /^status check alarm in ALARM: web-1-status, confirmed by DescribeInstanceStatus: its status checks are impaired: replace it in /,
    );
  });

  it("fails over at once on the fleet's own alarm, named fleetward-<fleet>-, whatever EC2 reports", async () => {
    const { fleet, sick } = await fleetOfTwo();

    const result = await fleet.invoke(await forceStatusAlarm(fleet, `fleetward-${fleet.name}-${sick}`, sick));

    expect(result.fleets[0]?.terminated).toEqual([sick]);
    expect(result.fleets[0]?.launched).toHaveLength(1);
    const failover = result.fleets[0]?.actions.find((a) => a.kind === 'failover');
    expect(failover?.reason).toMatch(new RegExp(`^status check alarm in ALARM: fleetward-${fleet.name}-${sick} \\(owned by the fleet\\): replace it in `));
  });
});
