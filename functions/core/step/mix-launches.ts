/**
 * Launches into the exact mix: the gap goes to the cells (type × zone × market) where the fleet
 * runs fewer instances than the mix wants, in the mix's order, each into the least used subnet of
 * its zone that may launch. Each reason names the cell, what the mix wants there, the mix's cost
 * and gap, and the capacity-error exclusions it was solved with.
 */
import { stepCommandId } from '../command-ids.ts';
import { describeExclusion } from '../mix/exclusions.ts';
import { cellKey, fleetCells } from '../mix/fleet-cells.ts';
import { type MixView, mixSummary } from '../mix/view.ts';
import type { Command } from '../model.ts';
import type { SubnetPlacement } from '../placement.ts';
import type { StepContext } from './context.ts';
import type { LaunchGap, LaunchInput, LaunchPlan } from './plan-launches.ts';

/** Exclusions named in a reason at most; the rest are counted. */
const NAMED_EXCLUSIONS = 3;

export interface MixLaunchPlan extends LaunchPlan {
  /** The units these launches add. */
  readonly units: number;
}

function excludedText(view: MixView, nowMs: number): string {
  if (view.exclusions.length === 0) return '';
  const named = view.exclusions.slice(0, NAMED_EXCLUSIONS).map((exclusion) => describeExclusion(exclusion, nowMs));
  const more = view.exclusions.length > NAMED_EXCLUSIONS ? ` and ${view.exclusions.length - NAMED_EXCLUSIONS} more` : '';
  return `; left out after capacity errors: ${named.join(', ')}${more}`;
}

function leastUsedSubnet(subnets: readonly SubnetPlacement[], zone: string, perSubnet: ReadonlyMap<string, number>): SubnetPlacement | undefined {
  let best: SubnetPlacement | undefined;
  for (const subnet of subnets) {
    if (subnet.availabilityZone !== zone) continue;
    if (best === undefined || (perSubnet.get(subnet.subnetId) ?? 0) < (perSubnet.get(best.subnetId) ?? 0)) best = subnet;
  }
  return best;
}

export function mixLaunches(context: StepContext, input: LaunchInput, gap: LaunchGap, view: MixView): MixLaunchPlan {
  const { fleet } = context;
  if (!view.decision.feasible) return { commands: [], notes: [`${view.decision.reason}: launching the first listed type instead`], units: 0 };
  const short = fleetCells(view.decision, view.offers, input.staying).filter((cell) => cell.wanted > cell.running);
  const perSubnet = new Map<string, number>();
  for (const member of input.staying) perSubnet.set(member.subnetId, (perSubnet.get(member.subnetId) ?? 0) + 1);
  const suffix = `; ${mixSummary(view)}${excludedText(view, context.nowMs)}`;
  const commands: Command[] = [];
  const notes: string[] = [];
  let units = 0;
  for (const cell of short) {
    const remaining = gap.deficit - units;
    if (remaining <= 0) break;
    const count = Math.min(cell.wanted - cell.running, Math.ceil(remaining / cell.weight), Math.floor((gap.headroom - units) / cell.weight));
    const subnet = leastUsedSubnet(gap.launchSubnets, cell.zone, perSubnet);
    const where = cellKey(cell.type, cell.zone, cell.market);
    if (subnet === undefined) notes.push(`the mix wants ${cell.wanted - cell.running} more ${where}, but ${cell.zone} is degraded or evacuated`);
    else if (count <= 0) notes.push(`the mix wants another ${where} (weight ${cell.weight}), but it would take the fleet past capacity.max ${fleet.capacity.max}`);
    if (subnet === undefined || count <= 0) continue;
    perSubnet.set(subnet.subnetId, (perSubnet.get(subnet.subnetId) ?? 0) + count);
    units += count * cell.weight;
    commands.push({
      kind: 'launch',
      id: stepCommandId(fleet.name, context.step, 'launch', `${subnet.subnetId}/${cell.type}/${cell.market}`),
      subnetId: subnet.subnetId,
      availabilityZone: subnet.availabilityZone,
      capacityUnits: count * cell.weight,
      instanceTypes: [{ type: cell.type, weight: cell.weight }],
      ...(cell.market === 'spot' ? { market: 'spot' as const } : {}),
      reason: `capacity ${gap.currentUnits}${gap.replacing} is below desired ${input.desired}: ${count} x ${where}, where the mix wants ${cell.wanted} and ${cell.running} run${suffix}`,
    });
  }
  return { commands, notes, units };
}
