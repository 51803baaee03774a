/**
 * Lost answers to conditional writes: DynamoDB applied the write, the answer never came back and
 * the SDK sent it again, so the second attempt fails its condition on the item the first one
 * wrote. A run recognises its own write and goes on as if the answer had arrived. (A batch of
 * instance records has no condition: sent again, it writes the same items.)
 */
import { describe, expect, it } from 'vitest';
import { IDEMPOTENCY_PARTITION } from '../../functions/aws/table-keys.ts';
import { SdkFaults, clientsWithFaults, requestKey } from '../fakes/sdk-faults.ts';
import { FleetHarness } from './harness.ts';

/** A fleet whose handler loses the first answer to every write of the items `matches` picks (the limit is per request: its retry goes through). */
async function losingFirstAnswer(command: string, matches: (pk: string, sk: string) => boolean) {
  const fleet = await FleetHarness.create();
  const faults = new SdkFaults(1, [
    {
      commands: [command],
      when: (input) => matches(requestKey(input, 'pk') ?? '', requestKey(input, 'sk') ?? ''),
      kinds: ['lost-answer'],
      rate: 1,
      limit: 1,
    },
  ]);
  fleet.handlerClients = clientsWithFaults(faults);
  fleet.configure();
  await fleet.publish(30);
  return { fleet, faults };
}

describe('a conditional write whose answer was lost', () => {
  it('runs the step when the idempotency record was written but its answer lost (not "duplicate")', async () => {
    const { fleet, faults } = await losingFirstAnswer('PutItemCommand', (pk) => pk === IDEMPOTENCY_PARTITION);

    const result = await fleet.invoke();

    expect(faults.injected).toHaveLength(1);
    expect(result.status).toBe('done');
    expect(result.fleets[0]?.launched).toHaveLength(3);
    expect(await fleet.instances()).toHaveLength(3);
  });

  it('records the step when its status write was applied but the answer lost (no "changed by another run")', async () => {
    const { fleet, faults } = await losingFirstAnswer('PutItemCommand', (_pk, sk) => sk === 'STATUS');

    const result = await fleet.invoke();

    expect(faults.injected).toHaveLength(1);
    expect(result.fleets[0]).toMatchObject({ outcome: 'done', desiredCapacity: 3 });
    expect(fleet.notifications).toEqual([]);
    expect(await fleet.records().getStatus(fleet.name)).toMatchObject({ step: 1, desiredCapacity: 3 });
    const decisions = await fleet.records().listDecisions(fleet.name, 10);
    expect(decisions.map((d) => d.step)).toEqual([1]);
  });

  it('counts no launch failure when a batch of instance records was written but the answer lost (sent again, it writes the same items)', async () => {
    const { fleet, faults } = await losingFirstAnswer('BatchWriteItemCommand', () => true);

    const result = await fleet.invoke();

    // One batch per launch, one launch per zone.
    expect(faults.injected).toHaveLength(3);
    expect(result.fleets[0]).toMatchObject({ outcome: 'done', launchFailed: false });
    expect(result.fleets[0]?.launched).toHaveLength(3);
    expect(fleet.notifications).toEqual([]);
    expect((await fleet.records().getStatus(fleet.name))?.launchFailures).toBeUndefined();
    expect(await fleet.records().listInstances(fleet.name)).toHaveLength(3);
  });

  it('goes on scaling in when an instance record update was applied but the answer lost', async () => {
    const { fleet, faults } = await losingFirstAnswer('UpdateItemCommand', (_pk, sk) => sk.startsWith('INSTANCE#'));
    faults.stop();
    await fleet.invoke();
    faults.start();

    const result = await fleet.step(10);

    // The records of the 2 instances scaled in, each updated twice (two different updates of one item, each losing its first answer).
    const updated = faults.injected.map((f) => requestKey(f.input, 'sk'));
    expect(updated).toHaveLength(4);
    expect(new Set(updated).size).toBe(2);
    expect(result.fleets[0]).toMatchObject({ outcome: 'done', desiredCapacity: 1 });
    expect(result.fleets[0]?.terminated).toHaveLength(2);
    expect(fleet.notifications).toEqual([]);
    expect(await fleet.instances()).toHaveLength(1);
  });

  it('carries the command out once when its journal entry was written but the answer lost', async () => {
    const { fleet, faults } = await losingFirstAnswer('PutItemCommand', (_pk, sk) => sk.startsWith('ACTION#'));

    const result = await fleet.invoke();

    // Each of the 3 launches' journal entries.
    expect(faults.injected.map((f) => requestKey(f.input, 'sk'))).toEqual(Array.from({ length: 3 }, () => expect.stringMatching(/\/1\/launch\//)));
    const outcomes = result.fleets[0]?.actions.map((a) => a.outcome);
    expect(outcomes).toEqual(Array.from({ length: 3 }, () => expect.stringMatching(/^launched i-\w+ \(t4g\.micro\)$/)));
    expect(await fleet.instances()).toHaveLength(3);
  });
});
