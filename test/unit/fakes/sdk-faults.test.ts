/**
 * The injected SDK faults do not depend on the order calls arrive in: the same seed gives the
 * same faults to the same requests sent in different orders (sequentially and all at once), and a
 * rule's limit holds per request key; the stable key leaves out what changes from run to run.
 */
import { Readable } from 'node:stream';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { describe, expect, it } from 'vitest';
import { FaultDraws } from '../../fakes/fault-draws.ts';
import { RETRYABLE_FAULTS, SdkFaults, type SdkFaultRule, requestKey } from '../../fakes/sdk-faults.ts';

const FAKE = { region: 'us-east-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } };
const KEYS = Array.from({ length: 40 }, (_, i) => `item-${i}`);

/** A DynamoDB client with the faults attached, answered in process with an empty item. */
function faultyClient(faults: SdkFaults) {
  const requestHandler = { handle: async () => ({ response: { statusCode: 200, headers: {}, body: Readable.from(['{}']) } }) };
  return faults.attach(new DynamoDBClient({ ...FAKE, requestHandler, retryStrategy: new ConfiguredRetryStrategy(3, 1) }));
}

/** Gets every key in `order` (one after another, or all at once) and returns, per key, the faults it met and whether it failed for good. */
async function faultsByKey(seed: number, rules: readonly SdkFaultRule[], order: readonly string[], together: boolean) {
  const keys = [...order].sort((a, b) => KEYS.indexOf(a) - KEYS.indexOf(b));
  const faults = new SdkFaults(seed, rules);
  const client = faultyClient(faults);
  const outcomes = new Map<string, string>();
  const get = async (pk: string) => {
    const failed = await client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: pk }, sk: { S: 'STATUS' } } })).then(
      () => 'ok',
      (error: Error) => error.name,
    );
    outcomes.set(pk, failed);
  };
  if (together) await Promise.all(order.map(get));
  else for (const pk of order) await get(pk);
  return keys.map((pk) => {
    const kinds = faults.injected.filter((f) => requestKey(f.input, 'pk') === pk).map((f) => f.kind);
    return `${pk}: ${kinds.join(',')} -> ${outcomes.get(pk) ?? '?'}`;
  });
}

const shuffled = [...KEYS].sort((a, b) => (a.length * 7 + Number(a.slice(5)) * 13) % 11 - ((b.length * 7 + Number(b.slice(5)) * 13) % 11));
const EVERY_KIND: SdkFaultRule = { kinds: RETRYABLE_FAULTS, rate: 0.3 };

describe('faults injected into SDK calls', () => {
  it('gives the same requests the same faults whatever order they are sent in', async () => {
    const inOrder = await faultsByKey(5, [EVERY_KIND], KEYS, false);

    expect(await faultsByKey(5, [EVERY_KIND], [...KEYS].reverse(), false)).toEqual(inOrder);
    expect(await faultsByKey(5, [EVERY_KIND], shuffled, true)).toEqual(inOrder);
    expect(await faultsByKey(5, [EVERY_KIND], [...KEYS].reverse(), true)).toEqual(inOrder);
    const faulted = inOrder.filter((line) => !line.includes(':  ->'));
    expect(faulted.length).toBeGreaterThan(5);
    expect(faulted.length).toBeLessThan(KEYS.length);
  });

  it('draws other faults for another seed', async () => {
    expect(await faultsByKey(6, [EVERY_KIND], KEYS, false)).not.toEqual(await faultsByKey(5, [EVERY_KIND], KEYS, false));
  });

  // 20 requests: 40 lost answers at once would empty the client's retry quota (500 tokens, 10 a timeout), and which request then gets no retry is the arrival order's.
  it('holds a limit per request key: each request loses its first answer and its retry goes through, in any order', async () => {
    const once: SdkFaultRule = { kinds: ['lost-answer'], rate: 1, limit: 1 };
    const twenty = KEYS.slice(0, 20);
    const expected = twenty.map((pk) => `${pk}: lost-answer -> ok`);

    expect(await faultsByKey(1, [once], twenty, false)).toEqual(expected);
    expect(await faultsByKey(1, [once], [...twenty].reverse(), true)).toEqual(expected);
  });
});

describe('the stable key of a request', () => {
  const draws = new FaultDraws(1);
  const key = (input: Record<string, unknown>) => draws.stableKey('PutItemCommand', input);
  const put = (pk: string, token: string, atMs: number, at: Date) => ({ TableName: 'fleetward-test-1a2b3c4d', Item: { pk: { S: pk }, token: { S: token }, atMs: { N: String(atMs) }, at }, NextToken: token });

  it.each([
    ['a write token', put('a', '0b5c1d0e-8f7a-4c1b-9e2d-3f4a5b6c7d8e', 1, new Date(0)), put('a', '9f8e7d6c-5b4a-4321-8fed-cba987654321', 1, new Date(0))],
    ['a time', put('a', 't', 1_764_633_600_000, new Date(1_764_633_600_000)), put('a', 't', 1_764_633_660_000, new Date(1_764_633_660_000))],
    ['the order of fields', { b: 1, a: 2 }, { a: 2, b: 1 }],
    ['an emulator id', { InstanceIds: ['i-0123456789abcdef0'] }, { InstanceIds: ['i-0fedcba9876543210'] }],
  ])('leaves out %s', (_what, one, other) => {
    expect(key(one)).toBe(key(other));
  });

  it('tells apart requests for other items, and names an instance by the launch that made it', () => {
    expect(key(put('a', 't', 1, new Date(0)))).not.toBe(key(put('b', 't', 1, new Date(0))));
    const launch = { InstanceType: 't4g.micro', TagSpecifications: [{ Tags: [{ Key: 'fleetward:command-id', Value: 'web/3/launch/subnet-0a1b2c3d' }] }] };
    draws.nameFrom('RunInstancesCommand', launch, { Instances: [{ InstanceId: 'i-0123456789abcdef0' }, { InstanceId: 'i-0fedcba9876543210' }] });

    expect(key({ InstanceIds: ['i-0fedcba9876543210'] })).toBe('PutItemCommand {"InstanceIds":["instance(web/3/launch/subnet-<hex>|t4g.micro#1)"]}');
  });
});
