/**
 * Phase six: launch what the fleet is missing. The gap is desired capacity less what stays in
 * service and what failovers are replacing, within capacity.max, into the subnets whose zones are
 * neither degraded nor evacuated, unless launching is backing off after failures. A drain that
 * names its replacement's type (rightsizing) gets it first (./replacement-launches.ts). With a mix, the
 * gap goes to the cells where the fleet is short of it (./mix-launches.ts); without one, or for
 * what the mix's cells cannot take, it is closed in whole instances of the first type, spread to
 * balance zones.
 */
import { stepCommandId } from '../command-ids.ts';
import type { Command, LaunchFailures } from '../model.ts';
import { type Member, type SubnetPlacement, spreadLaunches, sumUnits } from '../placement.ts';
import { type Evacuation, type StepContext, isEvacuated } from './context.ts';
import { mixLaunches } from './mix-launches.ts';
import { type Replacement, replacementLaunches } from './replacement-launches.ts';

export interface LaunchInput {
  readonly desired: number;
  /** In-service members that no failover or disruption takes out. */
  readonly staying: readonly Member[];
  readonly unitsInFlight: number;
  /** Units this step starts from the warm pool (./warm-pool.ts): on their way, like those in flight. */
  readonly fromPoolUnits?: number;
  readonly degraded: ReadonlySet<string>;
  readonly evacuating: Evacuation;
  /** Drains under way whose replacement has a type of its own (rightsizing a fleet). */
  readonly replacements?: readonly Replacement[];
}

export interface LaunchPlan {
  readonly commands: readonly Command[];
  readonly notes: readonly string[];
}

/** What is missing and where it may go. */
export interface LaunchGap {
  readonly currentUnits: number;
  readonly deficit: number;
  /** Units capacity.max still allows. */
  readonly headroom: number;
  readonly launchSubnets: readonly SubnetPlacement[];
  /** " (+N being replaced)" when failovers are replacing units, for the reasons. */
  readonly replacing: string;
}

/** Seconds to wait after the n-th consecutive launch failure: 60, 120, 240 … at most 900. */
export function launchBackoffSeconds(failures: number): number {
  return Math.min(900, 60 * 2 ** Math.max(0, failures - 1));
}

/** Why launching waits this step after failed launches, or undefined when it may launch. */
export function backingOff(failures: LaunchFailures | undefined, nowMs: number): string | undefined {
  if (!failures) return undefined;
  const retryAtMs = failures.lastAtMs + launchBackoffSeconds(failures.count) * 1000;
  if (nowMs >= retryAtMs) return undefined;
  return `launching is backing off for ${Math.ceil((retryAtMs - nowMs) / 1000)} s after ${failures.count} failed launch(es): ${failures.lastError}`;
}

/** The gap in whole instances of the first listed type, spread to balance zones. */
function firstTypeLaunches(context: StepContext, input: LaunchInput, gap: LaunchGap): LaunchPlan {
  const { fleet } = context;
  const first = fleet.instanceTypes[0];
  if (first === undefined || gap.deficit <= 0) return { commands: [], notes: [] };
  const notes: string[] = [];
  const instances = Math.max(0, Math.min(Math.ceil(gap.deficit / first.weight), Math.floor(gap.headroom / first.weight)));
  if (instances === 0) notes.push(`a ${first.type} (weight ${first.weight}) would take the fleet past capacity.max ${fleet.capacity.max}`);
  const launchUnits = instances * first.weight;
  if (instances > 0 && launchUnits < gap.deficit) {
    notes.push(`launching ${launchUnits} of the ${gap.deficit} missing units: another ${first.type} (weight ${first.weight}) would pass capacity.max ${fleet.capacity.max}`);
  }
  const commands = spreadLaunches(instances, gap.launchSubnets, input.staying).map(
    (share): Command => ({
      kind: 'launch',
      id: stepCommandId(fleet.name, context.step, 'launch', share.subnet.subnetId),
      subnetId: share.subnet.subnetId,
      availabilityZone: share.subnet.availabilityZone,
      capacityUnits: share.instances * first.weight,
      instanceTypes: fleet.instanceTypes,
      reason: `capacity ${gap.currentUnits}${gap.replacing} is below desired ${input.desired}: ${share.instances} instance(s) in ${share.subnet.availabilityZone} to balance zones`,
    }),
  );
  return { commands, notes };
}

export function planLaunches(context: StepContext, input: LaunchInput): LaunchPlan {
  const { fleet, nowMs } = context;
  const currentUnits = sumUnits(input.staying);
  const fromPool = input.fromPoolUnits ?? 0;
  const deficit = input.desired - currentUnits - input.unitsInFlight - fromPool;
  if (deficit <= 0 || fleet.instanceTypes.length === 0) return { commands: [], notes: [] };
  const backoff = backingOff(context.status?.launchFailures, nowMs);
  if (backoff !== undefined) return { commands: [], notes: [backoff] };
  const healthySubnets = context.subnets.filter((subnet) => !input.degraded.has(subnet.availabilityZone) && !isEvacuated(input.evacuating, subnet));
  const gap: LaunchGap = {
    currentUnits,
    deficit,
    headroom: fleet.capacity.max - currentUnits - input.unitsInFlight - fromPool,
    launchSubnets: healthySubnets.length > 0 ? healthySubnets : context.subnets,
    replacing: `${input.unitsInFlight > 0 ? ` (+${input.unitsInFlight} being replaced)` : ''}${fromPool > 0 ? ` (+${fromPool} starting from the warm pool)` : ''}`,
  };
  const replacing = replacementLaunches(context, input, gap);
  const open = { ...gap, deficit: gap.deficit - replacing.units, headroom: gap.headroom - replacing.units };
  if (fleet.mix === undefined || context.mix === undefined) {
    const rest = firstTypeLaunches(context, input, open);
    return { commands: [...replacing.commands, ...rest.commands], notes: rest.notes };
  }
  const planned = mixLaunches(context, input, open, context.mix);
  const rest = firstTypeLaunches(context, input, { ...open, deficit: open.deficit - planned.units, headroom: open.headroom - planned.units });
  return { commands: [...replacing.commands, ...planned.commands, ...rest.commands], notes: [...planned.notes, ...rest.notes] };
}
