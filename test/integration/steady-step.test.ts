/**
 * A steady fleet on moto through the real handler: a step that changes nothing writes no item of
 * the fleet (no lease, status or decision log entry) and, as the dispatcher's tick, reads the
 * fleet's records in one Query; 15 minutes after the newest entry one step writes a heartbeat, and
 * a change is recorded under the next step number.
 */
import type { HandlerExecutionContext, InitializeHandler, InitializeHandlerArguments, MetadataBearer } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { HEARTBEAT_MS } from '../../functions/core/step/unchanged.ts';
import { FleetHarness, scheduleEvent } from './harness.ts';

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

/** The DynamoDB writes to the fleet's own items (not the handler's event record), as `command sk`. */
function recordFleetWrites(fleet: FleetHarness): string[] {
  const writes: string[] = [];
  fleet.dynamodb.middlewareStack.add(
    <Output extends MetadataBearer>(next: InitializeHandler<object, Output>, context: HandlerExecutionContext) =>
      (args: InitializeHandlerArguments<object>) => {
        // The document client's input: plain values, or attribute values once marshalled.
        const input = args.input as { Item?: Record<string, unknown>; Key?: Record<string, unknown> };
        const key = input.Item ?? input.Key ?? {};
        const text = (value: unknown) => (typeof value === 'string' ? value : ((value as { S?: string } | undefined)?.S ?? ''));
        const command = context.commandName ?? '?';
        if (WRITES.has(command) && text(key.pk).startsWith('FLEET#')) writes.push(`${command} ${text(key.sk)}`);
        return next(args);
      },
    { step: 'initialize', name: 'record-fleet-writes' },
  );
  return writes;
}

/** Every DynamoDB call the handler makes, by command name. */
function recordDynamoCalls(fleet: FleetHarness): string[] {
  const calls: string[] = [];
  fleet.dynamodb.middlewareStack.add(
    <Output extends MetadataBearer>(next: InitializeHandler<object, Output>, context: HandlerExecutionContext) =>
      (args: InitializeHandlerArguments<object>) => {
        calls.push(context.commandName ?? '?');
        return next(args);
      },
    { step: 'initialize', name: 'record-dynamo-calls' },
  );
  return calls;
}

describe('a steady step on DynamoDB', () => {
  it("sends one DynamoDB call as the fleet's tick: a Query of its status, records and requests", async () => {
    const fleet = await FleetHarness.create();
    for (let k = 0; k < 3; k++) await fleet.step(20);
    fleet.clock.advance(60);
    await fleet.publish(20);
    const calls = recordDynamoCalls(fleet);

    const steady = await fleet.invoke({ ...scheduleEvent(), fleet: fleet.name });

    expect(steady.fleets[0]).toMatchObject({ outcome: 'done', actions: [] });
    expect(calls).toEqual(['QueryCommand']);
  });

  it('writes nothing of the fleet until its heartbeat, which names the step nothing changed since', async () => {
    const fleet = await FleetHarness.create();
    for (let k = 0; k < 3; k++) await fleet.step(20);
    const writes = recordFleetWrites(fleet);
    const status = await fleet.records().getStatus(fleet.fleet.name);
    const entries = await fleet.records().listDecisions(fleet.fleet.name, 20);

    const steady = await fleet.step(20);

    expect(steady.fleets[0]).toMatchObject({ outcome: 'done', step: status?.step, actions: [] });
    expect(writes).toEqual([]);
    expect(await fleet.records().getStatus(fleet.fleet.name)).toEqual(status);
    expect(await fleet.records().listDecisions(fleet.fleet.name, 20)).toEqual(entries);

    fleet.clock.advance(HEARTBEAT_MS / 1000);
    const beat = await fleet.step(20);
    const heartbeat = (await fleet.records().listDecisions(fleet.fleet.name, 1))[0];

    expect(beat.fleets[0]).toMatchObject({ outcome: 'done', step: (status?.step ?? 0) + 1, actions: [] });
    expect(heartbeat).toMatchObject({ step: (status?.step ?? 0) + 1, unchanged: { sinceStep: status?.step, sinceMs: status?.logged?.atMs } });
    expect(writes.map((w) => w.split(' ')[0])).toEqual(['PutItemCommand', 'PutItemCommand', 'PutItemCommand', 'DeleteItemCommand']);
    expect(writes.map((w) => w.split(' ')[1]?.split('#')[0])).toEqual(['LEASE', 'STATUS', 'DECISION', 'LEASE']);

    writes.length = 0;
    const grown = await fleet.step(40);

    expect(grown.fleets[0]).toMatchObject({ outcome: 'done', step: (status?.step ?? 0) + 2, desiredCapacity: 4 });
    expect((await fleet.records().getStatus(fleet.fleet.name))?.unchangedSince).toBeUndefined();
    expect(await fleet.instances()).toHaveLength(4);
  });
});
