/**
 * Phase six: launch what the fleet is missing. The gap is desired capacity less what stays in
 * service and what failovers are replacing; it is closed in whole instances of the first type,
 * within capacity.max, spread over the zones that are neither degraded nor evacuated, unless
 * launching is backing off after failures.
 */
import { stepCommandId } from '../command-ids.ts';
import type { Command, LaunchFailures } from '../model.ts';
import { type Member, spreadLaunches, sumUnits } from '../placement.ts';
import { type Evacuation, type StepContext, isEvacuated } from './context.ts';

export interface LaunchInput {
  readonly desired: number;
  /** In-service members that no failover or disruption takes out. */
  readonly staying: readonly Member[];
  readonly unitsInFlight: number;
  readonly degraded: ReadonlySet<string>;
  readonly evacuating: Evacuation;
}

export interface LaunchPlan {
  readonly commands: readonly Command[];
  readonly notes: readonly string[];
}

/** Seconds to wait after the n-th consecutive launch failure: 60, 120, 240 … at most 900. */
export function launchBackoffSeconds(failures: number): number {
  return Math.min(900, 60 * 2 ** Math.max(0, failures - 1));
}

function backingOff(failures: LaunchFailures | undefined, nowMs: number): string | undefined {
  if (!failures) return undefined;
  const retryAtMs = failures.lastAtMs + launchBackoffSeconds(failures.count) * 1000;
  if (nowMs >= retryAtMs) return undefined;
  return `launching is backing off for ${Math.ceil((retryAtMs - nowMs) / 1000)} s after ${failures.count} failed launch(es): ${failures.lastError}`;
}

export function planLaunches(context: StepContext, input: LaunchInput): LaunchPlan {
  const { fleet, nowMs } = context;
  const currentUnits = sumUnits(input.staying);
  const deficit = input.desired - currentUnits - input.unitsInFlight;
  const first = fleet.instanceTypes[0];
  if (deficit <= 0 || first === undefined) return { commands: [], notes: [] };
  const backoff = backingOff(context.status?.launchFailures, nowMs);
  if (backoff !== undefined) return { commands: [], notes: [backoff] };
  const notes: string[] = [];
  const headroom = fleet.capacity.max - currentUnits - input.unitsInFlight;
  const instances = Math.max(0, Math.min(Math.ceil(deficit / first.weight), Math.floor(headroom / first.weight)));
  if (instances === 0) notes.push(`a ${first.type} (weight ${first.weight}) would take the fleet past capacity.max ${fleet.capacity.max}`);
  const launchUnits = instances * first.weight;
  if (instances > 0 && launchUnits < deficit) {
    notes.push(`launching ${launchUnits} of the ${deficit} missing units: another ${first.type} (weight ${first.weight}) would pass capacity.max ${fleet.capacity.max}`);
  }
  const healthySubnets = context.subnets.filter((subnet) => !input.degraded.has(subnet.availabilityZone) && !isEvacuated(input.evacuating, subnet));
  const launchSubnets = healthySubnets.length > 0 ? healthySubnets : context.subnets;
  const replacing = input.unitsInFlight > 0 ? ` (+${input.unitsInFlight} being replaced)` : '';
  const commands = spreadLaunches(instances, launchSubnets, input.staying).map(
    (share): Command => ({
      kind: 'launch',
      id: stepCommandId(fleet.name, context.step, 'launch', share.subnet.subnetId),
      subnetId: share.subnet.subnetId,
      availabilityZone: share.subnet.availabilityZone,
      capacityUnits: share.instances * first.weight,
      instanceTypes: fleet.instanceTypes,
      reason: `capacity ${currentUnits}${replacing} is below desired ${input.desired}: ${share.instances} instance(s) in ${share.subnet.availabilityZone} to balance zones`,
    }),
  );
  return { commands, notes };
}
