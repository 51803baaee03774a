/**
 * Runs policies on a trace: one policy at one target utilisation, or the sweep of its target
 * that finds the cheapest setting keeping under-provisioning within bounds (the headline).
 */
import type { FleetConfig } from '../functions/core/config.ts';
import { defaultWarmupSteps, simulate, type PolicyDecision, type SimSettings } from './engine.ts';
import type { ElasticityMetrics } from './metrics.ts';
import { createPolicy, SWEPT_POLICIES, type PolicyName } from './policies/index.ts';
import { toDemand, type Demand, type Trace } from './trace.ts';

export interface SimOptions {
  readonly stepS: number;
  readonly bootS: number;
  readonly peakInstances: number;
  readonly instanceCapacity: number;
  /** Metrics warm-up in seconds; default min(14 days, 25% of the trace). */
  readonly warmupS?: number;
}

export const DEFAULT_SIM_OPTIONS: SimOptions = { stepS: 60, bootS: 120, peakInstances: 100, instanceCapacity: 1 };

/** The target utilisations the headline sweeps: 40% to 90% in steps of 5. */
export const SWEEP_TARGETS: readonly number[] = Array.from({ length: 11 }, (_, i) => (40 + 5 * i) / 100);

/** The headline bound on the under-provisioning timeshare τU, in %. */
export const MAX_UNDER_TIMESHARE = 1;

export interface Setup {
  readonly trace: Trace;
  readonly demand: Demand;
  readonly settings: SimSettings;
  /** A user's fleet whose settings fleetward runs with (`simulate --config`); default: production defaults. */
  readonly fleet?: FleetConfig;
}

export function prepare(trace: Trace, options: SimOptions = DEFAULT_SIM_OPTIONS): Setup {
  const demand = toDemand(trace, options);
  const steps = demand.values.length;
  const warmupSteps =
    options.warmupS === undefined ? defaultWarmupSteps(steps, options.stepS) : Math.min(steps, Math.floor(options.warmupS / options.stepS));
  return {
    trace,
    demand,
    settings: {
      stepS: options.stepS,
      bootS: options.bootS,
      instanceCapacity: options.instanceCapacity,
      warmupSteps,
      minInstances: 1,
      maxInstances: 3 * options.peakInstances,
    },
  };
}

export interface PolicyResult {
  readonly policy: PolicyName;
  /** Target utilisation 0..1, or undefined for policies without one. */
  readonly target: number | undefined;
  readonly metrics: ElasticityMetrics;
  readonly supply: Int32Array;
  readonly seconds: number;
  /** fleetward's changes of desired capacity with their reasons (other policies give none). */
  readonly decisions?: readonly PolicyDecision[];
  /** How many times fleetward's steps read the scaling metric (other policies give none). */
  readonly metricReads?: number;
}

export async function runPolicy(setup: Setup, name: PolicyName, target: number, onProgress?: (done: number) => void): Promise<PolicyResult> {
  const started = performance.now();
  const { policy, initialInstances } = createPolicy(name, target, setup.demand, setup.settings, setup.fleet);
  const result = await simulate(setup.demand, policy, setup.settings, { initialInstances, ...(onProgress === undefined ? {} : { onProgress }) });
  return {
    policy: name,
    target: SWEPT_POLICIES.has(name) ? target : undefined,
    metrics: result.metrics,
    supply: result.supply,
    seconds: (performance.now() - started) / 1000,
    ...(policy.decisions === undefined ? {} : { decisions: policy.decisions() }),
    ...('metricReads' in policy && policy.metricReads !== undefined ? { metricReads: policy.metricReads() } : {}),
  };
}

/** Cost relative to the oracle's. */
export function costRatio(metrics: ElasticityMetrics, oracle: ElasticityMetrics): number {
  return oracle.instanceHours === 0 ? Number.NaN : metrics.instanceHours / oracle.instanceHours;
}

/** The cheapest run that keeps τU within the bound, or undefined when none does. */
export function cheapestWithinBound<T extends { readonly metrics: ElasticityMetrics }>(runs: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const run of runs) {
    if (run.metrics.underTimeshare > MAX_UNDER_TIMESHARE) continue;
    if (best === undefined || run.metrics.instanceHours < best.metrics.instanceHours) best = run;
  }
  return best;
}
