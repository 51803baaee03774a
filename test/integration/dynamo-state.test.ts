// The state ports' contract on the DynamoDB adapters against moto, each test on a fresh table; and
// that a failed conditional write says why from the item it returns, without reading it again.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { expect, it, vi } from 'vitest';
import { dynamoState } from '../../functions/aws/state/dynamo-state.ts';
import { forecastItem, statusItem } from '../../functions/aws/table-keys.ts';
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
