/**
 * The batched writes of a launch, on clients answered in process that record each request:
 * instance records in BatchWriteItem calls of 25 (what DynamoDB leaves unprocessed sent again,
 * an error once the attempts run out), and registrations in RegisterTargets calls of 500.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ElasticLoadBalancingV2Client, type RegisterTargetsCommandInput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { type BatchWriteCommandInput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HandlerExecutionContext, InitializeHandlerArguments } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { Elbv2Targets } from '../../../functions/aws/elbv2-targets.ts';
import { DynamoFleetRecords } from '../../../functions/aws/state/fleet-records.ts';
import { TableClient } from '../../../functions/aws/state/table-client.ts';

const TABLE = 'fleetward';
const FAKE = { region: 'us-east-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } };
/** The requests of one call as the document client sends them (the middleware sees them before marshalling). */
type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];

/** A DynamoDB client answering BatchWriteItem: `unprocessed(call, requests)` says which requests of each call it leaves unprocessed. */
function fakeDynamo(unprocessed: (call: number, requests: WriteRequests) => WriteRequests) {
  const client = new DynamoDBClient(FAKE);
  const calls: WriteRequests[] = [];
  client.middlewareStack.add(
    (_next, context: HandlerExecutionContext) => async (args: InitializeHandlerArguments<object>) => {
      if (context.commandName !== 'BatchWriteItemCommand') throw new Error(`unexpected ${context.commandName ?? '?'}`);
      const requests = (args.input as BatchWriteCommandInput).RequestItems?.[TABLE] ?? [];
      calls.push(requests);
      const left = unprocessed(calls.length, requests);
      return { output: { UnprocessedItems: left.length > 0 ? { [TABLE]: left } : {}, $metadata: {} }, response: {} };
    },
    { step: 'initialize', name: 'fakeBatchWrite' },
  );
  const records = new DynamoFleetRecords(new TableClient({ client: DynamoDBDocumentClient.from(client), tableName: TABLE }), 30);
  return { records, calls };
}

const launched = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ instanceId: `i-${String(i).padStart(17, '0')}`, lifecycle: 'in-service' as const, launchedAtMs: 1, reason: 'launched by web/1/launch/subnet-a: scale out' }));
const writtenIds = (calls: readonly WriteRequests[]) => calls.flatMap((requests) => requests.map((r) => r.PutRequest?.Item?.instanceId as string | undefined));

describe('instance records of a launch', () => {
  it.each([
    [1, 1],
    [25, 1],
    [26, 2],
    [1000, 40],
  ])('%i records: %i BatchWriteItem call(s) of at most 25, each record once at version 1', async (count, expected) => {
    const { records, calls } = fakeDynamo(() => []);
    await records.putNewInstances('web', launched(count));
    expect(calls.map((requests) => requests.length)).toEqual(Array.from({ length: expected }, (_, i) => Math.min(25, count - 25 * i)));
    expect(writtenIds(calls)).toEqual(launched(count).map((r) => r.instanceId));
    const items = calls.flat().map((r) => r.PutRequest?.Item ?? {});
    expect(items.filter((item) => item.version !== 1 || item.sk !== `INSTANCE#${String(item.instanceId)}` || item.lifecycle !== 'in-service')).toEqual([]);
  });

  it('sends again, after a backoff, what DynamoDB left unprocessed: 60 records, 5 left by the first call, in 4 calls', async () => {
    const { records, calls } = fakeDynamo((call, requests) => (call === 1 ? requests.slice(20) : []));
    await records.putNewInstances('web', launched(60));
    expect(calls.map((requests) => requests.length)).toEqual([25, 25, 10, 5]);
    expect(new Set(writtenIds(calls))).toEqual(new Set(launched(60).map((r) => r.instanceId)));
    expect(writtenIds(calls.slice(3))).toEqual(launched(60).slice(20, 25).map((r) => r.instanceId));
  });

  it('fails naming what is left once 5 attempts leave some unwritten', async () => {
    const { records, calls } = fakeDynamo((_, requests) => requests.slice(-2));
    await expect(records.putNewInstances('web', launched(30))).rejects.toThrow('DynamoDB left 2 of 30 instance records of fleet web unwritten after 5 attempts');
    expect(calls.map((requests) => requests.length)).toEqual([25, 5, 4, 2, 2, 2]);
  });

  it('writes nothing for no records', async () => {
    const { records, calls } = fakeDynamo(() => []);
    await records.putNewInstances('web', []);
    expect(calls).toEqual([]);
  });
});

/** An ELBv2 client answering RegisterTargets, recording each request's targets. */
function fakeElbv2() {
  const client = new ElasticLoadBalancingV2Client(FAKE);
  const calls: string[][] = [];
  client.middlewareStack.add(
    (_next, context: HandlerExecutionContext) => async (args: InitializeHandlerArguments<object>) => {
      if (context.commandName !== 'RegisterTargetsCommand') throw new Error(`unexpected ${context.commandName ?? '?'}`);
      calls.push(((args.input as RegisterTargetsCommandInput).Targets ?? []).map((t) => t.Id ?? ''));
      return { output: { $metadata: {} }, response: {} };
    },
    { step: 'initialize', name: 'fakeRegister' },
  );
  return { targets: new Elbv2Targets(client), calls };
}

describe('registering a launch in a target group', () => {
  it.each([
    [0, []],
    [1, [1]],
    [500, [500]],
    [501, [500, 1]],
    [1000, [500, 500]],
    [2500, [500, 500, 500, 500, 500]],
  ])('%i instances: RegisterTargets calls of %j', async (count, sizes) => {
    const { targets, calls } = fakeElbv2();
    const ids = launched(count).map((r) => r.instanceId);
    await targets.registerTargets('arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/1', ids);
    expect(calls.map((c) => c.length)).toEqual(sizes);
    expect(calls.flat()).toEqual(ids);
  });
});
