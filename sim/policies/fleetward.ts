/**
 * fleetward's own policy in the simulator: every step runs the product's control step
 * (runFleetStep: lease, observe, decide, act through the journal, record) over in-memory ports
 * on the simulation's virtual clock, as the Lambda runs it over AWS. Its instances boot for the
 * configured delay and are billed as EC2 bills them; its status, records and load history live in
 * the in-memory state store. One implementation of every decision: nothing here decides.
 */
import { ConfigError, validateConfig, type FleetConfig } from '../../functions/core/config.ts';
import { FleetwardError } from '../../functions/core/errors.ts';
import type { Observation, ActingPolicy, PolicyDecision, SimWarmPool } from '../engine.ts';
import { SIMULATED_SUBNET, simulatedFleetward } from '../fleetward-world.ts';

export interface FleetwardSimOptions {
  /** Target utilisation, 0..1. */
  readonly target: number;
  readonly stepS: number;
  readonly bootS: number;
  readonly minInstances: number;
  readonly maxInstances: number;
  /** A warm pool of this size whose members serve startS after a start; absent: none. */
  readonly warmPool?: SimWarmPool;
  /**
   * A user's fleet (`simulate --config`): its capacity and scaling settings replace the defaults;
   * the metric stays the simulated utilisation, so the fleet must scale on a per-instance metric.
   */
  readonly fleet?: FleetConfig;
  /** The types the fleet may launch (`simulate --mix`); default one type sim.unit of one unit. */
  readonly instanceTypes?: FleetConfig['instanceTypes'];
  /** An exact mix section (`simulate --mix`); its prices come from the simulated AWS, the price table. */
  readonly mix?: NonNullable<FleetConfig['mix']>;
  /** The user fleet's optimization section (`simulate --mix`: whether the mix method moves what runs, or only recommends). */
  readonly optimization?: FleetConfig['optimization'];
}

/** Why a user's fleet cannot run in the simulator, or undefined when it can. */
export function simulationRefusal(fleet: FleetConfig): string | undefined {
  return fleet.scaling.metricType === 'per-instance'
    ? undefined
    : `fleet ${fleet.name} scales on a total metric; the simulator models a per-instance utilisation metric in percent`;
}

/**
 * The warm pool the simulated fleet runs with: a user's fleet's own, else the run's size, its
 * members stopped as soon as they run (the simulated boot is their whole preparation).
 */
function warmPoolConfig(pool: SimWarmPool | undefined, user: FleetConfig | undefined): { warmPool?: unknown } {
  if (user?.warmPool !== undefined) return { warmPool: user.warmPool };
  return pool === undefined || pool.size === 0 ? {} : { warmPool: { size: pool.size, prepareSeconds: 0 } };
}

/**
 * The fleet config the simulator runs: a per-instance utilisation metric in percent at the
 * target under test, and either production defaults with a warm-up of boot plus one metric
 * period (an instance counts once a whole datapoint of it exists) and predictive scaling with
 * one unit serving 100%, or a user's fleet settings (capacity, scaling, failover, drain and
 * disruption budgets; one subnet and one instance type of one capacity unit, unless `--mix`
 * gives the fleet's types and mix).
 */
export function simFleetConfig(options: FleetwardSimOptions): FleetConfig {
  const periodSeconds = options.stepS < 60 ? 60 : Math.round(options.stepS / 60) * 60;
  const metric = { namespace: 'Simulated', name: 'Utilisation', statistic: 'Average', periodSeconds };
  const target = Math.round(options.target * 10_000) / 100;
  const user = options.fleet;
  if (user !== undefined) {
    const refusal = simulationRefusal(user);
    if (refusal !== undefined) throw new FleetwardError(refusal);
  }
  const config = validateConfig(
    {
      fleets: [
        {
          name: 'simulated',
          launchTemplate: { name: 'simulated' },
          subnets: [SIMULATED_SUBNET.subnetId],
          instanceTypes: options.instanceTypes ?? [{ type: 'sim.unit', unlisted: true }],
          ...(options.mix === undefined ? {} : { mix: { ...options.mix, prices: { ...options.mix.prices, source: 'aws' } } }),
          ...(options.optimization === undefined ? {} : { optimization: options.optimization }),
          capacity: user?.capacity ?? { min: options.minInstances, max: options.maxInstances },
          scaling:
            user === undefined
              ? {
                  metric,
                  metricType: 'per-instance',
                  target,
                  warmupSeconds: Math.round(options.bootS + options.stepS),
                  predictive: { unitCapacity: 100 },
                }
              : { ...user.scaling, metric, target, scaleOutAlarms: [] },
          ...(user === undefined ? {} : { failover: user.failover, drain: user.drain, ...(user.disruption === undefined ? {} : { disruption: user.disruption }) }),
          ...warmPoolConfig(options.warmPool, user),
        },
      ],
    },
    'simulated fleet',
  );
  const fleet = config.fleets[0];
  if (fleet === undefined) throw new ConfigError('simulated fleet', ['fleets: has no fleet']);
  return fleet;
}

export function createFleetwardPolicy(options: FleetwardSimOptions): ActingPolicy {
  const fleet = simFleetConfig(options);
  const changes: PolicyDecision[] = [];
  let metricReads = () => 0;
  return {
    name: 'fleetward',
    start(clock, initialInstances) {
      const startMs = options.warmPool === undefined ? {} : { startMs: options.warmPool.startS * 1000 };
      const world = simulatedFleetward(fleet, clock, { bootMs: options.bootS * 1000, ...startMs, stepMs: options.stepS * 1000, initialInstances });
      metricReads = world.metricReads;
      let desired = initialInstances;
      return {
        fleet: world.fleet,
        async step(observation: Observation) {
          const outcome = await world.step(observation);
          if (outcome.desiredCapacity !== desired) changes.push({ step: observation.step, desired: outcome.desiredCapacity, reason: outcome.reason });
          desired = outcome.desiredCapacity;
          return outcome.activity;
        },
      };
    },
    decisions: () => changes,
    metricReads: () => metricReads(),
  };
}
