/**
 * A crash in the middle of a drain, against the emulator with the real handler: the Lambda dies
 * right after one AWS call of the drain, and the steps that follow resume it from the record
 * checkpointed ahead of the call: the drain ends as it would have, no replacement is launched for
 * the drained instance, nothing is terminated or stopped twice, and every serving instance stays
 * registered.
 */
import { randomUUID } from 'node:crypto';
import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { LEASE_TTL_MS } from '../../functions/control/step-timing.ts';
import { DRAIN_DEFAULTS } from '../unit/fixtures.ts';
import { FleetHarness } from './harness.ts';
import { clientsOf, countCalls, crashAfter } from './sdk-hooks.ts';
import { requires } from './capabilities.ts';

async function fleetOfThree(stopInMaintenance: boolean, withTargetGroup = true) {
  if (withTargetGroup) requires('load balancing');
  const fleet = await FleetHarness.create({}, 2);
  if (!withTargetGroup) {
    fleet.configure({ drain: { ...DRAIN_DEFAULTS, stopInMaintenance } });
    await fleet.step(30);
    return { fleet, targetGroupArn: undefined };
  }
  const vpc = await fleet.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [fleet.subnets[0]?.subnetId ?? ''] }));
  const group = await fleet.elbv2.send(
    new CreateTargetGroupCommand({ Name: `web-${randomUUID().slice(0, 8)}`, Protocol: 'HTTP', Port: 80, VpcId: vpc.Subnets?.[0]?.VpcId, TargetType: 'instance' }),
  );
  const targetGroupArn = group.TargetGroups?.[0]?.TargetGroupArn ?? '';
  fleet.configure({ targetGroups: [targetGroupArn], drain: { ...DRAIN_DEFAULTS, stopInMaintenance } });
  await fleet.step(30);
  await fleet.step(30);
  expect(await fleet.instances()).toHaveLength(3);
  return { fleet, targetGroupArn };
}

async function registered(fleet: FleetHarness, targetGroupArn: string | undefined): Promise<string[] | undefined> {
  if (targetGroupArn === undefined) return undefined;
  const health = await fleet.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  return (health.TargetHealthDescriptions ?? []).map((t) => t.Target?.Id ?? '').sort();
}

const ids = async (fleet: FleetHarness) => (await fleet.instances()).map((i) => i.InstanceId ?? '').sort();

/** Steps at `load` until nothing is left to do (or `steps` ran), the crashed step's lease expired first. */
async function settle(fleet: FleetHarness, load: number, steps = 5) {
  fleet.clock.advance(LEASE_TTL_MS / 1000);
  for (let i = 0; i < steps; i++) await fleet.step(load);
}

describe('a crash in the middle of a drain', () => {
  it.each([
    ['DeregisterTargetsCommand', true],
    ['PutEventsCommand', true],
    ['TerminateInstancesCommand', true],
    // Without target groups the drain notifies and terminates in the step that starts it: only the record written ahead tells the next step.
    ['PutEventsCommand', false],
    ['TerminateInstancesCommand', false],
  ] as const)(
    'scale-in: resumed after a crash right after %s (target group: %s), one instance terminated, none launched',
    async (command, withTargetGroup) => {
      const { fleet, targetGroupArn } = await fleetOfThree(false, withTargetGroup);
      const before = await ids(fleet);
      const calls = countCalls(clientsOf(fleet));
      const crash = crashAfter(clientsOf(fleet), command);

      for (let i = 0; i < 4 && !crash.crashed(); i++) await fleet.step(20).catch(() => undefined);
      expect(crash.crashed()).toBe(true);
      crash.recover();
      await settle(fleet, 20);

      const after = await ids(fleet);
      expect(after).toHaveLength(2);
      expect(after.every((id) => before.includes(id))).toBe(true);
      expect(calls.get('RunInstancesCommand') ?? 0).toBe(0);
      expect(calls.get('TerminateInstancesCommand')).toBe(1);
      // The Instance Draining event is journaled too; only a crash right after it, before the journal heard back, can repeat it.
      expect(calls.get('PutEventsCommand')).toBe(command === 'PutEventsCommand' ? 2 : 1);
      expect(await registered(fleet, targetGroupArn)).toEqual(withTargetGroup ? after : undefined);
      expect((await fleet.records().listInstances(fleet.name)).map((r) => [r.instanceId, r.lifecycle])).toEqual(after.map((id) => [id, 'in-service']));
      const decisions = await fleet.records().listDecisions(fleet.name, 10);
      expect(decisions.flatMap((d) => d.actions).filter((a) => a.kind === 'failover')).toEqual([]);
    },
  );

  it.each(['DeregisterTargetsCommand', 'PutEventsCommand', 'StopInstancesCommand'])(
    'maintenance: resumed after a crash right after %s, the instance kept stopped in maintenance and its capacity replaced once',
    async (command) => {
      const { fleet, targetGroupArn } = await fleetOfThree(true);
      const [kept] = await ids(fleet);
      await fleet.records().putRequest(fleet.name, { requestId: randomUUID(), kind: 'maintenance-enter', instanceId: kept, requestedAtMs: fleet.clock.now(), requestedBy: 'test' });
      const calls = countCalls(clientsOf(fleet));
      const crash = crashAfter(clientsOf(fleet), command);

      for (let i = 0; i < 5 && !crash.crashed(); i++) await fleet.step(30).catch(() => undefined);
      expect(crash.crashed()).toBe(true);
      crash.recover();
      await settle(fleet, 30);

      const record = (await fleet.records().listInstances(fleet.name)).find((r) => r.instanceId === kept);
      expect(record?.lifecycle).toBe('maintenance');
      const serving = (await ids(fleet)).filter((id) => id !== kept);
      expect(serving).toHaveLength(3);
      expect(calls.get('RunInstancesCommand')).toBe(1);
      expect(calls.get('StopInstancesCommand')).toBe(1);
      expect(calls.get('PutEventsCommand')).toBe(command === 'PutEventsCommand' ? 2 : 1);
      expect(calls.get('TerminateInstancesCommand') ?? 0).toBe(0);
      expect(await registered(fleet, targetGroupArn)).toEqual(serving);
      const state = (await fleet.instances(() => true)).find((i) => i.InstanceId === kept)?.State?.Name;
      expect(state).toBe('stopped');
    },
  );
});
