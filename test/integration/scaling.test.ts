/**
 * The scale handler against the emulator: scaling out and in from the metric, victim choice,
 * min/max, dry-run, alarm triggers, and never touching instances outside the fleet.
 */
import { CreateTagsCommand, DescribeInstancesCommand, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { FLEET_TAG, PROTECTED_TAG } from '../../functions/core/tags.ts';
import { FleetHarness, alarmEvent } from './harness.ts';

const zonesOf = (instances: Array<{ Placement?: { AvailabilityZone?: string } }>) =>
  instances.map((i) => i.Placement?.AvailabilityZone ?? '').sort();

describe('scaling a fleet from its metric', () => {
  it('scales out from the metric, spreading instances over the zones', async () => {
    const fleet = await FleetHarness.create();
    const result = await fleet.step(55);

    expect(result.status).toBe('done');
    expect(result.fleets[0]).toMatchObject({ outcome: 'done', desiredCapacity: 6 });
    expect(result.fleets[0]?.reason).toBe(
      `scale out 0 -> 6: Average Test/Load/${fleet.metricName} = 55 total at target 10 per unit recommends 6`,
    );
    const instances = await fleet.instances();
    expect(instances).toHaveLength(6);
    expect(zonesOf(instances)).toEqual(['us-east-1a', 'us-east-1a', 'us-east-1b', 'us-east-1b', 'us-east-1c', 'us-east-1c']);

    const [decision] = await fleet.records().listDecisions(fleet.fleet.name, 1);
    expect(decision?.decision.reason).toBe(result.fleets[0]?.reason);
    expect(decision?.actions.map((a) => a.kind)).toEqual(['launch', 'launch', 'launch']);
    expect(decision?.actions.every((a) => a.outcome.startsWith('launched i-'))).toBe(true);
  });

  it('scales in, keeping zones balanced and never choosing a protected instance', async () => {
    const fleet = await FleetHarness.create({ scaling: { scaleIn: { stabilizationSeconds: 0, cooldownSeconds: 0 } } });
    await fleet.step(60);
    const before = await fleet.instances();
    expect(before).toHaveLength(6);
    const protectedId = before.find((i) => i.Placement?.AvailabilityZone === 'us-east-1a')?.InstanceId ?? '';
    await fleet.ec2.send(new CreateTagsCommand({ Resources: [protectedId], Tags: [{ Key: PROTECTED_TAG, Value: 'true' }] }));

    const result = await fleet.step(30);

    expect(result.fleets[0]?.terminated).toHaveLength(3);
    expect(result.fleets[0]?.terminated).not.toContain(protectedId);
    const after = await fleet.instances();
    expect(after.map((i) => i.InstanceId)).toContain(protectedId);
    expect(zonesOf(after)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    const [decision] = await fleet.records().listDecisions(fleet.fleet.name, 1);
    for (const action of decision?.actions ?? []) {
      // Scale-in drains first; without target groups the drain ends in the same step.
      expect(action.kind).toBe('advance');
      expect(action.reason).toMatch(/^capacity \d is above desired 3; chose it because .+; drained: terminating$/);
      expect(action.outcome).toBe('notify, terminate; terminating');
    }
  });

  it('keeps capacity within min and max whatever the metric says', async () => {
    const fleet = await FleetHarness.create({ capacity: { min: 2, max: 4 } });
    const high = await fleet.step(1000);
    expect(high.fleets[0]?.desiredCapacity).toBe(4);
    expect(high.fleets[0]?.reason).toBe(
      `scale out 2 -> 4: Average Test/Load/${fleet.metricName} = 1000 total at target 10 per unit recommends 100, capped by capacity.max 4`,
    );
    expect(await fleet.instances()).toHaveLength(4);

    const low = await fleet.step(0);
    expect(low.fleets[0]?.desiredCapacity).toBe(2);
    expect(await fleet.instances()).toHaveLength(2);

    const still = await fleet.step(0);
    expect(still.fleets[0]?.reason).toBe(
      `hold at 2: Average Test/Load/${fleet.metricName} = 0 total at target 10 per unit recommends 0, but the fleet is at capacity.min 2`,
    );
    expect(await fleet.instances()).toHaveLength(2);
  });

  it('fails over an instance lost out of band, restoring capacity in the same step', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(30);
    const [lost] = await fleet.instances();
    await fleet.ec2.send(new TerminateInstancesCommand({ InstanceIds: [lost?.InstanceId ?? ''] }));

    const result = await fleet.step(30);

    expect(result.fleets[0]?.launched).toHaveLength(1);
    expect(await fleet.instances()).toHaveLength(3);
    const [decision] = await fleet.records().listDecisions(fleet.fleet.name, 1);
    const failover = decision?.actions.find((a) => a.kind === 'failover');
    expect(failover?.reason).toBe(`it is terminated and fleetward did not ask for it: replace it in ${lost?.Placement?.AvailabilityZone} to balance zones`);
    expect(failover?.outcome).toMatch(/^failed over to i-\w+: launched i-\w+ in us-east-1\w$/);
    expect(decision?.actions.filter((a) => a.kind === 'launch')).toEqual([]);
  });

  it('changes nothing in dry-run, and logs the plan', async () => {
    const fleet = await FleetHarness.create({ dryRun: true });
    const result = await fleet.step(40);

    expect(result.fleets[0]).toMatchObject({ outcome: 'done', desiredCapacity: 4, launched: [] });
    expect(await fleet.instances()).toHaveLength(0);
    const [decision] = await fleet.records().listDecisions(fleet.fleet.name, 1);
    expect(decision?.decision.dryRun).toBe(true);
    expect(decision?.actions).toHaveLength(3);
    expect(decision?.actions.every((a) => a.outcome === 'planned only: the fleet is in dry-run')).toBe(true);
    expect(await fleet.records().listInstances(fleet.fleet.name)).toEqual([]);
  });

  it('runs a step at once when one of the fleet alarms fires', async () => {
    const fleet = await FleetHarness.create({ scaling: { scaleOutAlarms: ['backlog-high'] } });
    await fleet.publish(25);

    const listed = await fleet.invoke(alarmEvent('backlog-high'));
    expect(listed).toMatchObject({ status: 'done', fleets: [{ fleet: fleet.name, desiredCapacity: 3 }] });
    expect(await fleet.instances()).toHaveLength(3);

    fleet.clock.advance(60);
    await fleet.publish(45);
    const prefixed = await fleet.invoke(alarmEvent(`fleetward-${fleet.name}-cpu`));
    expect(prefixed).toMatchObject({ status: 'done', fleets: [{ desiredCapacity: 5 }] });
  });

  it('never touches an instance without the fleet tag, nor another fleet', async () => {
    const fleet = await FleetHarness.create();
    const foreign = await fleet.ec2.send(
      new RunInstancesCommand({
        LaunchTemplate: { LaunchTemplateName: fleet.launchTemplateName },
        MinCount: 2,
        MaxCount: 2,
        SubnetId: fleet.subnets[0]?.subnetId,
      }),
    );
    const other = await fleet.ec2.send(
      new RunInstancesCommand({
        LaunchTemplate: { LaunchTemplateName: fleet.launchTemplateName },
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: FLEET_TAG, Value: 'another-fleet' }] }],
      }),
    );
    const outsiders = [...(foreign.Instances ?? []), ...(other.Instances ?? [])].map((i) => i.InstanceId ?? '');

    await fleet.step(30);
    await fleet.step(0);

    expect(await fleet.instances()).toHaveLength(0);
    const described = await fleet.ec2.send(new DescribeInstancesCommand({ InstanceIds: outsiders }));
    const states = described.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name);
    expect(states).toEqual(['running', 'running', 'running']);
  });
});
