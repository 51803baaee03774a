/**
 * Failures that used to escape the handler without a word: a DynamoDB or EC2 call that fails on
 * every SDK attempt, around the step rather than in it. Each one is answered (the handler does
 * not throw), logged with its fleet, counted and notified once.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDEMPOTENCY_PARTITION } from '../../functions/aws/table-keys.ts';
import { SdkFaults, type SdkFaultRule, clientsWithFaults, requestKey } from '../fakes/sdk-faults.ts';
import { FleetHarness } from './harness.ts';

/** A fleet whose handler's calls that `rule` picks fail on every attempt with a 5xx. */
async function failingEveryAttempt(rule: Omit<SdkFaultRule, 'kinds' | 'rate'>) {
  const fleet = await FleetHarness.create();
  const faults = new SdkFaults(1, [{ ...rule, kinds: ['server-error'], rate: 1 }]);
  fleet.handlerClients = clientsWithFaults(faults);
  fleet.configure();
  await fleet.publish(30);
  const errors = vi.spyOn(Logger.prototype, 'error');
  const counted = vi.spyOn(fleet.metrics, 'addMetric');
  return { fleet, faults, errors, counted };
}

const onItems = (command: string, matches: (pk: string, sk: string) => boolean): Omit<SdkFaultRule, 'kinds' | 'rate'> => ({
  commands: [command],
  when: (input) => matches(requestKey(input, 'pk') ?? '', requestKey(input, 'sk') ?? ''),
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a failure around the step', () => {
  it('answers, logs, counts and notifies once when the event record cannot be written', async () => {
    const { fleet, faults, errors, counted } = await failingEveryAttempt(onItems('PutItemCommand', (pk) => pk === IDEMPOTENCY_PARTITION));

    const result = await fleet.invoke();

    expect(faults.injected.length).toBe(3);
    expect(result).toMatchObject({ status: 'failed', fleets: [] });
    expect(result.reason).toBe('Failed to save in progress record to idempotency store: We encountered an internal error. Please try again. (injected)');
    expect(errors).toHaveBeenCalledWith('an event failed', expect.objectContaining({ fleets: [fleet.name] }));
    expect(counted).toHaveBeenCalledWith('EventsFailed', 'Count', 1);
    expect(fleet.notifications).toEqual([expect.objectContaining({ subject: `fleetward: an event failed for fleet ${fleet.name}`, message: result.reason })]);
    expect(await fleet.instances()).toEqual([]);
  });

  it('answers, logs, counts and notifies once when the event cannot be marked as handled after the step', async () => {
    const { fleet, errors, counted } = await failingEveryAttempt(onItems('UpdateItemCommand', (pk) => pk === IDEMPOTENCY_PARTITION));

    const result = await fleet.invoke();

    expect(result).toMatchObject({ status: 'failed' });
    expect(errors).toHaveBeenCalledWith('an event failed', expect.objectContaining({ fleets: [fleet.name] }));
    expect(counted).toHaveBeenCalledWith('EventsFailed', 'Count', 1);
    expect(fleet.notifications).toHaveLength(1);
    expect(await fleet.instances()).toHaveLength(3);
  });

  it('answers, logs, counts and notifies once when the lease cannot be written', async () => {
    const { fleet, errors, counted } = await failingEveryAttempt(onItems('PutItemCommand', (_pk, sk) => sk === 'LEASE'));

    const result = await fleet.invoke();

    expect(result).toMatchObject({ status: 'done', fleets: [{ fleet: fleet.name, outcome: 'failed' }] });
    expect(errors).toHaveBeenCalledWith('step failed', expect.objectContaining({ fleet: fleet.name }));
    expect(counted).toHaveBeenCalledWith('StepsFailed', 'Count', 1);
    expect(fleet.notifications.map((n) => n.subject)).toEqual([`fleetward: a step failed for fleet ${fleet.name}`]);
  });

  it('answers, logs, counts and notifies once when the instance an event is about cannot be described', async () => {
    const { fleet, counted } = await failingEveryAttempt({ commands: ['DescribeInstancesCommand'] });
    const event = {
      id: 'state-change-1',
      source: 'aws.ec2',
      'detail-type': 'EC2 Instance State-change Notification',
      detail: { 'instance-id': 'i-0123456789abcdef0', state: 'terminated' },
    };

    const result = await fleet.invoke(event);

    expect(result).toMatchObject({ status: 'failed', trigger: 'ec2:state-change-1' });
    expect(counted).toHaveBeenCalledWith('EventsFailed', 'Count', 1);
    expect(fleet.notifications.map((n) => n.subject)).toEqual([`fleetward: an event failed for fleet ${fleet.name}`]);
  });
});
