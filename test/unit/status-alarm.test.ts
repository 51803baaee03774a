// A status-check alarm fails an instance over only when the fleet owns the alarm or EC2 confirms
// the failure; any other alarm (anyone can create one, or force one with SetAlarmState) is a note.
import { describe, expect, it } from 'vitest';
import type { InstanceSignal, ObservedInstance } from '../../functions/core/model.ts';
import { screenSignals } from '../../functions/core/status-alarm.ts';
import { observedInstance } from './fixtures.ts';

const A = { subnetId: 'subnet-0a', availabilityZone: 'us-east-1a' };
const instance = (extra: Partial<ObservedInstance> = {}) => observedInstance('i-1', A, 0, extra);
const alarm = (name: string, alarmOwner?: string): InstanceSignal => ({ instanceId: 'i-1', kind: 'status-alarm', detail: name, ...(alarmOwner === undefined ? {} : { alarmOwner }) });
const spot: InstanceSignal = { instanceId: 'i-1', kind: 'spot-interruption', detail: 'instance action terminate' };

describe('screenSignals', () => {
  it.each<[string, InstanceSignal[], ObservedInstance | undefined, { accepted: InstanceSignal[]; notes: string[] }]>([
    [
      'an alarm the fleet owns',
      [alarm('fleetward-web-i-1', 'web')],
      instance(),
      { accepted: [{ instanceId: 'i-1', kind: 'status-alarm', detail: 'fleetward-web-i-1 (owned by the fleet)', alarmOwner: 'web' }], notes: [] },
    ],
    [
      'a foreign alarm that EC2 confirms',
      [alarm('web-1-status')],
      instance({ health: 'impaired' }),
      { accepted: [{ instanceId: 'i-1', kind: 'status-alarm', detail: 'web-1-status, confirmed by DescribeInstanceStatus: its status checks are impaired' }], notes: [] },
    ],
    [
      'a foreign alarm on a healthy instance',
      [alarm('web-1-status')],
      instance(),
      { accepted: [], notes: ["ignored status check alarm web-1-status on i-1: the alarm is not the fleet's and DescribeInstanceStatus reports its status checks ok"] },
    ],
    [
      "another fleet's alarm on a healthy instance",
      [alarm('fleetward-api-i-1', 'api')],
      instance(),
      { accepted: [], notes: ["ignored status check alarm fleetward-api-i-1 on i-1: the alarm is not the fleet's and DescribeInstanceStatus reports its status checks ok"] },
    ],
    [
      'a foreign alarm while EC2 reports no status',
      [alarm('web-1-status')],
      instance({ health: 'unknown' }),
      { accepted: [], notes: ["ignored status check alarm web-1-status on i-1: the alarm is not the fleet's and DescribeInstanceStatus reports its status checks unknown"] },
    ],
    ['other signals, untouched', [spot], instance(), { accepted: [spot], notes: [] }],
  ])('%s', (_case, signals, observed, expected) => {
    expect(screenSignals('web', signals, observed)).toEqual(expected);
  });
});
