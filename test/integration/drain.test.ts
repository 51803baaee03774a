/**
 * Drain and maintenance against the emulator, through operator requests settled by the real
 * handler's steps: capacity first, deregistration waited for, continue signals and their
 * timeout, cancel, maintenance exit, evacuation within a budget, and scale-in at the same time.
 */
import { randomUUID } from 'node:crypto';
import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../functions/core/config.ts';
import type { OperatorRequest } from '../../functions/core/model.ts';
import { DRAIN_DEFAULTS } from '../unit/fixtures.ts';
import { FleetHarness } from './harness.ts';
import { requires } from './capabilities.ts';

type Overrides = Parameters<typeof FleetHarness.create>[0];

const DRAIN: FleetConfig['drain'] = { ...DRAIN_DEFAULTS, continueTimeoutSeconds: 600 };

async function request(fleet: FleetHarness, kind: OperatorRequest['kind'], extra: Partial<OperatorRequest> = {}) {
  await fleet
    .records()
    .putRequest(fleet.fleet.name, { requestId: randomUUID(), kind, requestedAtMs: fleet.clock.now(), requestedBy: 'test', ...extra });
}

async function lifecycleOf(fleet: FleetHarness, instanceId: string) {
  return (await fleet.records().listInstances(fleet.fleet.name)).find((r) => r.instanceId === instanceId)?.lifecycle;
}

async function withTargetGroup(overrides: Overrides = {}): Promise<{ fleet: FleetHarness; targetGroupArn: string }> {
  requires('load balancing');
  const fleet = await FleetHarness.create(overrides, 2);
  const vpc = await fleet.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [fleet.subnets[0]?.subnetId ?? ''] }));
  const group = await fleet.elbv2.send(
    new CreateTargetGroupCommand({ Name: `web-${randomUUID().slice(0, 8)}`, Protocol: 'HTTP', Port: 80, VpcId: vpc.Subnets?.[0]?.VpcId, TargetType: 'instance' }),
  );
  const targetGroupArn = group.TargetGroups?.[0]?.TargetGroupArn ?? '';
  fleet.configure({ ...overrides, targetGroups: [targetGroupArn] });
  return { fleet, targetGroupArn };
}

async function registered(fleet: FleetHarness, targetGroupArn: string): Promise<string[]> {
  const health = await fleet.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  return (health.TargetHealthDescriptions ?? []).map((t) => t.Target?.Id ?? '').sort();
}

const lastActions = async (fleet: FleetHarness) => (await fleet.records().listDecisions(fleet.fleet.name, 1))[0]?.actions ?? [];

describe('drain and maintenance', () => {
  it('replaces capacity first, deregisters and waits, enters maintenance, and returns from it', async () => {
    const { fleet, targetGroupArn } = await withTargetGroup({ capacity: { min: 2, max: 4 }, drain: DRAIN });
    await fleet.step(20);
    const [first, second] = (await fleet.instances()).map((i) => i.InstanceId ?? '');
    expect(await registered(fleet, targetGroupArn)).toEqual([first, second].sort());

    await request(fleet, 'maintenance-enter', { instanceId: first });
    const replacing = await fleet.step(20);
    expect(replacing.fleets[0]?.launched).toHaveLength(1);
    expect((await lastActions(fleet)).find((a) => a.kind === 'advance')?.reason).toBe(
      'maintenance requested by test; waiting for capacity first: 1 of desired 2 in service without it',
    );
    expect(await registered(fleet, targetGroupArn)).toContain(first);

    await fleet.step(20);
    expect((await lastActions(fleet)).find((a) => a.kind === 'advance')).toMatchObject({
      reason: 'deregistering from 1 target group(s); waiting for connections to drain',
      outcome: 'deregister; draining',
    });
    expect(await registered(fleet, targetGroupArn)).not.toContain(first);

    await fleet.step(20);
    expect(await lifecycleOf(fleet, first ?? '')).toBe('maintenance');
    expect((await fleet.instances()).map((i) => i.InstanceId)).toContain(first);

    await fleet.step(20);
    expect(await lifecycleOf(fleet, first ?? '')).toBe('maintenance');

    await request(fleet, 'maintenance-exit', { instanceId: first });
    await fleet.step(20);
    expect(await lifecycleOf(fleet, first ?? '')).toBe('returning');
    expect(await registered(fleet, targetGroupArn)).toContain(first);
    await fleet.step(20);
    expect(await lifecycleOf(fleet, first ?? '')).toBe('in-service');
  });

  it('stops an instance entering maintenance when asked, and starts it again on exit', async () => {
    const fleet = await FleetHarness.create({ capacity: { min: 1, max: 4 }, drain: { ...DRAIN, stopInMaintenance: true } });
    await fleet.step(20);
    const [kept] = (await fleet.instances()).map((i) => i.InstanceId ?? '');
    await request(fleet, 'maintenance-enter', { instanceId: kept });
    await fleet.step(20);
    await fleet.step(20);
    expect(await lifecycleOf(fleet, kept ?? '')).toBe('maintenance');
    const state = async () => (await fleet.instances(() => true)).find((i) => i.InstanceId === kept)?.State?.Name;
    expect(await state()).toBe('stopped');

    await request(fleet, 'maintenance-exit', { instanceId: kept });
    await fleet.step(20);
    expect(await state()).toBe('running');
    await fleet.step(20);
    expect(await lifecycleOf(fleet, kept ?? '')).toBe('in-service');
  });

  it('waits for a continue signal, goes on when it comes, and cancels a drain back into service', async () => {
    const { fleet, targetGroupArn } = await withTargetGroup({
      capacity: { min: 0, max: 4 },
      scaling: { scaleIn: { stabilizationSeconds: 3600, cooldownSeconds: 3600 } },
      drain: { ...DRAIN, waitForContinue: true },
    });
    await fleet.step(30);
    const [a, b] = (await fleet.instances()).map((i) => i.InstanceId ?? '');
    await request(fleet, 'drain', { instanceId: a });
    await request(fleet, 'drain', { instanceId: b });
    // Replacements first, then deregistration, then the Instance Draining event and the wait.
    await fleet.step(30);
    await fleet.step(30);
    await fleet.step(30);
    const waiting = (await lastActions(fleet)).filter((x) => x.kind === 'advance');
    expect(waiting.map((x) => x.reason)).toEqual([
      "waiting for a continue signal from the fleet's hook (at most 600 s more)",
      "waiting for a continue signal from the fleet's hook (at most 600 s more)",
    ]);

    await request(fleet, 'continue', { instanceId: a });
    await request(fleet, 'cancel', { instanceId: b });
    // Load for four: the cancelled instance is needed, so no surplus drains it again.
    await fleet.step(40);

    expect(await lifecycleOf(fleet, a ?? '')).toBe('terminating');
    expect(await lifecycleOf(fleet, b ?? '')).toBe('in-service');
    expect(await registered(fleet, targetGroupArn)).toContain(b);
    expect((await fleet.instances()).map((i) => i.InstanceId)).not.toContain(a);
  });

  it('continues or abandons a drain whose continue signal never comes, as configured', async () => {
    for (const onContinueTimeout of ['continue', 'abandon'] as const) {
      const fleet = await FleetHarness.create({
        scaling: { scaleIn: { stabilizationSeconds: 3600, cooldownSeconds: 3600 } },
        drain: { ...DRAIN, waitForContinue: true, continueTimeoutSeconds: 120, onContinueTimeout },
      });
      await fleet.step(10);
      const [only] = (await fleet.instances()).map((i) => i.InstanceId ?? '');
      await request(fleet, 'drain', { instanceId: only });
      await fleet.step(10);
      await fleet.step(10);
      expect(await lifecycleOf(fleet, only ?? '')).toBe('draining');
      fleet.clock.advance(120);
      await fleet.step(10);
      expect(await lifecycleOf(fleet, only ?? '')).toBe(onContinueTimeout === 'continue' ? 'terminating' : 'in-service');
    }
  });

  it('evacuates a zone with a budget of one: never more than one instance draining at once', async () => {
    const fleet = await FleetHarness.create({ drain: DRAIN, scaling: { warmupSeconds: 0 } });
    await fleet.step(60);
    const zoneA = (await fleet.instances()).filter((i) => i.Placement?.AvailabilityZone === 'us-east-1a');
    expect(zoneA).toHaveLength(2);

    await request(fleet, 'evacuate', { zone: 'us-east-1a' });
    let mostDraining = 0;
    for (let step = 0; step < 8; step += 1) {
      await fleet.step(60);
      const draining = (await fleet.records().listInstances(fleet.fleet.name)).filter((r) => r.lifecycle === 'draining').length;
      mostDraining = Math.max(mostDraining, draining);
      expect((await fleet.instances()).length).toBeGreaterThanOrEqual(6);
    }

    expect(mostDraining).toBe(1);
    const zones = (await fleet.instances()).map((i) => i.Placement?.AvailabilityZone);
    expect(zones).not.toContain('us-east-1a');
    expect(zones).toHaveLength(6);
    expect((await fleet.records().getStatus(fleet.fleet.name))?.evacuating).toBeUndefined();
  });

  it('does not over-terminate when scale-in and an operator drain happen in the same step', async () => {
    const fleet = await FleetHarness.create({ drain: DRAIN, capacity: { min: 0, max: 10 } });
    await fleet.step(40);
    const [drained] = (await fleet.instances()).map((i) => i.InstanceId ?? '');

    await request(fleet, 'drain', { instanceId: drained });
    const result = await fleet.step(20);

    expect(result.fleets[0]?.desiredCapacity).toBe(2);
    expect(result.fleets[0]?.terminated).toHaveLength(2);
    expect(result.fleets[0]?.terminated).toContain(drained);
    expect(await fleet.instances()).toHaveLength(2);
    await fleet.step(20);
    expect(await fleet.instances()).toHaveLength(2);
  });

  it('pauses a fleet: its steps act on nothing until it is resumed', async () => {
    const fleet = await FleetHarness.create();
    await request(fleet, 'pause');
    const paused = await fleet.step(50);
    expect(paused.fleets[0]?.reason).toBe('hold at 0: the fleet is paused by an operator, so fleetward acts on nothing');
    expect(await fleet.instances()).toHaveLength(0);

    await request(fleet, 'resume');
    const resumed = await fleet.step(50);
    expect(resumed.fleets[0]?.launched).toHaveLength(5);
  });
});
