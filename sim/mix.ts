/**
 * `simulate --mix`: fleetward on a fleet's several types and markets (its exact mix, Spot
 * interrupted at a seeded rate) against fleetward on one on-demand type (the fleet's cheapest
 * per unit) on the same trace, both billed in dollars by type and market. The single type runs
 * at the fleet's target and at higher ones while its τU stays within the mix's; its cheapest
 * such run is the one the mix's saving is measured against, at the same (or a lower) τU.
 */
import type { FleetConfig } from '../functions/core/config.ts';
import { FleetwardError } from '../functions/core/errors.ts';
import type { LinearSolver } from '../functions/ports/solver.ts';
import type { SimPriceTable } from './cost.ts';
import { simulate } from './engine.ts';
import type { KindCost } from './kind-bill.ts';
import type { ElasticityMetrics } from './metrics.ts';
import { simFleetConfig } from './policies/fleetward.ts';
import { createMixedFleetwardPolicy } from './policies/mixed-fleetward.ts';
import { SWEEP_TARGETS, type Setup } from './run.ts';

export interface MixOptions {
  /** The user's fleet: its types, weights and mix section, and its scaling settings. */
  readonly fleet: FleetConfig;
  readonly table: SimPriceTable;
  readonly solver: () => Promise<LinearSolver>;
  /** Target utilisation, 0..1. */
  readonly target: number;
  readonly spotInterruptionsPerHour: number;
  readonly seed: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface MixRun {
  /** "mix" or "on-demand <type>". */
  readonly label: string;
  /** Target utilisation 0..1 it ran at. */
  readonly target: number;
  readonly metrics: ElasticityMetrics;
  readonly costs: readonly KindCost[];
  readonly usd: number;
  readonly interruptions: number;
}

export interface MixComparison {
  readonly fleet: string;
  readonly target: number;
  readonly spotInterruptionsPerHour: number;
  readonly seed: number;
  readonly prices: string;
  readonly mix: MixRun;
  readonly single: MixRun;
  /** Dollars the mix saves against the single type, and that as a share of its cost (%). */
  readonly saving: { readonly usd: number; readonly percent: number };
}

/** The fleet's type with the lowest on-demand price per capacity unit in the table. */
export function cheapestOnDemand(fleet: FleetConfig, table: SimPriceTable): FleetConfig['instanceTypes'][number] {
  let best: { choice: FleetConfig['instanceTypes'][number]; perUnit: number } | undefined;
  for (const choice of fleet.instanceTypes) {
    const perHour = table.onDemand[choice.type];
    if (perHour !== undefined && (best === undefined || perHour / choice.weight < best.perUnit)) best = { choice, perUnit: perHour / choice.weight };
  }
  if (best === undefined) throw new FleetwardError(`the price table (${table.source}, ${table.date}) has no on-demand price for any type of fleet ${fleet.name}`);
  return best.choice;
}

const optimizationOf = (fleet: FleetConfig) => (fleet.optimization === undefined ? {} : { optimization: fleet.optimization });

/** One run of fleetward on a simulated fleet, billed by type and market. */
async function runOne(setup: Setup, options: MixOptions, run: { label: string; target: number; fleet: FleetConfig; progress: boolean }): Promise<MixRun> {
  const { settings, demand } = setup;
  const policy = createMixedFleetwardPolicy({ ...options, fleet: run.fleet, stepS: settings.stepS, bootS: settings.bootS, warmupSteps: settings.warmupSteps });
  const steps = demand.values.length;
  const onProgress = options.onProgress === undefined || !run.progress ? undefined : (done: number) => options.onProgress?.(done, steps);
  const result = await simulate(demand, policy, settings, { initialInstances: Math.ceil((demand.values[0] ?? 0) / settings.instanceCapacity), ...(onProgress === undefined ? {} : { onProgress }) });
  return { label: run.label, target: run.target, metrics: result.metrics, costs: policy.bill.rows(), usd: policy.bill.usd, interruptions: policy.interruptions() };
}

/** The single type at the fleet's target, then at each higher sweep target while τU stays within the mix's: the cheapest of those within it. */
async function singleTypeRun(setup: Setup, options: MixOptions, mixRun: MixRun): Promise<MixRun> {
  const { settings } = setup;
  const single = cheapestOnDemand(options.fleet, options.table);
  const runAt = (target: number) => {
    const fleet = simFleetConfig({ target, stepS: settings.stepS, bootS: settings.bootS, minInstances: settings.minInstances, maxInstances: settings.maxInstances, fleet: options.fleet, instanceTypes: [single], ...optimizationOf(options.fleet) });
    return runOne(setup, options, { label: `on-demand ${single.type}`, target, fleet, progress: false });
  };
  const bound = mixRun.metrics.underTimeshare;
  let chosen = await runAt(options.target);
  if (chosen.metrics.underTimeshare > bound) return chosen;
  for (const target of SWEEP_TARGETS.filter((candidate) => candidate > options.target)) {
    const run = await runAt(target);
    if (run.metrics.underTimeshare > bound) break;
    if (run.usd < chosen.usd) chosen = run;
  }
  return chosen;
}

export async function compareMix(setup: Setup, options: MixOptions): Promise<MixComparison> {
  const { fleet, table } = options;
  if (fleet.mix === undefined) throw new FleetwardError(`fleet ${fleet.name} has no mix section: --mix simulates a fleet's exact mix (docs/optimization.md)`);
  // A table without an on-demand price for any of the fleet's types is refused before the long mix run.
  cheapestOnDemand(fleet, table);
  const { settings } = setup;
  const mixFleet = simFleetConfig({ target: options.target, stepS: settings.stepS, bootS: settings.bootS, minInstances: settings.minInstances, maxInstances: settings.maxInstances, fleet, instanceTypes: fleet.instanceTypes, mix: fleet.mix, ...optimizationOf(fleet) });
  const mixRun = await runOne(setup, options, { label: 'mix', target: options.target, fleet: mixFleet, progress: true });
  const singleRun = await singleTypeRun(setup, options, mixRun);
  const savingUsd = singleRun.usd - mixRun.usd;
  return {
    fleet: fleet.name,
    target: options.target,
    spotInterruptionsPerHour: options.spotInterruptionsPerHour,
    seed: options.seed,
    prices: `${table.source}, ${table.region}, ${table.date}`,
    mix: mixRun,
    single: singleRun,
    saving: { usd: savingUsd, percent: singleRun.usd === 0 ? 0 : (100 * savingUsd) / singleRun.usd },
  };
}
