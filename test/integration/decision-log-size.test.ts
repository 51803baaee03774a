/**
 * The decision log at fleet scale: the entries the real step logs (over the in-memory ports) when
 * it adopts 3,000 instances, and when it scales 3,000 in by 2,000, written through the DynamoDB
 * adapter to moto (which refuses items over 400 KB, as DynamoDB does) and read back whole.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoState } from '../../functions/aws/state/dynamo-state.ts';
import { createFleetwardTable } from '../../dev/fixtures.ts';
import { A, B } from '../unit/memory/fixtures.ts';
import { ControlWorld, WORLD_OWNER } from '../unit/control/world.ts';

const FLEET_SIZE = 3000;

async function dynamoRecords() {
  const dynamodb = new DynamoDBClient({});
  const tableName = `fleetward-size-${randomUUID().slice(0, 8)}`;
  await createFleetwardTable(dynamodb, tableName);
  return dynamoState({ client: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }), tableName, decisionLogDays: 30 }).records;
}

function worldWithUnrecordedFleet() {
  const world = new ControlWorld({ fleet: { capacity: { min: 0, max: FLEET_SIZE } } });
  for (let i = 0; i < FLEET_SIZE; i += 1) {
    const subnet = i % 2 === 0 ? A : B;
    world.compute.seedInstance({ fleet: 'web', owner: WORLD_OWNER, commandId: `web/0/launch/${subnet.subnetId}`, subnetId: subnet.subnetId });
  }
  world.setLoad(10 * FLEET_SIZE);
  return world;
}

describe('a step of a large fleet in the decision log on DynamoDB', () => {
  it('logs and lists whole the step that adopts 3,000 instances (a first run over an existing fleet)', async () => {
    const world = worldWithUnrecordedFleet();
    expect((await world.step()).outcome).toBe('done');
    const entry = await world.lastDecision();
    expect(entry?.actions.filter((a) => a.kind === 'adopt')).toHaveLength(FLEET_SIZE);

    const records = await dynamoRecords();
    if (entry === undefined) throw new Error('no entry');
    await records.appendDecision('web', entry);
    expect(await records.listDecisions('web', 1)).toEqual([entry]);
  });

  it('logs and lists whole the step that picks 2,000 victims', async () => {
    const world = worldWithUnrecordedFleet();
    await world.step();
    world.clock.advance(60_000);
    world.setLoad(10 * (FLEET_SIZE - 2000));
    expect((await world.step()).outcome).toBe('done');
    const entry = await world.lastDecision();
    expect(entry?.decision.desiredCapacity).toBe(FLEET_SIZE - 2000);
    expect(entry?.actions.length).toBeGreaterThanOrEqual(2000);

    const records = await dynamoRecords();
    if (entry === undefined) throw new Error('no entry');
    await records.appendDecision('web', entry);
    expect(await records.listDecisions('web', 1)).toEqual([entry]);
  });
});
