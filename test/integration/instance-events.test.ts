/**
 * The failure signals a unit test alone covered, through the real handler against the emulator:
 * an AWS Health scheduled event (a drain, replacement first; a failover for an instance with an
 * identity), an EC2 rebalance recommendation when the fleet replaces on it, and a target the
 * load balancer reports unhealthy (forced by the test launcher's target tag).
 */
import { randomUUID } from 'node:crypto';
import { AllocateAddressCommand, AssociateAddressCommand, CreateTagsCommand, DescribeAddressesCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../functions/core/config.ts';
import { FLEET_TAG } from '../../functions/core/tags.ts';
import { storedOutcome } from '../../functions/control/stored-outcome.ts';
import { FleetHarness } from './harness.ts';
import { requires } from './capabilities.ts';

const UNHEALTHY = { Key: 'fleetward-test:target', Value: 'unhealthy' };
const RETIREMENT = 'AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED';

type Overrides = Parameters<typeof FleetHarness.create>[0];

function healthEvent(instanceId: string) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS Health Event',
    source: 'aws.health',
    account: '123456789012',
    time: '2026-12-01T12:00:00Z',
    region: 'us-east-1',
    resources: [instanceId],
    detail: {
      eventArn: `arn:aws:health:us-east-1::event/EC2/${RETIREMENT}/${randomUUID()}`,
      service: 'EC2',
      eventTypeCode: RETIREMENT,
      eventTypeCategory: 'scheduledChange',
      startTime: 'Tue, 08 Dec 2026 12:00:00 GMT',
      affectedEntities: [{ entityValue: instanceId }],
    },
  };
}

function rebalanceEvent(instanceId: string) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'EC2 Instance Rebalance Recommendation',
    source: 'aws.ec2',
    account: '123456789012',
    time: '2026-12-01T12:00:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:ec2:us-east-1:123456789012:instance/${instanceId}`],
    detail: { 'instance-id': instanceId },
  };
}

/** A fleet of two behind a target group, failover without a grace period. */
async function servedFleet(failover: Partial<FleetConfig['failover']> = {}, overrides: Overrides = {}) {
  requires('load balancing');
  const fleet = await FleetHarness.create({}, 2);
  const vpc = await fleet.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [fleet.subnets[0]?.subnetId ?? ''] }));
  const group = await fleet.elbv2.send(
    new CreateTargetGroupCommand({ Name: `web-${randomUUID().slice(0, 8)}`, Protocol: 'HTTP', Port: 80, VpcId: vpc.Subnets?.[0]?.VpcId, TargetType: 'instance' }),
  );
  const targetGroupArn = group.TargetGroups?.[0]?.TargetGroupArn ?? '';
  fleet.configure({
    targetGroups: [targetGroupArn],
    failover: { ...fleet.fleet.failover, gracePeriodSeconds: 0, ...failover },
    ...overrides,
  });
  await fleet.step(20);
  await fleet.step(20);
  const ids = (await fleet.instances()).map((i) => i.InstanceId ?? '').sort();
  expect(ids).toHaveLength(2);
  return { fleet, targetGroupArn, ids };
}

async function targets(fleet: FleetHarness, targetGroupArn: string): Promise<Map<string, string>> {
  const health = await fleet.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  return new Map((health.TargetHealthDescriptions ?? []).map((t) => [t.Target?.Id ?? '', t.TargetHealth?.State ?? '']));
}

const running = async (fleet: FleetHarness) => (await fleet.instances()).map((i) => i.InstanceId ?? '').sort();

describe('an AWS Health scheduled event, through the handler', () => {
  it('drains the instance ahead of it: replacement first, deregistered, then terminated, never below desired', async () => {
    const { fleet, targetGroupArn, ids } = await servedFleet();
    const doomed = ids[0] ?? '';

    const first = await fleet.invoke(healthEvent(doomed));

    expect(first.status).toBe('done');
    expect(first.fleets[0]?.launched).toHaveLength(1);
    expect(first.fleets[0]?.terminated).toEqual([]);
    const advance = first.fleets[0]?.actions.find((a) => a.kind === 'advance');
    expect(advance?.reason).toBe(
      `AWS Health scheduled event: ${RETIREMENT} starting Tue, 08 Dec 2026 12:00:00 GMT; draining ahead of it; waiting for capacity first: 1 of desired 2 in service without it`,
    );
    const replacement = first.fleets[0]?.launched[0] ?? '';
    let launches = 1;
    for (let step = 0; step < 6 && (await running(fleet)).includes(doomed); step++) {
      const healthy = [...(await targets(fleet, targetGroupArn)).values()].filter((state) => state === 'healthy');
      expect(healthy.length).toBeGreaterThanOrEqual(2);
      const result = await fleet.step(20);
      launches += result.fleets[0]?.launched.length ?? 0;
      if (result.fleets[0]?.terminated.includes(doomed)) expect([...(await targets(fleet, targetGroupArn)).keys()]).not.toContain(doomed);
    }

    expect(launches).toBe(1);
    expect(await running(fleet)).toEqual([ids[1] ?? '', replacement].sort());
    await fleet.step(20);
    expect([...(await targets(fleet, targetGroupArn)).keys()].sort()).toEqual([ids[1] ?? '', replacement].sort());
    expect((await fleet.records().listInstances(fleet.name)).map((r) => [r.instanceId, r.lifecycle]).sort()).toEqual(
      [ids[1] ?? '', replacement].sort().map((id) => [id, 'in-service']),
    );
  });

  it('fails an instance with an Elastic IP over at once, the address following it', async () => {
    const { fleet, ids } = await servedFleet();
    const pet = ids[0] ?? '';
    const eip = await fleet.ec2.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: [{ Key: FLEET_TAG, Value: fleet.name }] }] }));
    await fleet.ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: pet }));
    await fleet.step(20);

    const result = await fleet.invoke(healthEvent(pet));

    expect(result.fleets[0]?.terminated).toEqual([pet]);
    expect(result.fleets[0]?.launched).toHaveLength(1);
    const replacement = result.fleets[0]?.launched[0];
    const address = await fleet.ec2.send(new DescribeAddressesCommand({ AllocationIds: [eip.AllocationId ?? ''] }));
    expect(address.Addresses?.[0]?.InstanceId).toBe(replacement);
    expect(result.fleets[0]?.actions.find((a) => a.kind === 'failover')?.reason).toMatch(
      new RegExp(`^AWS Health scheduled event: ${RETIREMENT} starting Tue, 08 Dec 2026 12:00:00 GMT: replace it in us-east-1[ab] to balance zones, move Elastic IP `),
    );
  });
});

describe('an EC2 rebalance recommendation, through the handler', () => {
  it('replaces the instance when the fleet asks for it, and once for the same event delivered twice', async () => {
    const { fleet, targetGroupArn, ids } = await servedFleet({ rebalanceRecommendation: 'replace' });
    const atRisk = ids[0] ?? '';
    const event = rebalanceEvent(atRisk);

    const result = await fleet.invoke(event);
    const again = await fleet.invoke(event);

    expect(result.fleets[0]?.terminated).toEqual([atRisk]);
    expect(result.fleets[0]?.launched).toHaveLength(1);
    expect(again.fleets).toEqual(result.fleets.map(storedOutcome));
    const replacement = result.fleets[0]?.launched[0] ?? '';
    expect(result.fleets[0]?.actions.find((a) => a.kind === 'failover')?.reason).toMatch(
      /^EC2 rebalance recommendation: capacity at risk: replace it in us-east-1[ab] to balance zones, move its 1 target group registration\(s\), then terminate it$/,
    );
    expect(await running(fleet)).toEqual([ids[1] ?? '', replacement].sort());
    expect([...(await targets(fleet, targetGroupArn)).keys()].sort()).toEqual([ids[1] ?? '', replacement].sort());
  });
});

describe('an unhealthy load-balancer target', () => {
  it('fails the instance over after the threshold of consecutive observations, registering the replacement', async () => {
    const { fleet, targetGroupArn, ids } = await servedFleet({ unhealthyThreshold: 2 });
    const sick = ids[0] ?? '';
    requires('forced failures');
    await fleet.ec2.send(new CreateTagsCommand({ Resources: [sick], Tags: [UNHEALTHY] }));
    expect((await targets(fleet, targetGroupArn)).get(sick)).toBe('unhealthy');

    const first = await fleet.step(20);
    expect(first.fleets[0]?.launched).toEqual([]);
    expect(first.fleets[0]?.actions.find((a) => a.kind === 'track')?.reason).toBe('failing observation 1 of 2 before failover');

    const second = await fleet.step(20);

    expect(second.fleets[0]?.terminated).toEqual([sick]);
    expect(second.fleets[0]?.launched).toHaveLength(1);
    const replacement = second.fleets[0]?.launched[0] ?? '';
    expect(second.fleets[0]?.actions.find((a) => a.kind === 'failover')?.reason).toMatch(
      /^it is unhealthy in its target groups on 2 consecutive observations: replace it in us-east-1[ab] to balance zones, move its 1 target group registration\(s\), then terminate it$/,
    );
    const now = await targets(fleet, targetGroupArn);
    expect([now.get(ids[1] ?? ''), now.get(replacement)]).toEqual(['healthy', 'healthy']);
    expect(now.has(sick) ? now.get(sick) : 'gone').not.toBe('healthy');
    expect(await running(fleet)).toEqual([ids[1] ?? '', replacement].sort());
  });
});
