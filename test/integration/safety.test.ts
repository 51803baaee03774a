/**
 * Acting at most once: duplicated events, concurrent invocations and a run that dies half-way
 * through never launch more than the fleet needs.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { MetadataBearer } from '@smithy/types';
import { IDEMPOTENCY_PARTITION } from '../../functions/aws/table-keys.ts';
import { describe, expect, it, vi } from 'vitest';
import { FleetHarness, scheduleEvent } from './harness.ts';

/** Makes every AWS call fail once RunInstances has returned: the process "died" right after. */
function crashAfterFirstLaunch(fleet: FleetHarness) {
  let crashed = false;
  const crash = () => {
    if (crashed) throw new Error('simulated crash: the Lambda stopped here');
  };
  fleet.ec2.middlewareStack.add(
    (next, context) => async (args) => {
      crash();
      const result = await next(args);
      if (context.commandName === 'RunInstancesCommand') crashed = true;
      return result;
    },
    { step: 'initialize', name: 'crashAfterLaunch' },
  );
  fleet.dynamodb.middlewareStack.add(
    (next) => async (args) => {
      crash();
      return next(args) as Promise<{ output: MetadataBearer; response: unknown }>;
    },
    { step: 'initialize', name: 'crashAfterLaunchDynamo' },
  );
  return {
    recover: () => {
      fleet.ec2.middlewareStack.remove('crashAfterLaunch');
      fleet.dynamodb.middlewareStack.remove('crashAfterLaunchDynamo');
    },
  };
}

describe('acting at most once', () => {
  it('acts once for an event delivered twice, even when the metric changed in between', async () => {
    const fleet = await FleetHarness.create();
    const event = scheduleEvent('execution-1');
    await fleet.publish(30);
    const first = await fleet.invoke(event);
    expect(first.fleets[0]?.launched).toHaveLength(3);

    fleet.clock.advance(60);
    await fleet.publish(90);
    const again = await fleet.invoke(event);

    expect(again).toEqual({
      ...first,
      fleets: first.fleets.map((outcome) => ({ ...outcome, launched: [], terminated: [], actions: [], omitted: { launched: 3, terminated: 0, actions: outcome.actions.length } })),
    });
    expect(await fleet.instances()).toHaveLength(3);
    expect(await fleet.records().listDecisions(fleet.fleet.name, 10)).toHaveLength(1);
  });

  // The record held the whole result, every id and action of every fleet, under one 400 KB item.
  it("keeps the event's record small: each fleet's outcome and counts, no instance ids or actions", async () => {
    const fleet = await FleetHarness.create();
    await fleet.publish(30);
    const result = await fleet.invoke(scheduleEvent('execution-2'));
    const launched = result.fleets[0]?.launched ?? [];
    expect(launched).toHaveLength(3);

    const { Items = [] } = await fleet.dynamodb.send(
      new ScanCommand({ TableName: fleet.tableName, FilterExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: IDEMPOTENCY_PARTITION } } }),
    );
    const [stored] = Items.map((item) => unmarshall(item).data as unknown[]);
    expect(stored).toEqual(result.fleets.map((outcome) => ({ ...outcome, launched: [], terminated: [], actions: [], omitted: { launched: 3, terminated: 0, actions: 3 } })));
    for (const id of launched) expect(JSON.stringify(Items)).not.toContain(id);
  });

  it('launches exactly the needed number when two invocations race for one fleet', async () => {
    const fleet = await FleetHarness.create();
    await fleet.publish(50);

    const results = await Promise.all([fleet.invoke(scheduleEvent('a')), fleet.invoke(scheduleEvent('b'))]);

    const outcomes = results.map((r) => r.fleets[0]?.outcome).sort();
    expect(outcomes).toEqual(['done', 'skipped']);
    const skipped = results.find((r) => r.fleets[0]?.outcome === 'skipped');
    expect(skipped?.fleets[0]?.reason).toMatch(new RegExp(`^fleet ${fleet.name} is locked by .+ until \\d{4}-`));
    expect(await fleet.instances()).toHaveLength(5);
  });

  it('answers a duplicate that arrives while the first delivery is still running', async () => {
    const fleet = await FleetHarness.create();
    await fleet.publish(20);
    const event = scheduleEvent('same-execution');

    const results = await Promise.all([fleet.invoke(event), fleet.invoke(event)]);

    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual(['done', 'duplicate']);
    expect(await fleet.instances()).toHaveLength(2);
  });

  it('completes, without launching twice, a step that died right after a launch', async () => {
    const fleet = await FleetHarness.create();
    const crash = crashAfterFirstLaunch(fleet);
    await fleet.publish(60);
    // Every call failing from here on, the handler answers the event as failed instead of throwing.
    expect(await fleet.invoke(scheduleEvent('dies'))).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^Failed to update success record to idempotency store: simulated crash/),
    });
    crash.recover();
    expect(await fleet.instances()).toHaveLength(2);

    fleet.clock.advance(30);
    const blocked = await fleet.step(60);
    expect(blocked.fleets[0]?.outcome).toBe('skipped');

    fleet.clock.advance(120);
    const resumed = await fleet.step(60);

    expect(resumed.fleets[0]).toMatchObject({ outcome: 'done', desiredCapacity: 6 });
    expect(resumed.fleets[0]?.launched).toHaveLength(4);
    expect(await fleet.instances()).toHaveLength(6);
    const records = await fleet.records().listInstances(fleet.fleet.name);
    expect(records).toHaveLength(6);
    expect(records.filter((r) => r.reason.startsWith('adopted:'))).toHaveLength(2);
  });

  it('counts every step, launch and termination in the metrics, and the orphaned instances on the schedule', async () => {
    const fleet = await FleetHarness.create();
    const addMetric = vi.spyOn(fleet.metrics, 'addMetric');
    await fleet.step(20);
    await fleet.step(0);

    const totals = new Map<string, number>();
    for (const [name, , value] of addMetric.mock.calls) totals.set(name, (totals.get(name) ?? 0) + Number(value));
    expect(Object.fromEntries(totals)).toEqual({ StepsDone: 2, InstancesLaunched: 2, InstancesTerminated: 2, UnownedInstances: 0, OrphanedInstances: 0 });
  });

  it("publishes each step's figures under the fleet's own dimension, for the dashboard's row", async () => {
    const fleet = await FleetHarness.create();
    const addMetric = vi.spyOn(fleet.fleetMetrics, 'addMetric');
    await fleet.step(20);

    expect(fleet.fleetMetricsMadeFor).toEqual([fleet.fleet.name]);
    const figures = Object.fromEntries(addMetric.mock.calls.map(([name, , value]) => [name, value]));
    expect(figures).toEqual({ DesiredCapacity: 2, InServiceCapacity: 0, InstancesLaunched: 2, InstancesTerminated: 0, Failovers: 0, DrainActions: 0, LaunchFailures: 0, StepsFailed: 0 });
  });
});
