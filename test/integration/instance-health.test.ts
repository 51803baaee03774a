/**
 * The status checks of a large fleet on moto (the test launcher forces the impaired ones): read
 * by id, 100 a call, they cost a call per 100 instances; read as the account's instances that are
 * not ok, two calls whatever the fleet, with the same answer. Instances started in the last
 * 15 minutes are still asked by id.
 */
import { DescribeInstanceStatusCommand, type EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { readInstanceHealth, YOUNG_MS } from '../../functions/aws/instance-health.ts';
import { requires } from './capabilities.ts';
import { FleetHarness } from './harness.ts';
import { countCalls } from './sdk-hooks.ts';

const IMPAIRED = { Key: 'fleetward-test:status', Value: 'impaired' };

async function launch(fleet: FleetHarness, count: number, tags: { Key: string; Value: string }[] = []): Promise<{ instanceId: string; launchTimeMs: number }[]> {
  const ec2: EC2Client = fleet.ec2;
  const result = await ec2.send(
    new RunInstancesCommand({
      LaunchTemplate: { LaunchTemplateName: fleet.launchTemplateName },
      MinCount: count,
      MaxCount: count,
      SubnetId: fleet.subnets[0]?.subnetId,
      ...(tags.length === 0 ? {} : { TagSpecifications: [{ ResourceType: 'instance', Tags: tags }] }),
    }),
  );
  return (result.Instances ?? []).map((i) => ({ instanceId: i.InstanceId ?? '', launchTimeMs: i.LaunchTime?.getTime() ?? 0 }));
}

describe('the status checks of a large fleet', () => {
  it('reads 300 settled instances in two calls, the same answer as by id in three while they are young', async () => {
    requires('forced failures');
    const fleet = await FleetHarness.create({}, 1);
    const impaired = await launch(fleet, 2, [IMPAIRED]);
    const running = [...(await launch(fleet, 298)), ...impaired];
    const calls = countCalls([fleet.ec2]);

    const settledAt = Date.now() + YOUNG_MS + 60_000;
    const filtered = await readInstanceHealth(fleet.ec2, running, settledAt);
    expect(Object.fromEntries(calls)).toEqual({ DescribeInstanceStatusCommand: 2 });

    calls.clear();
    const byId = await readInstanceHealth(fleet.ec2, running, Date.now());
    expect(Object.fromEntries(calls)).toEqual({ DescribeInstanceStatusCommand: 3 });

    expect(filtered).toEqual(byId);
    expect([...filtered.values()].filter((h) => h === 'ok')).toHaveLength(298);
    expect(impaired.map((i) => filtered.get(i.instanceId))).toEqual(['impaired', 'impaired']);
  });

  it('asks the young instances of a large fleet by id, and no one of another fleet counts', async () => {
    requires('forced failures');
    const fleet = await FleetHarness.create({}, 1);
    const others = await launch(fleet, 3, [IMPAIRED]);
    const running = await launch(fleet, 250);
    const young = running.slice(0, 150).map((i) => ({ ...i, launchTimeMs: Date.now() }));
    const settled = running.slice(150).map((i) => ({ ...i, launchTimeMs: Date.now() - 2 * YOUNG_MS }));
    const sent: string[][] = [];
    fleet.ec2.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DescribeInstanceStatusCommand') sent.push((args.input as { InstanceIds?: string[] }).InstanceIds ?? []);
        return next(args);
      },
      { step: 'initialize', name: 'recordStatusCalls' },
    );

    const health = await readInstanceHealth(fleet.ec2, [...young, ...settled], Date.now());
    expect(sent.map((ids) => ids.length)).toEqual([0, 0, 100, 50]);
    expect(health.size).toBe(250);
    expect([...health.values()].every((h) => h === 'ok')).toBe(true);
    expect(others.some((i) => health.has(i.instanceId))).toBe(false);
    await expect(fleet.ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [others[0]?.instanceId ?? ''] }))).resolves.toMatchObject({
      InstanceStatuses: [{ InstanceStatus: { Status: 'impaired' } }],
    });
  });
});
