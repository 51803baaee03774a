// Events that are nearly right are rejected with the field at fault named, not as "(event): Invalid input".
import { describe, expect, it } from 'vitest';
import type { FleetwardConfig } from '../../functions/core/config.ts';
import { parseScheduleTick, parseTrigger } from '../../functions/handlers/events.ts';

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

describe('the schedule: the tick for every fleet, and one fleet\'s share of it', () => {
  const fleets = { fleets: [{ name: 'web' }, { name: 'batch' }], decisionLogDays: 30 } as unknown as FleetwardConfig;
  const tick = { source: 'fleetward.schedule', executionId: 'x-1', scheduledTime: '2026-12-01T12:00:00Z' };

  it('steps every fleet with an event record and the orphan scan, or one fleet without either', () => {
    expect(parseTrigger(tick, fleets)).toEqual({ id: 'schedule:x-1', description: 'schedule at 2026-12-01T12:00:00Z', fleets: fleets.fleets, scheduled: true });
    expect(parseTrigger({ ...tick, fleet: 'batch' }, fleets)).toEqual({
      id: 'schedule:x-1:batch',
      description: 'schedule at 2026-12-01T12:00:00Z',
      fleets: [fleets.fleets[1]],
      fleetTick: true,
    });
  });

  it('rejects a fleet the config does not have', () => {
    expect(() => parseTrigger({ ...tick, fleet: 'gone' }, fleets)).toThrow("fleet: gone is not a fleet of this deployment's config");
  });

  it('gives the dispatcher the tick, and refuses it a fleet\'s share or another event', () => {
    expect(parseScheduleTick(tick)).toEqual({ id: 'schedule:x-1', executionId: 'x-1', scheduledTime: '2026-12-01T12:00:00Z' });
    expect(() => parseScheduleTick({ ...tick, fleet: 'web' })).toThrow("not the schedule's tick: fleet: the dispatcher takes the tick for every fleet, got one for web");
    expect(() => parseScheduleTick({ source: 'aws.ec2', id: 'e-1' })).toThrow("not the schedule's tick: source: Invalid input: expected \"fleetward.schedule\"");
  });
});
