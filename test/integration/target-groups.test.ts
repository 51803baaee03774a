/**
 * Target-group membership reconciled on every step: every in-service instance that runs is
 * registered in each of the fleet's groups it is missing from (an instance adopted after a crash,
 * one registered in only some of the groups), and none out of service is registered.
 */
import { randomUUID } from 'node:crypto';
import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand, DeregisterTargetsCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { DRAIN_DEFAULTS } from '../unit/fixtures.ts';
import { FleetHarness } from './harness.ts';
import { requires } from './capabilities.ts';

type Overrides = Parameters<typeof FleetHarness.create>[0];

async function withTargetGroups(count: number, overrides: Overrides = {}): Promise<{ fleet: FleetHarness; groups: string[] }> {
  if (count > 0) requires('load balancing');
  const fleet = await FleetHarness.create(overrides, 2);
  const vpc = await fleet.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [fleet.subnets[0]?.subnetId ?? ''] }));
  const groups: string[] = [];
  for (let k = 0; k < count; k++) {
    const group = await fleet.elbv2.send(
      new CreateTargetGroupCommand({ Name: `web-${randomUUID().slice(0, 8)}`, Protocol: 'HTTP', Port: 80, VpcId: vpc.Subnets?.[0]?.VpcId, TargetType: 'instance' }),
    );
    groups.push(group.TargetGroups?.[0]?.TargetGroupArn ?? '');
  }
  fleet.configure({ ...overrides, targetGroups: groups });
  return { fleet, groups };
}

async function registered(fleet: FleetHarness, group: string): Promise<string[]> {
  const health = await fleet.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: group }));
  return (health.TargetHealthDescriptions ?? []).filter((t) => t.TargetHealth?.State !== 'draining').map((t) => t.Target?.Id ?? '').sort();
}

const running = async (fleet: FleetHarness) => (await fleet.instances()).map((i) => i.InstanceId ?? '').sort();

/** Makes every EC2, DynamoDB and ELBv2 call fail once RunInstances has returned: the process died right after it. */
function crashAfterLaunch(fleet: FleetHarness) {
  let crashed = false;
  const name = 'crashAfterLaunch';
  const refuse = () => {
    if (crashed) throw new Error('simulated crash: the Lambda stopped here');
  };
  fleet.ec2.middlewareStack.add(
    (next, context) => async (args) => {
      refuse();
      const result = await next(args);
      if (context.commandName === 'RunInstancesCommand') crashed = true;
      return result;
    },
    { step: 'initialize', name },
  );
  fleet.dynamodb.middlewareStack.add((next) => (args) => (refuse(), next(args)), { step: 'initialize', name });
  fleet.elbv2.middlewareStack.add((next) => (args) => (refuse(), next(args)), { step: 'initialize', name });
  return () => {
    fleet.ec2.middlewareStack.remove(name);
    fleet.dynamodb.middlewareStack.remove(name);
    fleet.elbv2.middlewareStack.remove(name);
  };
}

describe('target-group membership', () => {
  it('registers, in every group, an instance adopted after a crash right after its launch', async () => {
    const { fleet, groups } = await withTargetGroups(2);
    const recover = crashAfterLaunch(fleet);
    await fleet.step(30).catch(() => undefined);
    recover();
    expect((await fleet.instances()).length).toBeGreaterThan(0);

    fleet.clock.advance(120);
    await fleet.step(30);

    const serving = await running(fleet);
    expect(serving).toHaveLength(3);
    for (const group of groups) expect(await registered(fleet, group)).toEqual(serving);
  });

  it('registers an in-service instance in the group it is missing from, though it is registered in another', async () => {
    const { fleet, groups } = await withTargetGroups(2);
    await fleet.step(20);
    const serving = await running(fleet);
    const [missing] = serving;
    await fleet.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: groups[1], Targets: [{ Id: missing }] }));
    expect(await registered(fleet, groups[1] ?? '')).not.toContain(missing);

    await fleet.step(20);

    for (const group of groups) expect(await registered(fleet, group)).toEqual(serving);
  });

  it('never registers an instance out of service: one in maintenance stays out of every group', async () => {
    const { fleet, groups } = await withTargetGroups(2, { capacity: { min: 2, max: 4 }, drain: DRAIN_DEFAULTS });
    await fleet.step(20);
    const [kept] = await running(fleet);
    await fleet.records().putRequest(fleet.fleet.name, { requestId: randomUUID(), kind: 'maintenance-enter', instanceId: kept, requestedAtMs: fleet.clock.now(), requestedBy: 'test' });
    for (let step = 0; step < 5; step++) await fleet.step(20);

    const record = (await fleet.records().listInstances(fleet.fleet.name)).find((r) => r.instanceId === kept);
    expect(record?.lifecycle).toBe('maintenance');
    for (const group of groups) {
      expect(await registered(fleet, group)).not.toContain(kept);
      expect(await registered(fleet, group)).toHaveLength(2);
    }
  });
});
