/**
 * The shell's half of the exact mix: for a fleet with a mix section, this step's prices (cache,
 * feed, then the shipped table), its open capacity reservations, the solver, and the decision
 * solved for the capacity the fleet needs, without the cells this step's Spot interruption warnings
 * and rightsizing verdicts leave out (core/mix/step-exclusions.ts). The core decides its desired capacity first, so the mix is solved for the last desired
 * capacity, and solved again (and the step decided again) only when the new one differs: the
 * mix never changes the desired capacity, so the second decision is the final one.
 */
import type { FleetConfig } from '../core/config.ts';
import type { MixConfig } from '../core/mix/config.ts';
import type { OpenReservation } from '../core/mix/problem.ts';
import type { ComputePort } from '../ports/index.ts';
import { mergeExclusions, newExclusions } from '../core/mix/exclusions.ts';
import { fleetMixProblem } from '../core/mix/fleet-problem.ts';
import { keepRunning, stepExclusions } from '../core/mix/step-exclusions.ts';
import type { MixView } from '../core/mix/view.ts';
import { type StepDecision, type StepInput, decideStep } from '../core/step/index.ts';
import type { LinearSolver } from '../ports/solver.ts';
import { errorMessage } from './journal.ts';
import { type PricePorts, mixPrices } from './mix-prices.ts';
import { solveMix } from './solve-mix.ts';

/** What the mix needs from the shell: prices and a solver (loaded once, on first use). */
export interface MixPorts {
  readonly prices: PricePorts;
  readonly region: string;
  readonly solver: () => Promise<LinearSolver>;
}

/** Reads the open capacity reservations of the fleet's types (the step's ComputePort). */
export type ReservationReader = Pick<ComputePort, 'describeOpenCapacityReservations'>;

interface ReadReservations {
  readonly reservations: readonly OpenReservation[];
  readonly notes: readonly string[];
}

/** The fleet's open reservations, or none with a note saying why: a failed read never stops the step. */
async function readReservations(reader: ReservationReader | undefined, fleet: FleetConfig & { mix: MixConfig }, zones: readonly string[]): Promise<ReadReservations> {
  if (reader === undefined || !fleet.mix.useReservations) return { reservations: [], notes: [] };
  const query = { instanceTypes: fleet.instanceTypes.map((t) => t.type), zones, ...fleet.mix.reservations };
  try {
    const reservations = await reader.describeOpenCapacityReservations(query);
    const held = reservations.map((r) => `${r.available} x ${r.type} in ${r.zone}`);
    return { reservations, notes: held.length === 0 ? [] : [`open capacity reservations (used first, already paid): ${held.join(', ')}`] };
  } catch (error) {
    return { reservations: [], notes: [`open capacity reservations not read (${errorMessage(error)}): the mix is solved without them`] };
  }
}

/**
 * Seconds each of a solve's programs may take in a step (the MIP, its relaxation, one per family
 * left out: six at most, twice when the desired capacity changes): at most 12 s of a step's 60.
 * A stopped solve still answers with its best mix and its gap.
 */
export const STEP_MIX_TIME_LIMIT_SECONDS = 1;

type Solve = (neededUnits: number) => MixView;

async function mixSolverFor(ports: MixPorts, fleet: FleetConfig & { mix: MixConfig }, input: StepInput, reader: ReservationReader | undefined): Promise<Solve> {
  const { mix } = fleet;
  const ages = { onDemandMaxAgeMs: mix.prices.onDemandMaxAgeHours * 3_600_000, spotMaxAgeMs: mix.prices.spotMaxAgeMinutes * 60_000 };
  const types = fleet.instanceTypes.map((choice) => choice.type);
  const zones = [...new Set(input.subnets.map((subnet) => subnet.availabilityZone))];
  const [prices, solver, reserved] = await Promise.all([
    mixPrices(ports.prices, { region: ports.region, types, nowMs: input.nowMs, ages, source: mix.prices.source }),
    ports.solver(),
    readReservations(reader, fleet, zones),
  ]);
  const learned = stepExclusions(input);
  const kept = input.status?.mixExclusions ?? [];
  const exclusions = keepRunning(mergeExclusions(kept, newExclusions(kept, learned.exclusions, input.nowMs), input.nowMs), input);
  return (neededUnits) => {
    const built = fleetMixProblem({ mix, instanceTypes: fleet.instanceTypes, zones, prices: prices.prices, exclusions, reservations: reserved.reservations, neededUnits, nowMs: input.nowMs });
    const decision = solveMix(built.problem, solver, STEP_MIX_TIME_LIMIT_SECONDS);
    return { decision, offers: built.problem.offers, exclusions: built.problem.exclusions, notes: [...prices.notes, ...reserved.notes, ...learned.notes, ...built.notes] };
  };
}

const unsolved = (why: string): MixView => ({ decision: { feasible: false, reason: `mix not solved: ${why}` }, offers: [], exclusions: [], notes: [] });

/** The ports with a price cache that is read and never written (a plan writes nothing). */
const readOnly = (ports: MixPorts): MixPorts => ({ ...ports, prices: { ...ports.prices, cache: { read: (...args) => ports.prices.cache.read(...args), write: async () => undefined } } });

/** The step's decision, with the fleet's mix when it has a mix section; prices fetched are cached only with `cachePrices`; reservations are read through `reservations` when given. */
export async function decideWithMix(ports: MixPorts | undefined, input: StepInput, cachePrices = true, reservations?: ReservationReader): Promise<StepDecision> {
  const { fleet } = input;
  if (fleet.mix === undefined) return decideStep(input);
  if (ports === undefined) return decideStep({ ...input, mix: unsolved('this deployment has no prices or solver for it') });
  let solve: Solve;
  try {
    solve = await mixSolverFor(cachePrices ? ports : readOnly(ports), { ...fleet, mix: fleet.mix }, input, reservations);
  } catch (error) {
    return decideStep({ ...input, mix: unsolved(errorMessage(error)) });
  }
  const lastDesired = input.status?.desiredCapacity ?? fleet.capacity.initial ?? fleet.capacity.min;
  const first = decideStep({ ...input, mix: solve(lastDesired) });
  if (first.desiredCapacity === lastDesired) return first;
  return decideStep({ ...input, mix: solve(first.desiredCapacity) });
}
