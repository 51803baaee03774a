/**
 * Launches of the replacements a drain names its type for (rightsizing a fleet replaces an
 * over-sized instance by one of the type it chose): while such drains are under way, the gap
 * goes to them first, one instance each, into the zone that balances the fleet; the rest of the
 * gap takes the usual path.
 */
import { stepCommandId } from '../command-ids.ts';
import type { Command } from '../model.ts';
import { spreadLaunches } from '../placement.ts';
import type { StepContext } from './context.ts';
import type { LaunchGap, LaunchInput } from './plan-launches.ts';

/** A drain under way whose replacement is to be of `type`. */
export interface Replacement {
  readonly instanceId: string;
  readonly type: string;
}

export interface ReplacementLaunchPlan {
  readonly commands: readonly Command[];
  /** The units these launches add. */
  readonly units: number;
}

export function replacementLaunches(context: StepContext, input: LaunchInput, gap: LaunchGap): ReplacementLaunchPlan {
  const { fleet } = context;
  const commands: Command[] = [];
  let units = 0;
  for (const replacement of input.replacements ?? []) {
    const weight = fleet.instanceTypes.find((t) => t.type === replacement.type)?.weight;
    if (weight === undefined || units + weight > gap.deficit || units + weight > gap.headroom) continue;
    const [share] = spreadLaunches(1, gap.launchSubnets, input.staying);
    if (share === undefined) break;
    units += weight;
    commands.push({
      kind: 'launch',
      id: stepCommandId(fleet.name, context.step, 'launch', `${share.subnet.subnetId}/${replacement.type}/replacing/${replacement.instanceId}`),
      subnetId: share.subnet.subnetId,
      availabilityZone: share.subnet.availabilityZone,
      capacityUnits: weight,
      instanceTypes: [{ type: replacement.type, weight }],
      reason: `capacity ${gap.currentUnits}${gap.replacing} is below desired ${input.desired}: 1 x ${replacement.type} in ${share.subnet.availabilityZone}, replacing ${replacement.instanceId} (rightsizing)`,
    });
  }
  return { commands, units };
}
