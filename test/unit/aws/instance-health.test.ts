/**
 * How many DescribeInstanceStatus calls a fleet's status checks take, on a client answered in
 * process: by id up to 200 instances, then pages of the account's not-ok instances (1,000 a
 * page) plus the young ones by id, with each instance's health as EC2 gives it.
 */
import { type DescribeInstanceStatusCommandInput, EC2Client, type InstanceStatus } from '@aws-sdk/client-ec2';
import type { HandlerExecutionContext, InitializeHandlerArguments } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { readInstanceHealth, YOUNG_MS } from '../../../functions/aws/instance-health.ts';

const NOW_MS = Date.parse('2026-12-01T12:00:00Z');
type Check = 'ok' | 'impaired' | 'initializing';
interface FakeInstance {
  readonly instanceId: string;
  readonly launchTimeMs: number;
  readonly instance: Check;
  readonly system: Check;
}

const statusOf = (i: FakeInstance): InstanceStatus => ({ InstanceId: i.instanceId, InstanceStatus: { Status: i.instance }, SystemStatus: { Status: i.system } });

/** An EC2 client whose DescribeInstanceStatus answers from `account`, recording each request. */
function fakeEc2(account: readonly FakeInstance[]) {
  const client = new EC2Client({ region: 'us-east-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } });
  const requests: DescribeInstanceStatusCommandInput[] = [];
  client.middlewareStack.add(
    (_next, context: HandlerExecutionContext) => async (args: InitializeHandlerArguments<object>) => {
      if (context.commandName !== 'DescribeInstanceStatusCommand') throw new Error(`unexpected ${context.commandName ?? '?'}`);
      const input = args.input as DescribeInstanceStatusCommandInput;
      requests.push(input);
      if (input.InstanceIds !== undefined) {
        const ids = new Set(input.InstanceIds);
        return { output: { InstanceStatuses: account.filter((i) => ids.has(i.instanceId)).map(statusOf), $metadata: {} }, response: {} };
      }
      const [filter] = input.Filters ?? [];
      const check = filter?.Name === 'instance-status.status' ? 'instance' : 'system';
      const matching = account.filter((i) => filter?.Values?.includes(i[check]));
      const start = Number(input.NextToken ?? 0);
      const end = start + (input.MaxResults ?? 1000);
      return { output: { InstanceStatuses: matching.slice(start, end).map(statusOf), ...(end < matching.length ? { NextToken: String(end) } : {}), $metadata: {} }, response: {} };
    },
    { step: 'initialize', name: 'fakeInstanceStatus' },
  );
  return { client, requests };
}

const fleetOf = (count: number, shape: (i: number) => Partial<FakeInstance> = () => ({})): FakeInstance[] =>
  Array.from({ length: count }, (_, i) => ({ instanceId: `i-${i.toString(16).padStart(17, '0')}`, launchTimeMs: NOW_MS - 2 * YOUNG_MS, instance: 'ok', system: 'ok', ...shape(i) }));

describe('reading the status checks of a fleet', () => {
  it.each([
    ['150 instances, by id', fleetOf(150), [100, 50], { ok: 150 }],
    ['200 instances, by id', fleetOf(200), [100, 100], { ok: 200 }],
    ['1,000 settled instances, two filtered calls', fleetOf(1_000, (i) => (i === 7 ? { system: 'impaired' } : {})), ['filter', 'filter'], { ok: 999, impaired: 1 }],
    [
      '10,000 settled, 1,500 initializing: the instance check in two pages',
      fleetOf(10_000, (i) => (i < 1_500 ? { instance: 'initializing' } : i === 9_999 ? { instance: 'impaired', system: 'impaired' } : {})),
      ['filter', 'filter', 'filter'],
      { unknown: 1_500, ok: 8_499, impaired: 1 },
    ],
    ['1,000 instances, 150 of them young', fleetOf(1_000, (i) => (i < 150 ? { launchTimeMs: NOW_MS - 60_000, instance: 'initializing' } : {})), ['filter', 'filter', 100, 50], { unknown: 150, ok: 850 }],
    ['1,000 instances all young, by id alone', fleetOf(1_000, () => ({ launchTimeMs: NOW_MS })), Array<number>(10).fill(100), { ok: 1_000 }],
  ])('%s', async (_case, account, expectedCalls, expectedHealth) => {
    const ec2 = fakeEc2([...account, ...fleetOf(5, () => ({ instance: 'impaired' })).map((i) => ({ ...i, instanceId: `${i.instanceId}-other` }))]);
    const health = await readInstanceHealth(ec2.client, account, NOW_MS);
    expect(ec2.requests.map((r) => r.InstanceIds?.length ?? 'filter')).toEqual(expectedCalls);
    const counts: Record<string, number> = {};
    for (const value of health.values()) counts[value] = (counts[value] ?? 0) + 1;
    expect(counts).toEqual(expectedHealth);
    expect(health.size).toBe(account.length);
  });
});
