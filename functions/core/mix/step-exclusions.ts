/**
 * What a step teaches the mix beyond capacity errors, as exclusions kept beside theirs: a Spot
 * instance under an interruption warning leaves its type+zone Spot cell out for a while (that pool
 * is being reclaimed, so its replacement goes to another Spot cell when the Spot share allows);
 * a listed type that cannot hold its weight of the fleet's load per unit (the most any sized
 * instance carries per unit, at the rightsizing percentile over the window) within
 * rightsizing.maxUtilizationPercent leaves the mix in every zone and market for a window's length.
 */
import type { FleetConfig } from '../config.ts';
import type { InstanceSignal, ObservedInstance } from '../model.ts';
import type { SubnetPlacement } from '../placement.ts';
import { unitsOf } from '../placement.ts';
import type { RightsizingConfig } from '../rightsizing/config.ts';
import { type Need, loadOn, needOf } from '../rightsizing/fit.ts';
import type { RightsizingView } from '../rightsizing/view.ts';
import type { CapacityExclusion } from './problem.ts';

/** How long a Spot type+zone stays out of the mix after an interruption warning there. */
export const SPOT_INTERRUPTION_EXCLUSION_MS = 5 * 60_000;

export interface StepExclusionInput {
  readonly fleet: FleetConfig;
  readonly observed: readonly ObservedInstance[];
  readonly signals?: readonly InstanceSignal[];
  readonly rightsizing?: RightsizingView;
  readonly subnets: readonly SubnetPlacement[];
  readonly nowMs: number;
}

export interface StepExclusions {
  readonly exclusions: readonly CapacityExclusion[];
  readonly notes: readonly string[];
}

function spotInterruptions(input: StepExclusionInput): StepExclusions {
  const warned = new Set((input.signals ?? []).filter((signal) => signal.kind === 'spot-interruption').map((signal) => signal.instanceId));
  const interrupted = input.observed.filter((instance) => instance.market === 'spot' && warned.has(instance.instanceId));
  const minutes = SPOT_INTERRUPTION_EXCLUSION_MS / 60_000;
  return {
    exclusions: interrupted.map((i) => ({ type: i.instanceType, zone: i.availabilityZone, market: 'spot' as const, untilMs: input.nowMs + SPOT_INTERRUPTION_EXCLUSION_MS, reason: 'spot-interruption' as const })),
    notes: interrupted.map((i) => `spot interruption warning for ${i.instanceId}: the mix leaves out ${i.instanceType} spot in ${i.availabilityZone} for ${minutes} min (spot-interruption)`),
  };
}

interface LoadPerUnit {
  readonly vcpus: number;
  /** Undefined when no sized instance has memory measured. */
  readonly memoryMiB?: number;
  readonly sized: number;
}

/** The fleet's percentile load per unit: the most any sized running instance carries per unit of its weight, in vCPUs and memory each. */
function loadPerUnit(input: StepExclusionInput, view: RightsizingView, settings: RightsizingConfig): LoadPerUnit | undefined {
  const needs = input.observed.flatMap((instance) => {
    const size = view.sizes[instance.instanceType];
    const usage = view.usage[instance.instanceId];
    if (instance.state !== 'running' || size === undefined || usage === undefined) return [];
    const need = needOf(size, usage, settings);
    const units = unitsOf(instance.instanceType, input.fleet.instanceTypes);
    return typeof need === 'string' ? [] : [{ vcpus: need.vcpus / units, memoryMiB: need.memoryMiB === undefined ? undefined : need.memoryMiB / units }];
  });
  if (needs.length === 0) return undefined;
  const memories = needs.flatMap((need) => (need.memoryMiB === undefined ? [] : [need.memoryMiB]));
  const vcpus = Math.max(...needs.map((need) => need.vcpus));
  return memories.length === 0 ? { vcpus, sized: needs.length } : { vcpus, memoryMiB: Math.max(...memories), sized: needs.length };
}

const describeLoad = (need: Need, load: LoadPerUnit) =>
  `${need.vcpus.toFixed(2)} vCPUs${need.memoryMiB === undefined ? '' : ` and ${(need.memoryMiB / 1024).toFixed(1)} GiB`} of the fleet's load (the most per unit of ${load.sized} sized instance(s))`;

/** The listed types that cannot hold their weight of the fleet's load per unit within rightsizing.maxUtilizationPercent; none when that would leave no type. */
function underSized(input: StepExclusionInput): StepExclusions {
  const view = input.rightsizing;
  const settings = input.fleet.rightsizing;
  const load = view === undefined || settings === undefined ? undefined : loadPerUnit(input, view, settings);
  if (view === undefined || settings === undefined || load === undefined) return { exclusions: [], notes: [] };
  const limit = settings.maxUtilizationPercent;
  const p = `p${settings.percentile}`;
  const judged = input.fleet.instanceTypes.flatMap(({ type, weight }) => {
    const size = view.sizes[type];
    if (size === undefined) return [];
    const need: Need = { vcpus: load.vcpus * weight, text: '', ...(load.memoryMiB === undefined ? {} : { memoryMiB: load.memoryMiB * weight }) };
    const share = loadOn(need, size);
    const why = `at weight ${weight} it would carry ${describeLoad(need, load)} at ${p} over ${settings.windowDays} days: ${share.toFixed(1)}% of it (> ${limit}%, rightsizing.maxUtilizationPercent)`;
    return share > limit ? [{ type, why }] : [];
  });
  if (judged.length === input.fleet.instanceTypes.length) {
    return { exclusions: [], notes: [`rightsizing leaves no type out of the mix: none of its types holds the fleet's ${p} load per unit at <= ${limit}% (rightsizing.maxUtilizationPercent)`] };
  }
  const zones = [...new Set(input.subnets.map((s) => s.availabilityZone))];
  const untilMs = input.nowMs + settings.windowDays * 86_400_000;
  return {
    exclusions: judged.flatMap(({ type }) => zones.map((zone) => ({ type, zone, untilMs, reason: 'rightsizing' as const }))),
    notes: judged.map(({ type, why }) => `rightsizing leaves ${type} out of the mix for ${settings.windowDays} days (rightsizing): ${why}`),
  };
}

/** This step's new exclusions for a fleet with a mix, each with a note naming why. */
export function stepExclusions(input: StepExclusionInput): StepExclusions {
  if (input.fleet.mix === undefined) return { exclusions: [], notes: [] };
  const spot = spotInterruptions(input);
  const sized = underSized(input);
  return { exclusions: [...spot.exclusions, ...sized.exclusions], notes: [...spot.notes, ...sized.notes] };
}

/**
 * A Spot pool under interruption takes no new launches, but the instances still running there and
 * not warned stay in the mix's count (they are not moved out): each spot-interruption exclusion
 * keeps them.
 */
export function keepRunning(exclusions: readonly CapacityExclusion[], input: StepExclusionInput): CapacityExclusion[] {
  const warned = new Set((input.signals ?? []).filter((signal) => signal.kind === 'spot-interruption').map((signal) => signal.instanceId));
  return exclusions.map((exclusion) => {
    if (exclusion.reason !== 'spot-interruption') return exclusion;
    const keep = input.observed.filter(
      (i) => i.state === 'running' && i.market === 'spot' && i.instanceType === exclusion.type && i.availabilityZone === exclusion.zone && !warned.has(i.instanceId),
    ).length;
    return { ...exclusion, keep };
  });
}
