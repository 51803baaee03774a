/**
 * A large launch on moto in batches: a fleet of none behind a target group asked for 300
 * instances launches them with one RunInstances a subnet, records them in BatchWriteItem calls of
 * 25 and registers them with one RegisterTargets; and a launch of 60 crashed after each call of its
 * step in turn leaves, after the next steps, every instance launched once, recorded and registered.
 */
import { randomUUID } from 'node:crypto';
import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { LEASE_TTL_MS } from '../../functions/control/step-timing.ts';
import { lacking, requires } from './capabilities.ts';
import { FleetHarness } from './harness.ts';
import { clientsOf, countCalls, crashAfterCalls } from './sdk-hooks.ts';

/** A fleet of none, capacity.max `size`, behind a new target group, in `zones` subnets. */
async function emptyFleet(size: number, zones: number): Promise<FleetHarness> {
  requires('load balancing');
  const fleet = await FleetHarness.create({ capacity: { min: 0, max: size } }, zones);
  const subnet = await fleet.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [fleet.subnets[0]?.subnetId ?? ''] }));
  const group = await fleet.elbv2.send(
    new CreateTargetGroupCommand({ Name: `launch-${randomUUID().slice(0, 8)}`, Protocol: 'HTTP', Port: 80, VpcId: subnet.Subnets?.[0]?.VpcId, TargetType: 'instance' }),
  );
  fleet.configure({ capacity: { min: 0, max: size }, targetGroups: [group.TargetGroups?.[0]?.TargetGroupArn ?? ''] });
  return fleet;
}

/** What the fleet is: instances ever launched, alive, recorded in service, and registered in its group. */
async function fleetState(fleet: FleetHarness) {
  const health = await fleet.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: fleet.fleet.targetGroups[0] }));
  const records = await fleet.records().listInstances(fleet.fleet.name);
  return {
    everLaunched: (await fleet.instances(() => true)).length,
    alive: (await fleet.instances()).map((i) => i.InstanceId).sort(),
    inService: records.filter((r) => r.lifecycle === 'in-service').map((r) => r.instanceId).sort(),
    registered: (health.TargetHealthDescriptions ?? []).map((d) => d.Target?.Id).sort(),
  };
}

describe('a launch of 300 instances', () => {
  it('takes 3 RunInstances, 12 BatchWriteItem, 1 RegisterTargets and no PutItem per instance', async () => {
    const fleet = await emptyFleet(300, 3);
    const calls = countCalls(clientsOf(fleet));
    await fleet.step(3000);
    const state = await fleetState(fleet);
    expect([state.everLaunched, state.inService, state.registered]).toEqual([300, state.alive, state.alive]);
    expect([calls.get('RunInstancesCommand'), calls.get('BatchWriteItemCommand'), calls.get('RegisterTargetsCommand')]).toEqual([3, 12, 1]);
    // The step's own writes (idempotency record, lease, journal of the three launches, status, decision log).
    expect(calls.get('PutItemCommand')).toBeLessThanOrEqual(8);
    // Under 60 in all: the step observes twice (without the lease, then under it, docs/scale.md item 5).
    expect([...calls.values()].reduce((sum, n) => sum + n, 0)).toBeLessThan(60);
  });
});

const CRASH_SIZE = 60;

describe(`a launch of ${CRASH_SIZE} instances in two subnets crashed after each call of its step`, async () => {
  // The clean step's calls, to crash after each of them in turn (none where there are no target groups: each test is skipped there).
  const clean = lacking('load balancing') !== undefined ? [] : await (async () => {
    const fleet = await emptyFleet(CRASH_SIZE, 2);
    const crash = crashAfterCalls(clientsOf(fleet), Infinity);
    await fleet.step(10 * CRASH_SIZE);
    crash.recover();
    return crash.made;
  })();

  it('makes the calls the crashes are placed after: 2 RunInstances, 4 BatchWriteItem (25 + 5 a subnet), 1 RegisterTargets', () => {
    requires('load balancing');
    expect([clean.filter((c) => c === 'RunInstancesCommand').length, clean.filter((c) => c === 'BatchWriteItemCommand').length, clean.filter((c) => c === 'RegisterTargetsCommand').length]).toEqual([2, 4, 1]);
  });

  it.each(clean.map((call, index) => ({ k: index + 1, call })))('crashed after call $k ($call): within 2 more steps each instance launched once, recorded and registered', async ({ k }) => {
    const fleet = await emptyFleet(CRASH_SIZE, 2);
    const crash = crashAfterCalls(clientsOf(fleet), k);
    await fleet.step(10 * CRASH_SIZE).catch(() => undefined);
    crash.recover();
    fleet.clock.advance(LEASE_TTL_MS / 1000);
    for (let step = 0; step < 2; step++) await fleet.step(10 * CRASH_SIZE);
    const state = await fleetState(fleet);
    expect(state.alive).toHaveLength(CRASH_SIZE);
    expect([state.everLaunched, state.inService, state.registered]).toEqual([CRASH_SIZE, state.alive, state.alive]);
  });
});
