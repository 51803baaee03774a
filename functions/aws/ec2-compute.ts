/**
 * The ComputePort on EC2: finds a fleet's instances by tag, launches from the fleet's launch
 * template (falling back through the allowed types when capacity is short), and terminates.
 */
import { createHash } from 'node:crypto';
import {
  DescribeInstanceStatusCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  type Filter,
  type Instance,
  RunInstancesCommand,
  type Tag,
  TerminateInstancesCommand,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import type { Ec2State, InstanceHealth, ObservedInstance } from '../core/model.ts';
import type { SubnetPlacement } from '../core/placement.ts';
import { COMMAND_TAG, FLEET_TAG, PROTECTED_TAG } from '../core/tags.ts';
import { CapacityUnavailableError, ResourceNotFoundError } from '../ports/errors.ts';
import type { ComputePort, LaunchRequest, LaunchResult } from '../ports/index.ts';

/** EC2 error codes that mean "no capacity for this type here": try the next type. */
const CAPACITY_ERRORS = new Set([
  'InsufficientInstanceCapacity',
  'InsufficientCapacity',
  'InstanceLimitExceeded',
  'VcpuLimitExceeded',
  'Unsupported',
]);

/** EC2 error codes that mean the config names something that does not exist. */
const NOT_FOUND_ERRORS: Record<string, string> = {
  'InvalidLaunchTemplateName.NotFoundException': 'launch template',
  'InvalidLaunchTemplateId.NotFound': 'launch template',
  'InvalidLaunchTemplateId.Malformed': 'launch template',
  'InvalidLaunchTemplateId.VersionNotFound': 'launch template version',
  'InvalidLaunchTemplateName.MalformedException': 'launch template',
  'InvalidSubnetID.NotFound': 'subnet',
  'InvalidSubnetID.Malformed': 'subnet',
  'InvalidAMIID.NotFound': 'image',
  'InvalidAMIID.Malformed': 'image',
};

const errorCode = (error: unknown) => (error instanceof Error ? ((error as { Code?: string }).Code ?? error.name) : '');

const tagValue = (tags: readonly Tag[] | undefined, key: string) => tags?.find((t) => t.Key === key)?.Value;

/** RunInstances ClientToken: at most 64 ASCII characters, stable for one command and type. */
export function clientToken(commandId: string, instanceType: string): string {
  return createHash('sha256').update(`${commandId}|${instanceType}`).digest('hex').slice(0, 64);
}

function toObserved(instance: Instance, health: InstanceHealth): ObservedInstance & { fleetTag?: string } {
  const commandId = tagValue(instance.Tags, COMMAND_TAG);
  const fleetTag = tagValue(instance.Tags, FLEET_TAG);
  return {
    instanceId: instance.InstanceId ?? '',
    state: (instance.State?.Name ?? 'terminated') as Ec2State,
    health,
    instanceType: instance.InstanceType ?? 'unknown',
    subnetId: instance.SubnetId ?? '',
    availabilityZone: instance.Placement?.AvailabilityZone ?? '',
    launchTimeMs: instance.LaunchTime?.getTime() ?? 0,
    protected: tagValue(instance.Tags, PROTECTED_TAG) === 'true',
    ...(commandId === undefined ? {} : { commandId }),
    ...(fleetTag === undefined ? {} : { fleetTag }),
  };
}

export class Ec2Compute implements ComputePort {
  private readonly subnetZones = new Map<string, string>();

  constructor(private readonly ec2: EC2Client) {}

  private async describe(filters: Filter[]): Promise<Instance[]> {
    const instances: Instance[] = [];
    for await (const page of paginateDescribeInstances({ client: this.ec2, pageSize: 500 }, { Filters: filters })) {
      for (const reservation of page.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
    }
    return instances;
  }

  private async health(instanceIds: readonly string[]): Promise<Map<string, InstanceHealth>> {
    const health = new Map<string, InstanceHealth>();
    for (let start = 0; start < instanceIds.length; start += 100) {
      const result = await this.ec2.send(
        new DescribeInstanceStatusCommand({ InstanceIds: instanceIds.slice(start, start + 100), IncludeAllInstances: true }),
      );
      for (const status of result.InstanceStatuses ?? []) {
        const impaired = status.InstanceStatus?.Status === 'impaired' || status.SystemStatus?.Status === 'impaired';
        const ok = status.InstanceStatus?.Status === 'ok' && status.SystemStatus?.Status === 'ok';
        health.set(status.InstanceId ?? '', impaired ? 'impaired' : ok ? 'ok' : 'unknown');
      }
    }
    return health;
  }

  private async observe(filters: Filter[]) {
    const instances = await this.describe(filters);
    const running = instances.filter((i) => i.State?.Name === 'running').map((i) => i.InstanceId ?? '');
    const health = await this.health(running);
    return instances.map((i) => toObserved(i, health.get(i.InstanceId ?? '') ?? 'unknown'));
  }

  async describeFleetInstances(fleet: string): Promise<ObservedInstance[]> {
    return this.observe([{ Name: `tag:${FLEET_TAG}`, Values: [fleet] }]);
  }

  async describeInstances(instanceIds: readonly string[]) {
    if (instanceIds.length === 0) return [];
    return this.observe([{ Name: 'instance-id', Values: [...instanceIds] }]);
  }

  async describeSubnets(subnetIds: readonly string[]): Promise<SubnetPlacement[]> {
    const unknown = subnetIds.filter((id) => !this.subnetZones.has(id));
    if (unknown.length > 0) {
      // A filter, not SubnetIds: it never fails, so the missing ids are computed here exactly
      // instead of trusting which one an error message happens to name.
      const result = await this.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: unknown }] }));
      for (const subnet of result.Subnets ?? []) this.subnetZones.set(subnet.SubnetId ?? '', subnet.AvailabilityZone ?? '');
      const missing = unknown.filter((id) => !this.subnetZones.has(id));
      if (missing.length > 0) throw new ResourceNotFoundError('subnet', `${missing.join(', ')} (not in this account and region)`);
    }
    return subnetIds.map((subnetId) => ({ subnetId, availabilityZone: this.subnetZones.get(subnetId) ?? '' }));
  }

  async launch({ fleet, command }: LaunchRequest): Promise<LaunchResult> {
    const skipped: string[] = [];
    const template = fleet.launchTemplate;
    for (const choice of command.instanceTypes) {
      const count = Math.floor(command.capacityUnits / choice.weight);
      if (count < 1) {
        skipped.push(`${choice.type} (weight ${choice.weight} exceeds ${command.capacityUnits} units)`);
        continue;
      }
      const tags: Tag[] = [
        { Key: FLEET_TAG, Value: fleet.name },
        { Key: COMMAND_TAG, Value: command.id },
        ...Object.entries(fleet.tags).map(([Key, Value]) => ({ Key, Value })),
      ];
      try {
        const result = await this.ec2.send(
          new RunInstancesCommand({
            LaunchTemplate: {
              ...(template.id === undefined ? { LaunchTemplateName: template.name } : { LaunchTemplateId: template.id }),
              Version: String(template.version),
            },
            InstanceType: choice.type as never,
            SubnetId: command.subnetId,
            // All or nothing: a short type falls back to the next one for the whole command.
            MinCount: count,
            MaxCount: count,
            ClientToken: clientToken(command.id, choice.type),
            TagSpecifications: [
              // IAM allows RunInstances only when every resource it creates carries the fleet tag.
              { ResourceType: 'instance', Tags: tags },
              { ResourceType: 'volume', Tags: tags },
              { ResourceType: 'network-interface', Tags: tags },
            ],
          }),
        );
        return {
          instanceIds: (result.Instances ?? []).map((i) => i.InstanceId ?? ''),
          instanceType: choice.type,
          skipped,
        };
      } catch (error) {
        const code = errorCode(error);
        const message = error instanceof Error ? error.message : String(error);
        if (CAPACITY_ERRORS.has(code)) {
          skipped.push(`${choice.type} (${code})`);
          continue;
        }
        const resource = NOT_FOUND_ERRORS[code];
        if (resource !== undefined) {
          const name = resource.startsWith('launch template') ? `${template.id ?? template.name}: ` : '';
          throw new ResourceNotFoundError(resource, `${name}${message} (${code})`, { cause: error });
        }
        throw error;
      }
    }
    throw new CapacityUnavailableError(`no capacity in ${command.subnetId} for any allowed type: ${skipped.join(', ')}`);
  }

  async terminate(instanceIds: readonly string[]): Promise<void> {
    if (instanceIds.length === 0) return;
    await this.ec2.send(new TerminateInstancesCommand({ InstanceIds: [...instanceIds] }));
  }
}
