/**
 * A fleet's mix problem: its allowed types in the zones of its subnets, priced by what the shell
 * chose this step (a type without an on-demand price is left out, said in a note), the capacity
 * errors it still remembers, the open capacity reservations of its types in its zones (used first:
 * they are paid already), and its mix policy.
 */
import type { InstanceTypeChoice } from '../model.ts';
import type { MixConfig } from './config.ts';
import { mixPolicy } from './config.ts';
import type { TypePrices } from './price-choice.ts';
import type { CapacityExclusion, MixOffer, MixProblem, OpenReservation } from './problem.ts';

export interface FleetMixInput {
  readonly mix: MixConfig;
  readonly instanceTypes: readonly InstanceTypeChoice[];
  readonly zones: readonly string[];
  readonly prices: ReadonlyMap<string, TypePrices>;
  readonly exclusions: readonly CapacityExclusion[];
  /** Open capacity reservations the shell read (none when it did not). */
  readonly reservations?: readonly OpenReservation[];
  readonly neededUnits: number;
  readonly nowMs: number;
}

export interface FleetMixProblem {
  readonly problem: MixProblem;
  readonly notes: readonly string[];
}

export function fleetMixProblem(input: FleetMixInput): FleetMixProblem {
  const notes: string[] = [];
  const offers: MixOffer[] = [];
  for (const choice of input.instanceTypes) {
    const prices = input.prices.get(choice.type);
    const onDemand = prices?.onDemand;
    if (onDemand === undefined) {
      notes.push(`the mix leaves out ${choice.type}: no on-demand price (not in the price feed, the cache or the price table)`);
      continue;
    }
    for (const zone of input.zones) {
      const spot = prices?.spot.get(zone);
      offers.push({ type: choice.type, zone, weight: choice.weight, onDemandPerHour: onDemand.perHour, ...(spot === undefined ? {} : { spotPerHour: spot.perHour }) });
    }
  }
  const exclusions = input.exclusions.filter((exclusion) => input.nowMs < exclusion.untilMs);
  const offered = new Set(offers.map((offer) => `${offer.type} ${offer.zone}`));
  const reservations = (input.reservations ?? []).filter((r) => r.available > 0 && offered.has(`${r.type} ${r.zone}`));
  const problem: MixProblem = { neededUnits: input.neededUnits, offers, exclusions, reservations, policy: mixPolicy(input.mix), nowMs: input.nowMs };
  return { problem, notes };
}
