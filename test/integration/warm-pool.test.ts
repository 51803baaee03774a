/**
 * A warm pool on moto, through the real handler: the pool of 2 is launched, recorded as pooled,
 * not counted as capacity, stopped once prepared; a scale-out then starts those two
 * (StartInstances, no RunInstances for them), launches only the rest, and refills the pool.
 */
import type { RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { FleetHarness } from './harness.ts';

type Handler = (args: { input: unknown }) => Promise<unknown>;
interface Stack {
  add(middleware: (next: Handler, context: { commandName?: string }) => Handler, options: { step: 'initialize'; name: string }): void;
}

/** The inputs of every RunInstances and StartInstances the handler sends, in order. */
function recordLaunches(fleet: FleetHarness): Array<{ command: string; input: unknown }> {
  const sent: Array<{ command: string; input: unknown }> = [];
  (fleet.ec2.middlewareStack as unknown as Stack).add(
    (next, context) => async (args) => {
      if (context.commandName === 'RunInstancesCommand' || context.commandName === 'StartInstancesCommand') sent.push({ command: context.commandName, input: args.input });
      return next(args);
    },
    { step: 'initialize', name: 'recordLaunches' },
  );
  return sent;
}

const stateOf = async (fleet: FleetHarness, ids: readonly string[]) =>
  (await fleet.instances(() => true)).filter((i) => ids.includes(i.InstanceId ?? '')).map((i) => i.State?.Name);

describe('a warm pool on moto', () => {
  it('scales out by starting the stopped pool members, launching only the rest, and refills the pool', async () => {
    const fleet = await FleetHarness.create({ warmPool: { size: 2, prepareSeconds: 0 } }, 2);
    const sent = recordLaunches(fleet);

    const first = await fleet.step(5);
    expect(first.fleets[0]).toMatchObject({ outcome: 'done', desiredCapacity: 1 });
    const pooled = (await fleet.records().listInstances(fleet.name)).filter((r) => r.lifecycle === 'pooled').map((r) => r.instanceId);
    expect(pooled).toHaveLength(2);

    const second = await fleet.step(5);
    expect(second.fleets[0]).toMatchObject({ outcome: 'done', desiredCapacity: 1 });
    expect(await stateOf(fleet, pooled)).toEqual(['stopped', 'stopped']);
    const [stopped] = await fleet.records().listDecisions(fleet.name, 1);
    expect(stopped?.actions.map((a) => [a.kind, a.reason])).toEqual([
      ['pool', 'prepared: running, status checks passed, 0 s (warmPool.prepareSeconds) since launch: stopping 2 into the warm pool of size 2'],
    ]);

    sent.length = 0;
    const out = await fleet.step(35);
    expect(out.fleets[0]).toMatchObject({ outcome: 'done', desiredCapacity: 4 });
    const [decision] = await fleet.records().listDecisions(fleet.name, 1);
    expect(decision?.actions.map((a) => [a.kind, a.reason])).toEqual([
      ['pool', 'capacity 1 is below desired 4: starting 2 stopped instance(s) (2 units) from the warm pool (2 ready of its size 2)'],
      ['launch', expect.stringMatching(/^capacity 1 \(\+2 starting from the warm pool\) is below desired 4: 1 instance\(s\) in us-east-1. to balance zones$/)],
      ['launch', expect.stringMatching(/^the warm pool holds 0 of its size 2: 1 instance\(s\) in us-east-1. to prepare and stop$/)],
      ['launch', expect.stringMatching(/^the warm pool holds 0 of its size 2: 1 instance\(s\) in us-east-1. to prepare and stop$/)],
    ]);
    const started = sent.filter((s) => s.command === 'StartInstancesCommand');
    expect(started.map((s) => [...((s.input as { InstanceIds: string[] }).InstanceIds)].sort())).toEqual([[...pooled].sort()]);
    const launchedUnits = sent.filter((s) => s.command === 'RunInstancesCommand').reduce((sum, s) => sum + ((s.input as RunInstancesCommandInput).MaxCount ?? 0), 0);
    expect(launchedUnits).toBe(3);
    expect(await stateOf(fleet, pooled)).toEqual(['running', 'running']);
    const records = await fleet.records().listInstances(fleet.name);
    expect(records.filter((r) => pooled.includes(r.instanceId)).map((r) => r.lifecycle)).toEqual(['in-service', 'in-service']);
    expect(records.filter((r) => r.lifecycle === 'pooled')).toHaveLength(2);
    expect(records.filter((r) => r.lifecycle === 'in-service')).toHaveLength(4);

    const next = await fleet.step(35);
    expect(next.fleets[0]).toMatchObject({ outcome: 'done', desiredCapacity: 4 });
    const [held] = await fleet.records().listDecisions(fleet.name, 1);
    expect(held?.decision.capacity?.currentUnits).toBe(4);
    expect(held?.actions.map((a) => [a.kind, a.reason])).toEqual([
      ['pool', 'prepared: running, status checks passed, 0 s (warmPool.prepareSeconds) since launch: stopping 2 into the warm pool of size 2'],
    ]);
  });
});
