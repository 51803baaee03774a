/**
 * Losing only the fleet's STATUS item (deleted by hand, or a restore that missed it): the steps
 * after it go on numbering where the decision log left off, so their command ids meet no journaled
 * command of an earlier step and no decision log entry is overwritten.
 */
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { statusItem } from '../../functions/aws/table-keys.ts';
import { FleetHarness } from './harness.ts';

async function deleteStatus(fleet: FleetHarness): Promise<void> {
  const documents = DynamoDBDocumentClient.from(fleet.dynamodb);
  await documents.send(new DeleteCommand({ TableName: fleet.tableName, Key: statusItem.key(fleet.fleet.name) }));
}

describe('a lost status item', () => {
  it('launches what the fleet needs after the status is lost, skipping nothing as done before', async () => {
    const fleet = await FleetHarness.create();
    expect((await fleet.step(20)).fleets[0]?.launched).toHaveLength(2);
    await fleet.step(20);
    await deleteStatus(fleet);

    const after = await fleet.step(50);

    const launches = after.fleets[0]?.actions.filter((a) => a.kind === 'launch') ?? [];
    expect(launches.map((a) => a.outcome).filter((outcome) => outcome.startsWith('skipped'))).toEqual([]);
    expect(after.fleets[0]?.launched).toHaveLength(3);
    expect(await fleet.instances()).toHaveLength(5);
  });

  it('keeps every decision log entry: the steps after the loss are numbered after the newest entry', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(20);
    await fleet.step(20);
    const before = await fleet.records().listDecisions(fleet.fleet.name, 10);
    await deleteStatus(fleet);

    await fleet.step(20);
    // A step that changed nothing would write no entry: the load doubles, so this one scales out.
    await fleet.step(40);

    const entries = await fleet.records().listDecisions(fleet.fleet.name, 10);
    expect(entries).toHaveLength(4);
    expect(entries.slice(2)).toEqual(before);
    expect(entries.map((e) => e.step)).toEqual([5, 4, 2, 1]);
  });
});
