/**
 * fleetward's own policy on a fleet of several types and markets (`simulate --mix`): the product's
 * control step over the in-memory ports as in ./fleetward.ts, with the exact mix priced from the
 * price table (the simulated AWS's price feed) and solved by HiGHS, Spot instances interrupted at
 * a seeded rate (the warning reaches the product's failover as EC2's event would, and EC2
 * terminates the instance two minutes later), and every counted step billed by type and market.
 */
import type { MixPorts } from '../../functions/control/step-mix.ts';
import type { FleetConfig } from '../../functions/core/config.ts';
import type { InstanceSignal } from '../../functions/core/model.ts';
import { FixedPriceFeed, MemoryPriceCache } from '../../functions/memory/prices.ts';
import type { LinearSolver } from '../../functions/ports/solver.ts';
import type { SimPriceTable } from '../cost.ts';
import type { ActingPolicy, Observation, PolicyDecision } from '../engine.ts';
import { SIMULATED_SUBNET, simulatedFleetward, type SimulatedFleetward } from '../fleetward-world.ts';
import { SpotInterruptions } from '../interruptions.ts';
import { KindBill } from '../kind-bill.ts';

export interface MixedFleetwardOptions {
  /** The simulated fleet (./fleetward.ts simFleetConfig): its types, weights and mix section. */
  readonly fleet: FleetConfig;
  readonly table: SimPriceTable;
  readonly solver: () => Promise<LinearSolver>;
  readonly stepS: number;
  readonly bootS: number;
  /** Steps before the bill counts, as the metrics do. */
  readonly warmupSteps: number;
  readonly spotInterruptionsPerHour: number;
  readonly seed: number;
}

export interface MixedFleetward extends ActingPolicy {
  readonly bill: KindBill;
  /** Spot interruption warnings given after the warm-up (as the metrics count). */
  interruptions(): number;
}

/** The simulated AWS's prices: the table's on-demand prices, and its Spot prices in the simulated zone. */
function mixPorts(options: MixedFleetwardOptions): MixPorts {
  const spot = Object.fromEntries(Object.entries(options.table.spot ?? {}).map(([type, perHour]) => [type, { [SIMULATED_SUBNET.availabilityZone]: perHour }]));
  const feed = new FixedPriceFeed({ onDemand: options.table.onDemand, spot });
  return { prices: { feed, cache: new MemoryPriceCache() }, region: options.table.region, solver: options.solver };
}

/** EC2's side of interruptions this step: terminates the warned instances whose time is up, then warns running Spot ones. */
async function interrupt(world: SimulatedFleetward, fleet: string, interruptions: SpotInterruptions, nowMs: number): Promise<InstanceSignal[]> {
  if (!interruptions.active) return [];
  for (const instanceId of interruptions.due(nowMs)) if (world.compute.instance(instanceId) !== undefined) world.compute.fail(instanceId, 'terminated');
  const running = (await world.compute.describeFleetInstances(fleet)).filter((i) => i.market === 'spot' && i.state === 'running').map((i) => i.instanceId);
  return interruptions.warn(running, nowMs).map((instanceId) => ({ instanceId, kind: 'spot-interruption', detail: 'instance action terminate' }));
}

export function createMixedFleetwardPolicy(options: MixedFleetwardOptions): MixedFleetward {
  const { fleet } = options;
  const bill = new KindBill(options.table);
  const interruptions = new SpotInterruptions(options.spotInterruptionsPerHour, options.stepS, options.seed);
  const weights = new Map(fleet.instanceTypes.map((choice) => [choice.type, choice.weight]));
  const first = fleet.instanceTypes[0] ?? { type: 'sim.unit', weight: 1 };
  const changes: PolicyDecision[] = [];
  let interrupted = 0;
  return {
    name: 'fleetward',
    bill,
    interruptions: () => interrupted,
    decisions: () => changes,
    start(clock, initialUnits) {
      const initialInstances = Math.ceil(initialUnits / first.weight);
      const world = simulatedFleetward(fleet, clock, { bootMs: options.bootS * 1000, stepMs: options.stepS * 1000, initialInstances, initialType: first.type, weights, mix: mixPorts(options) });
      const charged = new Map<string, number>();
      let desired = initialUnits;
      return {
        fleet: world.fleet,
        async step(observation: Observation) {
          const signals = await interrupt(world, fleet.name, interruptions, observation.nowMs);
          const outcome = await world.step(observation, signals);
          if (outcome.desiredCapacity !== desired) changes.push({ step: observation.step, desired: outcome.desiredCapacity, reason: outcome.reason });
          desired = outcome.desiredCapacity;
          const kinds = world.compute.billingByKind();
          const counted = observation.step >= options.warmupSteps;
          if (counted) interrupted += signals.length;
          if (counted) bill.addStep(new Map(Array.from(kinds, ([kind, billed]) => [kind, billed.alive])), options.stepS);
          for (const [kind, billed] of kinds) {
            if (counted) bill.addMinimumCharge(kind, billed.minimumChargeSeconds - (charged.get(kind) ?? 0));
            charged.set(kind, billed.minimumChargeSeconds);
          }
          return outcome.activity;
        },
      };
    },
  };
}
