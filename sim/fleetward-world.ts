/**
 * The world fleetward's policy runs in inside the simulator: the product's in-memory ports
 * (compute whose instances boot for the configured delay, from a launch or from a warm pool's stop, state, load balancer, events) on the
 * virtual clock, a metric port that reads the simulated utilisation, and one control step per
 * simulated step through the product's own runFleetStep.
 */
import { type StepOutcome, runFleetStep } from '../functions/control/run-step.ts';
import type { StepLogger } from '../functions/control/journal.ts';
import type { MixPorts } from '../functions/control/step-mix.ts';
import type { FleetConfig, MetricConfig } from '../functions/core/config.ts';
import { FleetwardError } from '../functions/core/errors.ts';
import type { InstanceSignal, MetricReading } from '../functions/core/model.ts';
import type { SubnetPlacement } from '../functions/core/placement.ts';
import { MemoryCompute } from '../functions/memory/compute.ts';
import { MemoryEvents, MemoryNotifier } from '../functions/memory/events.ts';
import { memoryImages } from '../functions/memory/images.ts';
import { MemoryLoadBalancer } from '../functions/memory/load-balancer.ts';
import { MemoryState } from '../functions/memory/state.ts';
import type { Clock, MetricDatapoint, MetricsPort } from '../functions/ports/index.ts';
import type { FleetView, Observation, StepActivity } from './engine.ts';

/** The one subnet the simulated fleet runs in. */
export const SIMULATED_SUBNET: SubnetPlacement = { subnetId: 'subnet-0', availabilityZone: 'sim-1a' };

/** How the reasons name the simulated metric. */
const SIM_METRIC_LABEL = 'utilisation %';

/** What the metric reads when no instance served the last step. */
const NO_READING: MetricReading = { kind: 'missing', label: SIM_METRIC_LABEL, why: 'no instance served the last minute' };

/** The simulated utilisation as the fleet's metric: the last step's, in percent, or none; counting its reads. */
class UtilisationMetric implements MetricsPort {
  reading: MetricReading = NO_READING;
  /** How many times a step read it (each one a GetMetricData metric billed in AWS). */
  reads = 0;

  async latest(_metric: MetricConfig, _instanceIds: readonly string[], _nowMs: number): Promise<MetricReading> {
    this.reads += 1;
    return this.reading;
  }

  async history(): Promise<MetricDatapoint[]> {
    return [];
  }
}

const SILENT: StepLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface WorldOptions {
  readonly bootMs: number;
  /** From start until running, for a stopped warm pool member; default bootMs. */
  readonly startMs?: number;
  readonly stepMs: number;
  /** Instances already serving when the simulation starts. */
  readonly initialInstances: number;
  /** The type they are (on-demand); default sim.unit. */
  readonly initialType?: string;
  /** Capacity units of each type: given, the fleet's supply is the units in service, not the instances. */
  readonly weights?: ReadonlyMap<string, number>;
  /** Prices and solver for a fleet with an exact mix. */
  readonly mix?: MixPorts;
}

export interface WorldStep {
  readonly desiredCapacity: number;
  readonly reason: string;
  readonly activity: StepActivity;
  readonly outcome: StepOutcome;
}

export interface SimulatedFleetward {
  readonly fleet: FleetView;
  /** The compute, to tell instances to fail and to look at them. */
  readonly compute: MemoryCompute;
  readonly state: MemoryState;
  /** How many times the steps read the scaling metric so far. */
  readonly metricReads: () => number;
  /** One control step; `signals` are the events EC2 sent since the last (Spot interruption warnings). */
  step(observation: Observation, signals?: readonly InstanceSignal[]): Promise<WorldStep>;
}

/** The units in service: each serving instance at its type's weight. */
function unitsInService(compute: MemoryCompute, weights: ReadonlyMap<string, number>): number {
  let units = 0;
  for (const [type, count] of compute.servingByType) units += count * (weights.get(type) ?? 1);
  return units;
}

/** The instance-seconds spent stopped over one step (a warm pool's members), when there are any. */
const stoppedSeconds = (stopped: number, stepMs: number) => (stopped === 0 ? {} : { stoppedS: (stopped * stepMs) / 1000 });

/** The simulated deployment's owner identity: the instances it starts with are its own. */
const SIM_OWNER = 'simulator';

/** Long before the simulation starts: the instances it starts with are warmed and past their grace. */
const LONG_AGO_MS = -86_400_000;

export function simulatedFleetward(fleet: FleetConfig, clock: Clock, options: WorldOptions): SimulatedFleetward {
  const compute = new MemoryCompute({ clock, subnets: [SIMULATED_SUBNET], bootMs: options.bootMs, startMs: options.startMs ?? options.bootMs, terminatedVisibleMs: 0 });
  for (let i = 0; i < options.initialInstances; i++) {
    compute.seedInstance({ subnetId: SIMULATED_SUBNET.subnetId, fleet: fleet.name, owner: SIM_OWNER, commandId: `seeded/${i}`, instanceType: options.initialType ?? 'sim.unit', launchTimeMs: LONG_AGO_MS });
  }
  const state = new MemoryState({ decisionLogDays: 1 });
  const metrics = new UtilisationMetric();
  const deps = {
    leases: state.leases,
    journal: state.journal,
    records: state.records,
    history: state.history,
    compute,
    loadBalancer: new MemoryLoadBalancer({ clock, targetGroups: fleet.targetGroups }),
    metrics,
    clock,
    notifier: new MemoryNotifier(),
    events: new MemoryEvents(),
    images: memoryImages(),
    log: SILENT,
    owner: SIM_OWNER,
    runId: 'simulator',
    ...(options.mix === undefined ? {} : { mix: options.mix }),
  };
  const { weights } = options;
  const inService = weights === undefined ? () => compute.servingCount : () => unitsInService(compute, weights);
  const view: FleetView = { advance: () => undefined, get aliveCount() { return compute.aliveCount; }, get inService() { return inService(); } };
  let charged = compute.minimumChargeSeconds;
  return {
    fleet: view,
    compute,
    state,
    metricReads: () => metrics.reads,
    async step(observation, signals = []) {
      const { utilisation, nowMs } = observation;
      metrics.reading =
        utilisation === undefined ? NO_READING : { kind: 'value', value: utilisation * 100, timestampMs: nowMs - options.stepMs, label: SIM_METRIC_LABEL };
      const outcome = await runFleetStep(deps, fleet, 'simulated schedule', signals);
      if (outcome.outcome !== 'done' || outcome.desiredCapacity === undefined) throw new FleetwardError(`the simulated step ${observation.step} was ${outcome.outcome}: ${outcome.reason}`);
      const minimumChargeS = compute.minimumChargeSeconds - charged;
      charged = compute.minimumChargeSeconds;
      return {
        desiredCapacity: outcome.desiredCapacity,
        reason: outcome.reason,
        activity: { launched: outcome.launched.length, terminated: outcome.terminated.length, minimumChargeS, ...stoppedSeconds(compute.stoppedCount, options.stepMs) },
        outcome,
      };
    },
  };
}
