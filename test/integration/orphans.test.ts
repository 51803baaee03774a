/**
 * Instances of a fleet removed from the config (their fleetward:fleet tag names no configured
 * fleet): reported on the scheduled trigger (a metric each time, one notification per instance,
 * a warning for their events), counted by no fleet, and never terminated.
 */
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it, vi } from 'vitest';
import { FleetHarness } from './harness.ts';

const NOTIFICATION = 'fleetward: instances of a fleet that is not in the config';

function orphanMetric(fleet: FleetHarness) {
  const addMetric = vi.spyOn(fleet.metrics, 'addMetric');
  return () => addMetric.mock.calls.filter(([name]) => name === 'OrphanedInstances').map(([, , value]) => value);
}

const notifications = (fleet: FleetHarness) => fleet.notifications.filter((n) => n.subject === NOTIFICATION);

describe('instances of a fleet removed from the config', () => {
  it('are reported each scheduled step, notified once, and left running', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(20);
    const orphans = (await fleet.instances()).map((i) => i.InstanceId ?? '').sort();
    expect(orphans).toHaveLength(2);

    fleet.configure({ name: 'web' });
    const metric = orphanMetric(fleet);
    const first = await fleet.step(20);
    await fleet.step(20);

    expect(first.fleets[0]?.launched).toHaveLength(2);
    expect(metric()).toEqual([2, 2]);
    expect(notifications(fleet)).toHaveLength(1);
    expect(notifications(fleet)[0]).toMatchObject({
      message: `2 running instance(s) carry fleetward:fleet tags naming no fleet in the config; fleetward leaves them running and touches none of them: ${orphans.map((id) => `${id} (fleet workers)`).join(', ')}`,
      details: { instanceIds: orphans },
    });
    const described = await fleet.ec2.send(new DescribeInstancesCommand({ InstanceIds: orphans }));
    expect(described.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name)).toEqual(['running', 'running']);
  });

  it('warns about an event for one of them instead of ignoring it silently', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(10);
    const [orphan] = (await fleet.instances()).map((i) => i.InstanceId ?? '');
    fleet.configure({ name: 'web' });
    const warn = vi.spyOn(fleet.logger, 'warn');

    const result = await fleet.invoke({
      version: '0',
      id: 'event-1',
      source: 'aws.ec2',
      'detail-type': 'EC2 Instance State-change Notification',
      account: '123456789012',
      time: '2026-11-24T12:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: { 'instance-id': orphan, state: 'stopping' },
    });

    expect(result).toMatchObject({ status: 'ignored', reason: `${orphan} carries fleetward:fleet=workers, a fleet that is not in the config: orphaned, left alone` });
    expect(warn.mock.calls.map(([message]) => message)).toContain('ignored an event about an orphaned instance');
  });

  it('tells of each orphan once when two runs claim it at the same time (the ledger on DynamoDB)', async () => {
    const fleet = await FleetHarness.create();
    const ids = ['i-0000000000000000a', 'i-0000000000000000b', 'i-0000000000000000c'];
    const claims = await Promise.all([fleet.state().orphans.claim(ids, fleet.clock.now()), fleet.state().orphans.claim(ids, fleet.clock.now())]);
    expect(claims.flat().sort()).toEqual(ids);
    expect(await fleet.state().orphans.claim(ids, fleet.clock.now())).toEqual([]);
  });
});
