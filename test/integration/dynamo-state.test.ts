// The state ports' contract on the DynamoDB adapters against moto, each test on a fresh table; and
// that a failed conditional write says why from the item it returns, without reading it again.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { expect, it, vi } from 'vitest';
import { dynamoState } from '../../functions/aws/state/dynamo-state.ts';
import { forecastItem, instanceItem, statusItem } from '../../functions/aws/table-keys.ts';
import { createFleetwardTable } from '../../dev/fixtures.ts';
import { LeaseHeldError } from '../../functions/ports/errors.ts';
import { describeStateContract } from '../contract/state.contract.ts';

const dynamodb = new DynamoDBClient({});
const documents = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
let tableName = '';
const put = async (Item: Record<string, unknown>) => void (await documents.send(new PutCommand({ TableName: tableName, Item })));

async function freshState() {
  tableName = `fleetward-state-${randomUUID().slice(0, 8)}`;
  await createFleetwardTable(dynamodb, tableName);
  return dynamoState({ client: documents, tableName, decisionLogDays: 30 });
}

describeStateContract('DynamoDB on moto', {
  create: freshState,
  malformed: {
    status: (fleet) => put({ ...statusItem.key(fleet), step: 1, desiredCapacity: 'three', recommendations: [], version: 1 }),
    instance: (fleet, instanceId) => put({ ...instanceItem.key(fleet, instanceId), instanceId, lifecycle: 'sleeping', launchedAtMs: 1, reason: 'adopted', version: 1 }),
    forecastModel: (fleet) => put({ ...forecastItem.key(fleet), model: { unexpected: true } }),
  },
});

it('names a lease holder and an earlier journal entry from the failed conditional write, reading nothing again', async () => {
  const { leases, journal } = await freshState();
  const command = { kind: 'forget', id: 'workers/1/forget/i-1', instanceId: 'i-1', reason: 'gone' } as const;
  await leases.acquire('workers', 'run-a', 1_000, 120_000);
  await journal.begin('workers', command, 1_000);
  const sent = vi.spyOn(documents, 'send');
  try {
    await expect(leases.acquire('workers', 'run-b', 2_000, 120_000)).rejects.toThrow(new LeaseHeldError('workers', 'run-a', 121_000));
    expect(await journal.begin('workers', command, 2_000)).toMatchObject({ commandId: command.id, state: 'started' });
    expect(sent.mock.calls.filter(([sentCommand]) => sentCommand instanceof GetCommand)).toEqual([]);
    expect(sent).toHaveBeenCalledTimes(2);
  } finally {
    sent.mockRestore();
  }
});

it("says so when a large entry's part was never written (the run stopped between its items), and reads only small items listing it", async () => {
  const { records } = await freshState();
  const actions = Array.from({ length: 4000 }, (_, i) => ({ commandId: `workers/1/adopt/i-${i}`, kind: 'adopt' as const, reason: 'tagged for the fleet, not yet recorded', outcome: `adopted i-${i}` }));
  const entry = {
    step: 1,
    atMs: 1_800_000_000_000,
    trigger: 'schedule',
    decision: { desiredCapacity: 4000, direction: 'hold' as const, reason: 'adopted', notes: [], dryRun: false },
    metric: { kind: 'missing' as const, label: 'Test/Load', why: 'no datapoint' },
    actions,
  };
  await records.appendDecision('workers', entry);
  const parts = await documents.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': 'FLEET#workers', ':p': 'DECISION' } }));
  const sizes = (parts.Items ?? []).map((item) => [String(item.sk), Buffer.byteLength(JSON.stringify(item))] as const);
  expect(sizes.map(([sk]) => sk)).toEqual(['DECISION#000000000001', 'DECISIONPART#000000000001#PART#0001', 'DECISIONPART#000000000001#PART#0002']);
  expect(sizes[0]?.[1]).toBeLessThan(40 * 1024);
  await documents.send(new DeleteCommand({ TableName: tableName, Key: { pk: 'FLEET#workers', sk: 'DECISIONPART#000000000001#PART#0002' } }));
  const [listed] = await records.listDecisions('workers', 1);
  expect(listed?.decision.notes).toEqual(["1 of 2 parts of this entry's actions were not written: the run stopped while logging it"]);
  expect(listed?.actions.slice(0, 5)).toEqual(actions.slice(0, 5));
  expect(listed?.actions.length).toBeLessThan(actions.length);
});

it("reads a fleet's records in one Query a page: one for a small fleet, two past 1 MB; three reads for a predictive fleet, none of its load history", async () => {
  const { records, history } = await freshState();
  const record = (instanceId: string, reason: string) => ({ instanceId, lifecycle: 'in-service' as const, launchedAtMs: 1, reason });
  await records.putStatus('workers', { step: 1, desiredCapacity: 3, recommendations: [] }, undefined);
  await records.putNewInstances('workers', [record('i-a', 'adopted'), record('i-b', 'adopted')]);
  await history.putLoadHistory('workers', 60, Array.from({ length: 600 }, (_, k) => ({ periodStartMs: 1_800_000_000_000 - (k + 1) * 60_000, load: k })));
  const sent = vi.spyOn(documents, 'send');
  const sentNames = () => sent.mock.calls.map(([command]) => command.constructor.name);
  try {
    expect((await records.readFleet('workers', { keepsLoadHistory: false })).instances).toHaveLength(2);
    expect(sentNames()).toEqual(['QueryCommand']);
    expect(sent.mock.calls[0]?.[0].input).toMatchObject({ KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to', ConsistentRead: true });

    sent.mockClear();
    expect((await records.readFleet('workers', { keepsLoadHistory: true })).instances).toHaveLength(2);
    expect(sentNames().sort()).toEqual(['GetCommand', 'QueryCommand', 'QueryCommand']);
    expect(sent.mock.calls.map(([command]) => (command.input as { ExpressionAttributeValues?: Record<string, unknown> }).ExpressionAttributeValues?.[':prefix'])).toEqual([undefined, 'INSTANCE#', 'REQUEST#']);

    await records.putNewInstances('workers', Array.from({ length: 300 }, (_, k) => record(`i-${String(k).padStart(4, '0')}`, 'x'.repeat(4000))));
    sent.mockClear();
    expect((await records.readFleet('workers', { keepsLoadHistory: false })).instances).toHaveLength(302);
    expect(sentNames()).toEqual(['QueryCommand', 'QueryCommand']);
  } finally {
    sent.mockRestore();
  }
});
