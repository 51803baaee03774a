/**
 * A scale-in that stops right after TerminateInstances, by a crash or by a record write that
 * fails: its victim's record said draining before the call (write-ahead), so the next step sees a
 * drained instance gone, not an in-service one failed, and launches no "replacement".
 */
import type { MetadataBearer } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { FleetHarness } from './harness.ts';

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'TransactWriteItemsCommand']);

/**
 * After the first TerminateInstances returns: with `everything`, every later EC2 and DynamoDB call
 * fails (the process died); without, only the next DynamoDB write does.
 */
function failAfterTerminate(fleet: FleetHarness, everything: boolean) {
  let terminated = false;
  let failedWrite = false;
  fleet.ec2.middlewareStack.add(
    (next, context) => async (args) => {
      if (terminated && everything) throw new Error('simulated crash: the Lambda stopped here');
      const result = await next(args);
      if (context.commandName === 'TerminateInstancesCommand') terminated = true;
      return result;
    },
    { step: 'initialize', name: 'afterTerminate' },
  );
  fleet.dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const write = WRITES.has(context.commandName ?? '');
      if (terminated && (everything || (write && !failedWrite))) {
        failedWrite = true;
        throw new Error('simulated failure of the first write after TerminateInstances');
      }
      return next(args) as Promise<{ output: MetadataBearer; response: unknown }>;
    },
    { step: 'initialize', name: 'afterTerminateDynamo' },
  );
  return () => {
    fleet.ec2.middlewareStack.remove('afterTerminate');
    fleet.dynamodb.middlewareStack.remove('afterTerminateDynamo');
  };
}

describe('a scale-in stopped right after TerminateInstances', () => {
  it.each([
    ['the process dies', true],
    ['the record write after it fails', false],
  ])('%s: the next steps launch no replacement for the victim (4 launched where 4 were needed)', async (_, everything) => {
    const fleet = await FleetHarness.create();
    await fleet.step(40);
    expect(await fleet.instances()).toHaveLength(4);

    const recover = failAfterTerminate(fleet, everything);
    await fleet.step(20).catch(() => undefined);
    recover();
    fleet.clock.advance(120);
    for (let step = 0; step < 3; step++) await fleet.step(20);

    const everLaunched = await fleet.instances(() => true);
    expect(everLaunched).toHaveLength(4);
    expect(await fleet.instances()).toHaveLength(2);
    const records = await fleet.records().listInstances(fleet.fleet.name);
    expect(records.map((r) => r.lifecycle)).toEqual(['in-service', 'in-service']);
    const decisions = await fleet.records().listDecisions(fleet.fleet.name, 5);
    const afterScaleOut = decisions.filter((d) => d.step > 1).flatMap((d) => d.actions);
    expect(afterScaleOut.filter((a) => a.kind === 'failover' || a.kind === 'launch')).toEqual([]);
    expect(afterScaleOut.map((a) => a.reason)).toContain('the instance went away while draining');
  });
});
