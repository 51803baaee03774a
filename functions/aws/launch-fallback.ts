/**
 * How a launch reads EC2's answers: the command's types in order, all or nothing per type, a
 * type EC2 has no capacity for skipped, a missing template, subnet or image named. Free of the
 * SDK, so that the EC2 adapter and the in-memory compute follow the very same rules.
 */
import { CapacityUnavailableError, ResourceNotFoundError } from '../ports/errors.ts';
import type { LaunchRequest, LaunchResult } from '../ports/index.ts';

/** EC2 error codes that mean "no capacity for this type here": try the next type. */
export type CapacityErrorCode = 'InsufficientInstanceCapacity' | 'InsufficientCapacity' | 'InstanceLimitExceeded' | 'VcpuLimitExceeded' | 'Unsupported';

const CAPACITY_ERRORS: ReadonlySet<string> = new Set<CapacityErrorCode>([
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

/** The EC2 error code of an error: the SDK names its exceptions by code. */
const errorCode = (error: unknown) => (error instanceof Error ? ((error as { Code?: string }).Code ?? error.name) : '');

/** Launches `count` instances of one type, all or none, or throws EC2's error. */
export type LaunchAttempt = (instanceType: string, count: number) => Promise<readonly string[]>;

/** Tries the command's types in order; throws CapacityUnavailableError when none had capacity. */
export async function launchTryingTypes({ fleet, command }: LaunchRequest, attempt: LaunchAttempt): Promise<LaunchResult> {
  const skipped: string[] = [];
  for (const choice of command.instanceTypes) {
    const count = Math.floor(command.capacityUnits / choice.weight);
    if (count < 1) {
      skipped.push(`${choice.type} (weight ${choice.weight} exceeds ${command.capacityUnits} units)`);
      continue;
    }
    try {
      return { instanceIds: [...(await attempt(choice.type, count))], instanceType: choice.type, skipped };
    } catch (error) {
      const code = errorCode(error);
      if (CAPACITY_ERRORS.has(code)) {
        skipped.push(`${choice.type} (${code})`);
        continue;
      }
      const resource = NOT_FOUND_ERRORS[code];
      if (resource === undefined) throw error;
      const template = fleet.launchTemplate;
      const name = resource.startsWith('launch template') ? `${template.id ?? template.name}: ` : '';
      const message = error instanceof Error ? error.message : String(error);
      throw new ResourceNotFoundError(resource, `${name}${message} (${code})`, { cause: error });
    }
  }
  throw new CapacityUnavailableError(`no capacity in ${command.subnetId} for any allowed type: ${skipped.join(', ')}`);
}
