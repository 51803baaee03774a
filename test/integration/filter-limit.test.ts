// EC2 refuses more than 200 values in one filter (FilterLimitExceeded); moto does not, so an SDK
// middleware here refuses them as EC2 would. Re-validating more than 200 victims, or the instances an
// AWS Health event names, must still work.
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { expect, it } from 'vitest';
import { Ec2Compute, MAX_FILTER_VALUES } from '../../functions/aws/ec2-compute.ts';
import { FLEET_TAG } from '../../functions/core/tags.ts';
import { FleetHarness } from './harness.ts';

/** An EC2 client that fails like EC2 on a filter of more than 200 values, and counts each call's largest filter. */
function limitedEc2(): { ec2: EC2Client; largestFilters: number[] } {
  const ec2 = new EC2Client({});
  const largestFilters: number[] = [];
  ec2.middlewareStack.add(
    (next) => async (args) => {
      const filters = (args.input as { Filters?: Array<{ Values?: string[] }> }).Filters ?? [];
      const largest = Math.max(0, ...filters.map((f) => f.Values?.length ?? 0));
      largestFilters.push(largest);
      if (largest > MAX_FILTER_VALUES) throw Object.assign(new Error(`The maximum number of filter values specified on a single call is ${MAX_FILTER_VALUES}`), { name: 'FilterLimitExceeded' });
      return next(args);
    },
    { step: 'initialize', name: 'ec2FilterLimit' },
  );
  return { ec2, largestFilters };
}

it('describes 450 instances by id in calls of at most 200 ids', async () => {
  const harness = await FleetHarness.create({}, 1);
  const subnetId = harness.subnets[0]?.subnetId ?? '';
  const tags = [{ ResourceType: 'instance' as const, Tags: [{ Key: FLEET_TAG, Value: harness.fleet.name }] }];
  const launched = await harness.ec2.send(
    new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateName: harness.launchTemplateName }, SubnetId: subnetId, MinCount: 3, MaxCount: 3, TagSpecifications: tags }),
  );
  const real = (launched.Instances ?? []).map((i) => i.InstanceId ?? '');
  const unknown = Array.from({ length: 447 }, (_, i) => `i-${(i + 1).toString(16).padStart(17, '0')}`);
  const { ec2, largestFilters } = limitedEc2();

  const described = await new Ec2Compute(ec2).describeInstances([...unknown.slice(0, 300), ...real, ...unknown.slice(300)]);

  expect(described.map((i) => i.instanceId).sort()).toEqual([...real].sort());
  expect(described.every((i) => i.fleetTag === harness.fleet.name)).toBe(true);
  expect(Math.max(...largestFilters)).toBe(MAX_FILTER_VALUES);
});
