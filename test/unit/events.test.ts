// Events that are nearly right are rejected with the field at fault named, not as "(event): Invalid input".
import { describe, expect, it } from 'vitest';
import type { FleetwardConfig } from '../../functions/core/config.ts';
import { parseTrigger } from '../../functions/handlers/events.ts';

const config = { fleets: [], decisionLogDays: 30 } as unknown as FleetwardConfig;
const ec2 = (detailType: string, detail: Record<string, unknown>) => ({ id: 'e-1', source: 'aws.ec2', 'detail-type': detailType, detail });

describe('parseTrigger: near-valid events', () => {
  it.each([
    ['an unknown source', { source: 'aws.s3', id: 'e-1' }, "source: Invalid discriminator value. Expected 'fleetward.schedule' | 'aws.cloudwatch' | 'aws.ec2' | 'aws.health'"],
    ['a malformed instance id', ec2('EC2 Instance State-change Notification', { 'instance-id': 'web-1', state: 'stopped' }), 'detail.instance-id: must be an instance id'],
    ['a schedule without its execution id', { source: 'fleetward.schedule', executionId: '', scheduledTime: '2026-12-01T00:00:00Z' }, 'executionId: Too small: expected string to have >=1 characters'],
    ['a health event without its event type', { source: 'aws.health', id: 'h-1', 'detail-type': 'AWS Health Event', detail: { service: 'EC2' } }, 'detail.eventTypeCode: Invalid input: expected string, received undefined'],
    ['an alarm without its state', { source: 'aws.cloudwatch', id: 'a-1', 'detail-type': 'CloudWatch Alarm State Change', detail: { alarmName: 'x' } }, 'detail.state: Invalid input: expected object, received undefined'],
  ] as const)('%s', (_case, event, problem) => {
    expect(() => parseTrigger(event, config)).toThrow(`not an event fleetward handles: ${problem}`);
  });
});

describe('parseTrigger: status check alarms', () => {
  const fleets = { fleets: [{ name: 'web', scaling: { scaleOutAlarms: ['web-listed-status'] } }], decisionLogDays: 30 } as unknown as FleetwardConfig;
  const statusAlarm = (alarmName: string) => ({
    id: 'a-1',
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    detail: {
      alarmName,
      state: { value: 'ALARM' },
      configuration: { metrics: [{ metricStat: { metric: { name: 'StatusCheckFailed', dimensions: { InstanceId: 'i-0abc' } } } }] },
    },
  });

  it.each([
    ['named with the fleet prefix', 'fleetward-web-i-0abc', { alarmOwner: 'web' }],
    ["listed in the fleet's config", 'web-listed-status', { alarmOwner: 'web' }],
    ['of no fleet', 'any-status-alarm', {}],
  ])('an alarm %s is about its instance, and says which fleet owns it', (_case, alarmName, owner) => {
    expect(parseTrigger(statusAlarm(alarmName), fleets)).toEqual({
      id: 'alarm:a-1',
      description: `status check alarm ${alarmName}`,
      instances: [{ instanceId: 'i-0abc', signal: { instanceId: 'i-0abc', kind: 'status-alarm', detail: alarmName, ...owner } }],
    });
  });
});
