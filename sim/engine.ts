/**
 * The simulation loop: replays a demand series against a simulated fleet, one control step at a
 * time, and counts the elasticity metrics of every step after the warm-up. A baseline policy
 * names a desired capacity that the engine's own fleet carries out; fleetward runs its real
 * control step on a fleet of its own (an ActingPolicy).
 *
 * Timing of step k (time k·step): instances whose boot ended serve from now; the policy sees
 * the metric of step k-1 (utilisation of the instances that served it: demand / supply, at most
 * 100%, as a CPU-like metric saturates); launches start booting now, terminations take effect
 * now; step k is then served by the instances in service.
 */
import { MetricsAccumulator, type ElasticityMetrics } from './metrics.ts';
import { SimFleet, VirtualClock } from './fleet.ts';
import type { Demand } from './trace.ts';

export interface SimSettings {
  readonly stepS: number;
  /** Seconds from launch until an instance serves. */
  readonly bootS: number;
  /** Capacity units one instance serves. */
  readonly instanceCapacity: number;
  /** Steps before metrics are counted (every policy runs, and may learn, during them). */
  readonly warmupSteps: number;
  /** The fleet's bounds, in instances. */
  readonly minInstances: number;
  readonly maxInstances: number;
  /** fleetward's warm pool (the baselines have none): its size, and the seconds from start until a member serves. */
  readonly warmPool?: SimWarmPool;
}

export interface SimWarmPool {
  readonly size: number;
  readonly startS: number;
}

/** A baseline's knobs that depend on the run: its target utilisation (0..1) and the control step. */
export interface TargetStepParams {
  readonly target: number;
  readonly stepS: number;
}

/** What a policy sees at the start of a step. */
export interface Observation {
  readonly step: number;
  readonly nowMs: number;
  /**
   * The previous step's utilisation of the instances that served it, 0..1 (demand / supply,
   * saturating at 1 when overloaded); undefined when none served it.
   */
  readonly utilisation: number | undefined;
  /** Instances that served the whole previous step: the ones the metric covers ("warmed"). */
  readonly warmed: number;
  /** Instances launched and not terminated: the fleet's current capacity. */
  readonly alive: number;
  /** Instances in service now (warmed ones plus those whose boot just ended). */
  readonly inService: number;
}

/** A step at which a policy changed its desired capacity, and why (fleetward's decision reasons). */
export interface PolicyDecision {
  readonly step: number;
  readonly desired: number;
  readonly reason: string;
}

/** A policy that asks for a desired capacity; the engine's own fleet carries it out. */
export interface Policy {
  readonly name: string;
  /** The desired capacity in instances for this step. */
  decide(observation: Observation): number;
  /** The changes of desired capacity with their reasons, for a policy that explains itself. */
  decisions?(): readonly PolicyDecision[];
}

/** The fleet a run bills and serves with: instances alive (billed) and in service. */
export interface FleetView {
  /** Moves instances whose boot finished by the clock's time into service. */
  advance(): void;
  readonly aliveCount: number;
  readonly inService: number;
}

/** What a step did to the fleet, for the metrics. */
export interface StepActivity {
  readonly launched: number;
  readonly terminated: number;
  /** Seconds billed beyond the lifetimes of the instances terminated, by the billing minimum. */
  readonly minimumChargeS: number;
  /** Instance-seconds spent stopped during the step (a warm pool's members). */
  readonly stoppedS?: number;
}

/** A running policy with the fleet it acts on. */
export interface Controller {
  readonly fleet: FleetView;
  step(observation: Observation): StepActivity | Promise<StepActivity>;
}

/** A policy that acts on a fleet of its own (fleetward's real control step), started on the run's clock. */
export interface ActingPolicy {
  readonly name: string;
  start(clock: VirtualClock, initialInstances: number): Controller;
  decisions?(): readonly PolicyDecision[];
  /** How many times its steps read the scaling metric (fleetward's metric read cadence). */
  metricReads?(): number;
}

export interface RunResult {
  readonly metrics: ElasticityMetrics;
  /** Instances in service during each step. */
  readonly supply: Int32Array;
}

/** Default metrics warm-up: min(14 days, 25% of the trace). */
export function defaultWarmupSteps(steps: number, stepS: number): number {
  return Math.min(Math.floor((14 * 86_400) / stepS), Math.floor(steps / 4));
}

/** Carries a desired capacity out on the simulator's homogeneous fleet, within the bounds. */
function desiredCapacityController(policy: Policy, clock: VirtualClock, settings: SimSettings, initialInstances: number): Controller {
  const fleet = new SimFleet(clock, settings.bootS);
  const clampInstances = (n: number) => Math.min(settings.maxInstances, Math.max(settings.minInstances, Math.round(n)));
  fleet.seed(clampInstances(initialInstances));
  return {
    fleet,
    step(observation) {
      const change = clampInstances(policy.decide(observation)) - fleet.aliveCount;
      if (change > 0) fleet.launch(change);
      const minimumChargeS = change < 0 ? fleet.terminate(-change) : 0;
      return { launched: Math.max(0, change), terminated: Math.max(0, -change), minimumChargeS };
    },
  };
}

export async function simulate(
  demand: Demand,
  policy: Policy | ActingPolicy,
  settings: SimSettings,
  options: { readonly initialInstances?: number; readonly onProgress?: (done: number) => void } = {},
): Promise<RunResult> {
  const { stepS, instanceCapacity, warmupSteps } = settings;
  const values = demand.values;
  const steps = values.length;
  const clock = new VirtualClock(0);
  const initialInstances = options.initialInstances ?? Math.ceil((values[0] ?? 0) / instanceCapacity);
  const controller = 'decide' in policy ? desiredCapacityController(policy, clock, settings, initialInstances) : policy.start(clock, initialInstances);
  const { fleet } = controller;
  const metrics = new MetricsAccumulator(instanceCapacity);
  const supply = new Int32Array(steps);
  let previousSupply = fleet.inService;
  let previousDemand = values[0] ?? 0;
  const progressEvery = 1 << 16;

  for (let k = 0; k < steps; k++) {
    clock.set(k * stepS * 1000);
    fleet.advance();
    const capacity = previousSupply * instanceCapacity;
    const observation: Observation = {
      step: k,
      nowMs: k * stepS * 1000,
      utilisation: previousSupply === 0 ? undefined : Math.min(1, previousDemand / capacity),
      warmed: previousSupply,
      alive: fleet.aliveCount,
      inService: fleet.inService,
    };
    const acted = controller.step(observation);
    const activity = acted instanceof Promise ? await acted : acted;
    const demandNow = values[k] ?? 0;
    const serving = fleet.inService;
    supply[k] = serving;
    if (k >= warmupSteps) {
      metrics.addLaunches(activity.launched);
      metrics.addTerminations(activity.terminated);
      metrics.addBilling(activity.minimumChargeS);
      metrics.addStopped(activity.stoppedS ?? 0);
      metrics.addStep(demandNow, serving, fleet.aliveCount * stepS);
    }
    previousSupply = serving;
    previousDemand = demandNow;
    if (options.onProgress !== undefined && (k + 1) % progressEvery === 0) options.onProgress(k + 1);
  }
  options.onProgress?.(steps);
  return { metrics: metrics.result(), supply };
}
