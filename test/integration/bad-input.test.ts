/**
 * Bad input fails loudly and half-applies nothing: a malformed event, an unknown metric, a
 * launch template or subnet that does not exist. Each is named, logged, counted, and the next
 * run after the fix works.
 */
import { describe, expect, it, vi } from 'vitest';
import { FleetHarness, alarmEvent } from './harness.ts';

const counted = (spy: { mock: { calls: unknown[][] } }, name: string) =>
  spy.mock.calls.filter(([metric]) => metric === name).length;

describe('bad input', () => {
  it('rejects malformed and foreign events, ignores an alarm going back to OK, counts them, and acts on nothing', async () => {
    const fleet = await FleetHarness.create();
    const addMetric = vi.spyOn(fleet.metrics, 'addMetric');
    await fleet.publish(50);

    await expect(fleet.invoke({ hello: 'world' })).resolves.toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/^not an event fleetward handles: /),
    });
    await expect(fleet.invoke(alarmEvent('somebody-elses-alarm'))).resolves.toEqual({
      status: 'rejected',
      reason: 'alarm somebody-elses-alarm does not belong to any fleet',
      fleets: [],
    });
    await expect(fleet.invoke(alarmEvent(`fleetward-${fleet.name}-cpu`, 'e1', 'OK'))).resolves.toEqual({
      status: 'ignored',
      trigger: 'alarm:e1',
      reason: `alarm fleetward-${fleet.name}-cpu changed to OK, not ALARM`,
      fleets: [],
    });

    expect(counted(addMetric, 'InvalidEvents')).toBe(2);
    expect(counted(addMetric, 'IgnoredEvents')).toBe(1);
    expect(await fleet.instances()).toHaveLength(0);
    expect(await fleet.invoke()).toMatchObject({ status: 'done', fleets: [{ desiredCapacity: 5 }] });
  });

  it('holds capacity when the metric has no data, and says which metric', async () => {
    const fleet = await FleetHarness.create({ capacity: { min: 1, max: 5 } });
    fleet.configure({
      capacity: { min: 1, max: 5 },
      scaling: { metric: { namespace: 'Test/Load', name: 'NoSuchMetric', statistic: 'Average', dimensions: {}, periodSeconds: 60 } },
    });

    const result = await fleet.step(40);

    expect(result.fleets[0]).toMatchObject({ outcome: 'done', desiredCapacity: 1 });
    expect(result.fleets[0]?.reason).toBe(
      'hold at 1: no data for Average Test/Load/NoSuchMetric (no datapoint in the last 10 minutes)',
    );
    expect(await fleet.instances()).toHaveLength(1);
  });

  it('reports a missing launch template by name, backs off, and works once it exists', async () => {
    const fleet = await FleetHarness.create();
    fleet.configure({ launchTemplate: { name: 'no-such-template', version: '$Latest' } });
    const addMetric = vi.spyOn(fleet.metrics, 'addMetric');

    const failed = await fleet.step(20);

    expect(failed.fleets[0]).toMatchObject({ outcome: 'done', launchFailed: true, launched: [] });
    const outcome = failed.fleets[0]?.actions[0]?.outcome ?? '';
    expect(outcome).toMatch(/^failed: launch template not found: no-such-template: /);
    expect(counted(addMetric, 'LaunchFailures')).toBe(1);
    expect((await fleet.records().getStatus(fleet.fleet.name))?.launchFailures?.count).toBe(1);

    fleet.clock.advance(30);
    const waiting = await fleet.invoke();
    expect(waiting.fleets[0]?.actions).toEqual([]);
    const [decision] = await fleet.records().listDecisions(fleet.fleet.name, 1);
    expect(decision?.decision.notes[0]).toMatch(/^launching is backing off for \d+ s after 1 failed launch\(es\): launch template not found: no-such-template/);

    fleet.configure();
    fleet.clock.advance(60);
    const fixed = await fleet.step(20);
    expect(fixed.fleets[0]?.launched).toHaveLength(2);
    expect((await fleet.records().getStatus(fleet.fleet.name))?.launchFailures).toBeUndefined();
  });

  it('fails the step naming a subnet that does not exist, and changes nothing', async () => {
    const fleet = await FleetHarness.create();
    const good = fleet.fleet.subnets;
    fleet.configure({ subnets: [...good, 'subnet-00000000000000bad'] });

    const failed = await fleet.step(30);

    expect(failed.fleets[0]?.outcome).toBe('failed');
    expect(failed.fleets[0]?.reason).toBe('subnet not found: subnet-00000000000000bad (not in this account and region)');
    expect(await fleet.instances()).toHaveLength(0);
    expect(await fleet.records().getStatus(fleet.fleet.name)).toBeUndefined();

    fleet.configure({ subnets: good });
    const fixed = await fleet.step(30);
    expect(fixed.fleets[0]?.launched).toHaveLength(3);
  });
});
