/**
 * What instances cost, for estimated savings: on-demand prices a month (730 hours, as AWS prices
 * a month) from the step's prices, or the shipped price table when the step has none.
 */
import { SHIPPED_PRICES } from '../../mix/price-table.ts';
import type { Member } from '../../placement.ts';
import type { DisruptionContext } from './method.ts';

export const HOURS_PER_MONTH = 730;

export type HourlyPrices = Readonly<Record<string, number>>;

export const pricesOf = (context: Pick<DisruptionContext, 'hourlyPrices'>): HourlyPrices => context.hourlyPrices ?? SHIPPED_PRICES.onDemand;

/** US dollars a month one instance of this type costs on demand; undefined when its price is unknown. */
export function monthlyUsd(instanceType: string, prices: HourlyPrices): number | undefined {
  const hourly = prices[instanceType];
  return hourly === undefined || !Number.isFinite(hourly) || hourly < 0 ? undefined : hourly * HOURS_PER_MONTH;
}

export interface FleetCost {
  /** The fleet's monthly cost; absent when some type has no price. */
  readonly monthlyUsd?: number;
  /** The types without a price, sorted. */
  readonly unpriced: readonly string[];
}

/** What these instances cost together a month. */
export function fleetMonthlyCost(members: readonly Member[], prices: HourlyPrices): FleetCost {
  let total = 0;
  const unpriced = new Set<string>();
  for (const member of members) {
    const cost = monthlyUsd(member.instanceType, prices);
    if (cost === undefined) unpriced.add(member.instanceType);
    else total += cost;
  }
  return unpriced.size === 0 ? { monthlyUsd: total, unpriced: [] } : { unpriced: [...unpriced].sort() };
}

export const dollars = (usd: number) => `$${usd.toFixed(2)}`;
