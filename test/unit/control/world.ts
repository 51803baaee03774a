// A world for the control layer's tests: fleetward's real step over the in-memory ports, each
// wrapped with withFaults and sharing one Crash, a fleet "web" in two zones, a manual clock, a
// recording logger, and every port call in order (`port.method`) for the crash matrix.
import { type FleetConfig, validateConfig } from '../../../functions/core/config.ts';
import { identityProofFor } from '../../../functions/core/identity-ownership.ts';
import type { InstanceSignal } from '../../../functions/core/model.ts';
import { type StepDependencies, type StepLogger, type StepOutcome, runFleetStep } from '../../../functions/control/run-step.ts';
import { MemoryCompute, type InstanceSeed } from '../../../functions/memory/compute.ts';
import { MemoryEvents, MemoryNotifier } from '../../../functions/memory/events.ts';
import { memoryImages } from '../../../functions/memory/images.ts';
import { MemoryLoadBalancer } from '../../../functions/memory/load-balancer.ts';
import { MemoryMetrics } from '../../../functions/memory/metrics.ts';
import { MemoryState } from '../../../functions/memory/state.ts';
import type {
  ActionJournal,
  ComputePort,
  EventPublisher,
  FleetRecords,
  LeaseStore,
  LoadBalancerPort,
  LoadHistoryStore,
  MetricsPort,
  Notifier,
} from '../../../functions/ports/index.ts';
import { type AsyncPort, Crash, type Faulty, withFaults } from '../../fakes/faults.ts';
import { A, B, TestClock } from '../memory/fixtures.ts';

export const TARGET_GROUP = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/1';
const HOUR_MS = 3_600_000;
/** The owner identity of the deployment the world models: seeded instances are its own. */
export const WORLD_OWNER = 'world-owner';

export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes: Record<string, unknown>;
}

export interface WorldOptions {
  /** Fleet settings over the defaults (a total metric at target 10 per unit, 0..10 instances, no warm-up, no scale-in delay). */
  readonly fleet?: Record<string, unknown>;
  readonly withTargetGroup?: boolean;
  readonly bootMs?: number;
  readonly stopMs?: number;
  readonly deregistrationDelayMs?: number;
  /** The deployment's fleet count; beyond 100 the compute emulates IAM's owner tag condition on identity too. Default 1. */
  readonly deploymentFleets?: number;
}

function webFleet(options: WorldOptions): FleetConfig {
  const { scaling, ...rest } = options.fleet ?? {};
  const config = validateConfig({
    fleets: [
      {
        name: 'web',
        launchTemplate: { id: 'lt-0123456789abcdef0' },
        subnets: [A.subnetId, B.subnetId],
        instanceTypes: [{ type: 'm7g.large' }],
        capacity: { min: 0, max: 10 },
        targetGroups: options.withTargetGroup === true ? [TARGET_GROUP] : [],
        ...rest,
        scaling: {
          metric: { namespace: 'Test', name: 'Load', statistic: 'Sum' },
          metricType: 'total',
          target: 10,
          warmupSeconds: 0,
          scaleIn: { stabilizationSeconds: 0, cooldownSeconds: 0 },
          ...(scaling as Record<string, unknown> | undefined),
        },
      },
    ],
  });
  const fleet = config.fleets[0];
  if (fleet === undefined) throw new Error('no fleet');
  return fleet;
}

/** Records every call that reaches `port` as `name.method`, in one sequence shared by all ports. */
function named<T extends object>(name: string, port: T, sequence: string[]): T {
  return new Proxy(port, {
    get: (target, key) => {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      return (...args: unknown[]) => {
        sequence.push(`${name}.${key}`);
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export class ControlWorld {
  readonly clock = new TestClock();
  readonly crash = new Crash();
  /** Every port call that reached its port, `port.method`, in the order made. */
  readonly calls: string[] = [];
  readonly logs: LogEntry[] = [];
  readonly fleet: FleetConfig;
  readonly compute: MemoryCompute;
  readonly loadBalancer: MemoryLoadBalancer;
  readonly metrics = new MemoryMetrics();
  readonly events = new MemoryEvents();
  readonly notifier = new MemoryNotifier();
  /** How many fleets the modelled deployment configures (WorldOptions.deploymentFleets). */
  readonly deploymentFleets: number;
  /** The image gate's ports: the launch facts a test sets, and the alerts sent once. */
  readonly images = memoryImages();
  readonly state = new MemoryState({ decisionLogDays: 7 });
  readonly faults: {
    readonly compute: Faulty<ComputePort>;
    readonly loadBalancer: Faulty<LoadBalancerPort>;
    readonly metrics: Faulty<MetricsPort>;
    readonly events: Faulty<EventPublisher>;
    readonly notifier: Faulty<Notifier>;
    readonly leases: Faulty<LeaseStore>;
    readonly journal: Faulty<ActionJournal>;
    readonly records: Faulty<FleetRecords>;
    readonly history: Faulty<LoadHistoryStore>;
  };
  readonly log: StepLogger = {
    info: (message, attributes) => this.logs.push({ level: 'info', message, attributes }),
    warn: (message, attributes) => this.logs.push({ level: 'warn', message, attributes }),
    error: (message, attributes) => this.logs.push({ level: 'error', message, attributes }),
  };
  private runs = 0;

  constructor(options: WorldOptions = {}) {
    this.fleet = webFleet(options);
    // The IAM policy's owner condition, emulated: acting on an instance of another owner fails the step.
    this.deploymentFleets = options.deploymentFleets ?? 1;
    this.compute = new MemoryCompute({
      clock: this.clock,
      subnets: [A, B],
      bootMs: options.bootMs ?? 0,
      stopMs: options.stopMs ?? 0,
      authorizedOwner: WORLD_OWNER,
      identityByOwnerTag: identityProofFor(this.deploymentFleets) === 'owner tag',
    });
    this.loadBalancer = new MemoryLoadBalancer({
      clock: this.clock,
      targetGroups: [TARGET_GROUP],
      deregistrationDelayMs: options.deregistrationDelayMs ?? 30_000,
      instanceState: (instanceId) => this.compute.instance(instanceId)?.state,
    });
    const wrap = <T extends AsyncPort<T>>(name: string, port: T) => withFaults<T>(named(name, port, this.calls), { crash: this.crash });
    this.faults = {
      compute: wrap<ComputePort>('compute', this.compute),
      loadBalancer: wrap<LoadBalancerPort>('loadBalancer', this.loadBalancer),
      metrics: wrap<MetricsPort>('metrics', this.metrics),
      events: wrap<EventPublisher>('events', this.events),
      notifier: wrap<Notifier>('notifier', this.notifier),
      leases: wrap<LeaseStore>('leases', this.state.leases),
      journal: wrap<ActionJournal>('journal', this.state.journal),
      records: wrap<FleetRecords>('records', this.state.records),
      history: wrap<LoadHistoryStore>('history', this.state.history),
    };
  }

  /** The step's ports: every one through its fault wrapper. */
  deps(runId: string): StepDependencies {
    const f = this.faults;
    return {
      compute: f.compute.port,
      loadBalancer: f.loadBalancer.port,
      metrics: f.metrics.port,
      events: f.events.port,
      notifier: f.notifier.port,
      leases: f.leases.port,
      journal: f.journal.port,
      records: f.records.port,
      history: f.history.port,
      images: this.images,
      clock: this.clock,
      log: this.log,
      owner: WORLD_OWNER,
      deploymentFleets: this.deploymentFleets,
      runId,
    };
  }

  /** Runs one step, as a new run unless told which; `ports` changes what the step acts through; `event` names a trigger that is not the schedule. */
  step(
    options: { readonly runId?: string; readonly signals?: readonly InstanceSignal[]; readonly ports?: (deps: StepDependencies) => StepDependencies; readonly event?: string } = {},
  ): Promise<StepOutcome> {
    this.runs += 1;
    const deps = this.deps(options.runId ?? `run-${this.runs}`);
    return runFleetStep(options.ports?.(deps) ?? deps, this.fleet, options.event ?? 'test', options.signals ?? [], options.event === undefined);
  }

  /** The newest decision log entry. */
  async lastDecision() {
    return (await this.state.records.listDecisions('web', 1))[0];
  }

  /** The fleet's metric reads this from now on. */
  setLoad(value: number): void {
    this.metrics.set(this.fleet.scaling.metric, value);
  }

  /** Instances that were there before, running for an hour, in service with records, and registered when the fleet has target groups. */
  async seedInService(count: number, seed: Partial<InstanceSeed> = {}): Promise<string[]> {
    const ids: string[] = [];
    for (let k = 0; k < count; k++) {
      const subnetId = seed.subnetId ?? (k % 2 === 0 ? A.subnetId : B.subnetId);
      const launchedAtMs = this.clock.now() - HOUR_MS;
      const instanceId = this.compute.seedInstance({ fleet: 'web', launchTimeMs: launchedAtMs, owner: WORLD_OWNER, commandId: `seeded/${k}`, ...seed, subnetId });
      await this.state.records.putInstance('web', { instanceId, lifecycle: 'in-service', launchedAtMs, reason: 'seeded' }, undefined);
      if (this.fleet.targetGroups.length > 0) await this.loadBalancer.register(this.fleet.targetGroups, instanceId);
      ids.push(instanceId);
    }
    return ids;
  }

  /** The fleet's instances that are pending or running, by id. */
  alive(): string[] {
    return this.compute
      .instances()
      .filter((i) => i.tags['fleetward:fleet'] === 'web' && (i.state === 'pending' || i.state === 'running'))
      .map((i) => i.instanceId)
      .sort();
  }

  /** The instances registered in the target group (draining ones not included). */
  registered(): string[] {
    return [...this.loadBalancer.targets(TARGET_GROUP)]
      .filter(([, state]) => state !== 'draining')
      .map(([id]) => id)
      .sort();
  }

  async records() {
    return this.state.records.listInstances('web');
  }

  /** How many port calls of one method were carried out (returned, or applied with their answer lost). */
  effective(port: keyof ControlWorld['faults'], method: string): number {
    return this.faults[port].calls.filter((c) => c.method === method && (c.outcome === 'returned' || c.outcome === 'lost')).length;
  }
}
