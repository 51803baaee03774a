// The ComputePort contract kept by the EC2 adapter on the emulator (the in-memory compute keeps it in test/unit/memory/compute-contract.test.ts).
import { AllocateAddressCommand } from '@aws-sdk/client-ec2';
import { Ec2Compute } from '../../functions/aws/ec2-compute.ts';
import { FLEET_TAG } from '../../functions/core/tags.ts';
import { computeContract } from '../contract/compute.ts';
import { FleetHarness } from './harness.ts';

computeContract('Ec2Compute', async () => {
  const harness = await FleetHarness.create({}, 1);
  const subnet = harness.subnets[0];
  if (subnet === undefined) throw new Error('no subnet');
  const fleet = harness.fleet;
  const elasticIp = async () => {
    const tags = [{ ResourceType: 'elastic-ip' as const, Tags: [{ Key: FLEET_TAG, Value: fleet.name }] }];
    const address = await harness.ec2.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: tags }));
    return { allocationId: address.AllocationId ?? '', publicIp: address.PublicIp ?? '' };
  };
  return { compute: new Ec2Compute(harness.ec2), fleet, subnet, elasticIp };
});
