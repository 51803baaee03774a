/**
 * The running fleet against its mix, cell by cell (type × zone × market): how many instances the
 * mix wants in each cell and how many run there, with each cell's hourly price. Reserved
 * allocations are on-demand launches (EC2 matches open reservations by itself); a running cell
 * the mix does not use wants none.
 */
import type { FeasibleMix, MixOffer } from './problem.ts';

export type LaunchMarket = 'on-demand' | 'spot';

export interface FleetCell {
  readonly type: string;
  readonly zone: string;
  readonly market: LaunchMarket;
  readonly weight: number;
  readonly wanted: number;
  readonly running: number;
  /** One instance's hourly price in this cell; undefined when no offer prices it. */
  readonly perHour: number | undefined;
}

export interface RunningInstance {
  readonly instanceType: string;
  readonly availabilityZone: string;
  readonly market?: 'spot';
  readonly units: number;
}

export const cellKey = (type: string, zone: string, market: LaunchMarket) => `${type} ${market} in ${zone}`;

export const marketOf = (instance: { readonly market?: 'spot' }): LaunchMarket => instance.market ?? 'on-demand';

/** An instance's hourly price in a cell, from the offers. */
export function offerPrice(offers: readonly MixOffer[], type: string, zone: string, market: LaunchMarket): number | undefined {
  const offer = offers.find((candidate) => candidate.type === type && candidate.zone === zone);
  return market === 'spot' ? offer?.spotPerHour : offer?.onDemandPerHour;
}

/** Every cell the mix wants or the fleet runs in, the mix's first (in its order), then the others as first met. */
export function fleetCells(mix: FeasibleMix, offers: readonly MixOffer[], running: readonly RunningInstance[]): FleetCell[] {
  const cells = new Map<string, { type: string; zone: string; market: LaunchMarket; weight: number; wanted: number; running: number }>();
  const cellOf = (type: string, zone: string, market: LaunchMarket, weight: number) => {
    const key = cellKey(type, zone, market);
    const cell = cells.get(key) ?? { type, zone, market, weight, wanted: 0, running: 0 };
    cells.set(key, cell);
    return cell;
  };
  for (const allocation of mix.allocations) {
    const market = allocation.market === 'spot' ? 'spot' : 'on-demand';
    cellOf(allocation.type, allocation.zone, market, allocation.units / allocation.count).wanted += allocation.count;
  }
  for (const instance of running) cellOf(instance.instanceType, instance.availabilityZone, marketOf(instance), instance.units).running += 1;
  return [...cells.values()].map((cell) => ({ ...cell, perHour: offerPrice(offers, cell.type, cell.zone, cell.market) }));
}
