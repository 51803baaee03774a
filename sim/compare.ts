/**
 * Compares policies on one trace: every policy at one target utilisation, or the headline sweep
 * (each policy's cheapest target with τU <= 1%), as plain data for the table, the JSON file and
 * the HTML report.
 */
import type { PolicyDecision } from './engine.ts';
import type { ElasticityMetrics } from './metrics.ts';
import { POLICY_NAMES, SWEPT_POLICIES, type PolicyName } from './policies/index.ts';
import { cheapestWithinBound, costRatio, MAX_UNDER_TIMESHARE, runPolicy, SWEEP_TARGETS, type PolicyResult, type Setup } from './run.ts';

export interface PolicyRow {
  readonly policy: PolicyName;
  /** Target utilisation 0..1 of the run shown, undefined for policies without one. */
  readonly target: number | undefined;
  readonly metrics: ElasticityMetrics;
  readonly costRatio: number;
  /** With a sweep: whether some target kept τU within the bound (false: the row is the lowest τU). */
  readonly withinBound?: boolean;
  /** With a sweep: cost/oracle and τU of every target tried. */
  readonly sweep?: ReadonlyArray<{ readonly target: number; readonly costRatio: number; readonly underTimeshare: number }>;
  readonly seconds: number;
  /** The run shown's changes of desired capacity with their reasons, for a policy that gives them. */
  readonly decisions?: readonly PolicyDecision[];
}

export interface Comparison {
  readonly trace: string;
  readonly steps: number;
  readonly stepS: number;
  readonly bootS: number;
  readonly peakInstances: number;
  readonly instanceCapacity: number;
  readonly warmupSteps: number;
  readonly mode: { readonly kind: 'target'; readonly target: number } | { readonly kind: 'sweep'; readonly targets: readonly number[]; readonly maxUnderTimeshare: number };
  readonly rows: readonly PolicyRow[];
  /** Demand (capacity units) and each row's instances in service, per step. */
  readonly demand: Float64Array;
  readonly supply: ReadonlyMap<PolicyName, Int32Array>;
}

export interface CompareOptions {
  readonly policies?: readonly PolicyName[];
  /** One target utilisation (0..1) for every policy; ignored with `sweep`. */
  readonly target?: number;
  readonly sweep?: boolean;
  /** Called as steps are simulated, with the steps done and the steps in all. */
  readonly onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_TARGET = 0.7;

/** Runs the comparison; the oracle always runs, since costs are relative to it. */
export async function compare(setup: Setup, options: CompareOptions = {}): Promise<Comparison> {
  const chosen = options.policies ?? POLICY_NAMES;
  const policies = chosen.includes('oracle') ? chosen : [...chosen, 'oracle' as const];
  const sweep = options.sweep === true;
  const target = options.target ?? DEFAULT_TARGET;
  const steps = setup.demand.values.length;
  const runsOf = (policy: PolicyName) => (sweep && SWEPT_POLICIES.has(policy) ? SWEEP_TARGETS.length : 1);
  const total = policies.reduce((sum, policy) => sum + runsOf(policy) * steps, 0);
  let done = 0;
  const run = async (policy: PolicyName, t: number): Promise<PolicyResult> => {
    const started = done;
    const result = await runPolicy(setup, policy, t, options.onProgress === undefined ? undefined : (n) => options.onProgress?.(started + n, total));
    done = started + steps;
    return result;
  };

  const oracle = await run('oracle', 1);
  const rows: PolicyRow[] = [];
  const supply = new Map<PolicyName, Int32Array>();
  for (const policy of policies) {
    if (policy === 'oracle') {
      rows.push({ policy, target: undefined, metrics: oracle.metrics, costRatio: 1, seconds: oracle.seconds });
      supply.set(policy, oracle.supply);
      continue;
    }
    if (!sweep || !SWEPT_POLICIES.has(policy)) {
      const result = await run(policy, target);
      rows.push({
        policy,
        target: result.target,
        metrics: result.metrics,
        costRatio: costRatio(result.metrics, oracle.metrics),
        seconds: result.seconds,
        ...(result.decisions === undefined ? {} : { decisions: result.decisions }),
      });
      supply.set(policy, result.supply);
      continue;
    }
    let best: PolicyResult | undefined;
    let lowest: PolicyResult | undefined;
    const tried: Array<{ target: number; costRatio: number; underTimeshare: number }> = [];
    let seconds = 0;
    for (const t of SWEEP_TARGETS) {
      const result = await run(policy, t);
      seconds += result.seconds;
      tried.push({ target: t, costRatio: costRatio(result.metrics, oracle.metrics), underTimeshare: result.metrics.underTimeshare });
      best = cheapestWithinBound(best === undefined ? [result] : [best, result]);
      if (lowest === undefined || result.metrics.underTimeshare < lowest.metrics.underTimeshare) lowest = result;
    }
    const shown = best ?? lowest;
    if (shown === undefined) continue;
    rows.push({
      policy,
      target: shown.target,
      metrics: shown.metrics,
      costRatio: costRatio(shown.metrics, oracle.metrics),
      withinBound: best !== undefined,
      sweep: tried,
      seconds,
      ...(shown.decisions === undefined ? {} : { decisions: shown.decisions }),
    });
    supply.set(policy, shown.supply);
  }
  const order = (name: PolicyName) => POLICY_NAMES.indexOf(name);
  rows.sort((a, b) => order(a.policy) - order(b.policy));
  return {
    trace: setup.trace.source,
    steps,
    stepS: setup.settings.stepS,
    bootS: setup.settings.bootS,
    peakInstances: Math.round(setup.demand.peak / setup.settings.instanceCapacity),
    instanceCapacity: setup.settings.instanceCapacity,
    warmupSteps: setup.settings.warmupSteps,
    mode: sweep ? { kind: 'sweep', targets: SWEEP_TARGETS, maxUnderTimeshare: MAX_UNDER_TIMESHARE } : { kind: 'target', target },
    rows,
    demand: setup.demand.values,
    supply,
  };
}
