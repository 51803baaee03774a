// The ComputePort contract that the EC2 adapter (on the emulator) and the in-memory compute must both keep: launch (on-demand and Spot), describe, terminate, tags (owner, maintenance), Elastic IPs, quarantine.
// Only what moto models faithfully: instances run at once there, so no boot delays.
import { describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../functions/core/config.ts';
import type { SubnetPlacement } from '../../functions/core/placement.ts';
import { ResourceNotFoundError } from '../../functions/ports/errors.ts';
import type { ComputePort, LaunchCommand } from '../../functions/ports/index.ts';

export interface ComputeSubject {
  readonly compute: ComputePort;
  /** A fleet whose launch template exists, with the instance type the subject launches. */
  readonly fleet: FleetConfig;
  readonly subnet: SubnetPlacement;
  /** An Elastic IP carrying the fleet's tag, associated with nothing. */
  elasticIp(): Promise<{ readonly allocationId: string; readonly publicIp: string }>;
}

const NO_IDENTITY = { elasticIps: [], networkInterfaces: [], volumes: [] };
const CONTRACT_OWNER = 'contract-owner';

export function computeContract(name: string, subject: () => Promise<ComputeSubject>): void {
  const launch = (s: ComputeSubject, units: number, weights: readonly number[] = [1]): LaunchCommand => ({
    kind: 'launch',
    id: `${s.fleet.name}/1/launch/${s.subnet.subnetId}`,
    subnetId: s.subnet.subnetId,
    availabilityZone: s.subnet.availabilityZone,
    capacityUnits: units,
    instanceTypes: weights.map((weight) => ({ type: s.fleet.instanceTypes[0]?.type ?? '', weight })),
    reason: 'contract',
  });

  describe(`${name} keeps the ComputePort contract`, () => {
    it('launches tagged instances and describes them in the fleet, running, with no identity', async () => {
      const s = await subject();
      const command = launch(s, 2);
      const result = await s.compute.launch({ fleet: s.fleet, command, owner: CONTRACT_OWNER });
      const described = await s.compute.describeFleetInstances(s.fleet.name);
      expect(result).toMatchObject({ instanceType: s.fleet.instanceTypes[0]?.type, skipped: [] });
      expect(described.map((i) => i.instanceId).sort()).toEqual([...result.instanceIds].sort());
      for (const instance of described) {
        expect(instance).toMatchObject({
          state: 'running',
          instanceType: result.instanceType,
          subnetId: s.subnet.subnetId,
          availabilityZone: s.subnet.availabilityZone,
          protected: false,
          commandId: command.id,
          owner: CONTRACT_OWNER,
          fleetTag: s.fleet.name,
          identity: NO_IDENTITY,
        });
      }
      expect(await s.compute.describeFleetInstances(`${s.fleet.name}-other`)).toEqual([]);
    });

    it('launches Spot when the command says so, and describes Spot instances as Spot and the others without a market', async () => {
      const s = await subject();
      const spot = await s.compute.launch({ fleet: s.fleet, command: { ...launch(s, 1), id: `${s.fleet.name}/1/launch/spot`, market: 'spot' }, owner: CONTRACT_OWNER });
      const onDemand = await s.compute.launch({ fleet: s.fleet, command: launch(s, 1), owner: CONTRACT_OWNER });
      const described = await s.compute.describeFleetInstances(s.fleet.name);
      const marketOf = (id: string | undefined) => described.find((i) => i.instanceId === id)?.market;
      expect([marketOf(spot.instanceIds[0]), marketOf(onDemand.instanceIds[0])]).toEqual(['spot', undefined]);
    });

    it('skips a type whose weight exceeds the units, saying so', async () => {
      const s = await subject();
      const result = await s.compute.launch({ owner: CONTRACT_OWNER, fleet: s.fleet, command: launch(s, 1, [2, 1]) });
      expect([result.instanceIds.length, result.skipped]).toEqual([1, [`${result.instanceType} (weight 2 exceeds 1 units)`]]);
    });

    it('gives subnets’ zones and names the one that does not exist', async () => {
      const s = await subject();
      expect(await s.compute.describeSubnets([s.subnet.subnetId])).toEqual([s.subnet]);
      await expect(s.compute.describeSubnets([s.subnet.subnetId, 'subnet-0000000000000000f'])).rejects.toThrow(
        new ResourceNotFoundError('subnet', 'subnet-0000000000000000f (not in this account and region)'),
      );
    });

    it('terminates, still describing the terminated instance in the fleet', async () => {
      const s = await subject();
      const [id = ''] = (await s.compute.launch({ owner: CONTRACT_OWNER, fleet: s.fleet, command: launch(s, 1) })).instanceIds;
      await s.compute.terminate([id]);
      await s.compute.terminate([]);
      expect((await s.compute.describeFleetInstances(s.fleet.name)).map((i) => [i.instanceId, i.state])).toEqual([[id, 'terminated']]);
    });

    it('moves an Elastic IP between instances, part of the identity of the one that holds it; by id, no identity is read', async () => {
      const s = await subject();
      const [first = '', second = ''] = (await s.compute.launch({ owner: CONTRACT_OWNER, fleet: s.fleet, command: launch(s, 2) })).instanceIds;
      const address = await s.elasticIp();
      const identityOf = async (id: string) => (await s.compute.describeFleetInstances(s.fleet.name)).find((i) => i.instanceId === id)?.identity;
      await s.compute.associateAddress(address.allocationId, first);
      expect((await identityOf(first))?.elasticIps).toEqual([address]);
      await s.compute.associateAddress(address.allocationId, second);
      await s.compute.associateAddress(address.allocationId, second);
      expect([(await identityOf(first))?.elasticIps, (await identityOf(second))?.elasticIps]).toEqual([[], [address]]);
      expect((await s.compute.describeInstances([second])).map((i) => [i.instanceId, i.fleetTag, i.identity])).toEqual([[second, s.fleet.name, NO_IDENTITY]]);
    });

    it('quarantines: stopped, out of the fleet, described by id without the fleet tag', async () => {
      const s = await subject();
      const [id = ''] = (await s.compute.launch({ owner: CONTRACT_OWNER, fleet: s.fleet, command: launch(s, 1) })).instanceIds;
      await s.compute.quarantine(id, s.fleet.name, 'contract');
      expect(await s.compute.describeFleetInstances(s.fleet.name)).toEqual([]);
      expect((await s.compute.describeInstances([id])).map((i) => [i.state, i.fleetTag])).toEqual([['stopped', undefined]]);
    });

    it('gives the vCPUs and memory of instance types', async () => {
      const s = await subject();
      expect(await s.compute.describeInstanceTypes(['m5.large', 'c5.xlarge', 'r5.2xlarge'])).toEqual({
        'm5.large': { vcpus: 2, memoryMiB: 8192 },
        'c5.xlarge': { vcpus: 4, memoryMiB: 8192 },
        'r5.2xlarge': { vcpus: 8, memoryMiB: 65_536 },
      });
      expect(await s.compute.describeInstanceTypes([])).toEqual({});
    });

    // EC2 refuses a running instance's type change (moto does not): the memory compute's own tests hold that.
    it('changes the type of a stopped instance', async () => {
      const s = await subject();
      const [id = ''] = (await s.compute.launch({ owner: CONTRACT_OWNER, fleet: s.fleet, command: launch(s, 1) })).instanceIds;
      await s.compute.stop([id], false);
      await s.compute.modifyInstanceType(id, 't3.small');
      await s.compute.start([id]);
      expect((await s.compute.describeFleetInstances(s.fleet.name)).map((i) => [i.instanceId, i.instanceType, i.state])).toEqual([[id, 't3.small', 'running']]);
    });

    it('marks an instance as in maintenance and clears the mark, as its described maintenance flag shows', async () => {
      const s = await subject();
      const [id = ''] = (await s.compute.launch({ owner: CONTRACT_OWNER, fleet: s.fleet, command: launch(s, 1) })).instanceIds;
      const flag = async () => (await s.compute.describeFleetInstances(s.fleet.name)).map((i) => [i.instanceId, i.maintenance]);
      expect(await flag()).toEqual([[id, undefined]]);
      await s.compute.markMaintenance(id, 'web: maintenance requested by cli:ops');
      expect(await flag()).toEqual([[id, true]]);
      await s.compute.clearMaintenance(id);
      expect(await flag()).toEqual([[id, undefined]]);
    });
  });
}
