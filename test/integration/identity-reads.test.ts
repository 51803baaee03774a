/**
 * What a fleet step describes to find identity, on the emulator: the kept data volumes and
 * secondary interfaces the instances' answer names, by id and the fleet tag, not the root volumes
 * and primary interfaces launches tag with the fleet; and only those carrying the fleet tag are
 * identity.
 */
import { AttachNetworkInterfaceCommand, AttachVolumeCommand, CreateNetworkInterfaceCommand, CreateVolumeCommand, type Filter } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { Ec2Compute } from '../../functions/aws/ec2-compute.ts';
import { FLEET_TAG } from '../../functions/core/tags.ts';
import { FleetHarness } from './harness.ts';

type Handler = (args: { input: { Filters?: Filter[] } }) => Promise<unknown>;

describe('reading identity on the emulator', () => {
  it('describes only the kept volumes and interfaces, and takes the fleet-tagged ones', async () => {
    const fleet = await FleetHarness.create({ capacity: { min: 2, max: 2 } }, 1);
    await fleet.step(0);
    const [a = '', b = ''] = (await fleet.instances()).map((i) => i.InstanceId ?? '');
    const zone = fleet.subnets[0]?.availabilityZone ?? '';
    const tagged = [{ ResourceType: 'volume' as const, Tags: [{ Key: FLEET_TAG, Value: fleet.name }] }];
    const kept = await fleet.ec2.send(new CreateVolumeCommand({ AvailabilityZone: zone, Size: 10, TagSpecifications: tagged }));
    const stranger = await fleet.ec2.send(new CreateVolumeCommand({ AvailabilityZone: zone, Size: 10 }));
    await fleet.ec2.send(new AttachVolumeCommand({ VolumeId: kept.VolumeId, InstanceId: a, Device: '/dev/sdf' }));
    await fleet.ec2.send(new AttachVolumeCommand({ VolumeId: stranger.VolumeId, InstanceId: b, Device: '/dev/sdf' }));
    const eni = await fleet.ec2.send(
      new CreateNetworkInterfaceCommand({ SubnetId: fleet.subnets[0]?.subnetId, TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: FLEET_TAG, Value: fleet.name }] }] }),
    );
    const eniId = eni.NetworkInterface?.NetworkInterfaceId ?? '';
    await fleet.ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eniId, InstanceId: b, DeviceIndex: 1 }));

    const filters = new Map<string, Filter[]>();
    fleet.ec2.middlewareStack.add(
      ((next: Handler, context: { commandName?: string }) => async (args: Parameters<Handler>[0]) => {
        if (context.commandName === 'DescribeVolumesCommand' || context.commandName === 'DescribeNetworkInterfacesCommand') filters.set(context.commandName, args.input.Filters ?? []);
        return next(args);
      }) as never,
      { step: 'initialize', name: 'recordIdentityFilters' },
    );
    const observed = new Map((await new Ec2Compute(fleet.ec2).describeFleetInstances(fleet.name)).map((i) => [i.instanceId, i.identity]));
    fleet.ec2.middlewareStack.remove('recordIdentityFilters');

    const tagFilter = { Name: `tag:${FLEET_TAG}`, Values: [fleet.name] };
    expect(filters.get('DescribeVolumesCommand')).toEqual([tagFilter, { Name: 'volume-id', Values: expect.arrayContaining([kept.VolumeId, stranger.VolumeId]) as unknown }]);
    expect(filters.get('DescribeVolumesCommand')?.[1]?.Values).toHaveLength(2);
    expect(filters.get('DescribeNetworkInterfacesCommand')).toEqual([tagFilter, { Name: 'network-interface-id', Values: [eniId] }]);
    expect(observed.get(a)).toEqual({ elasticIps: [], networkInterfaces: [], volumes: [{ volumeId: kept.VolumeId, device: '/dev/sdf' }] });
    expect(observed.get(b)).toEqual({ elasticIps: [], networkInterfaces: [{ networkInterfaceId: eniId, deviceIndex: 1 }], volumes: [] });
  });
});
