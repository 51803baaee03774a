/**
 * The price table shipped with fleetward (prices.json, dated): on-demand prices of common types
 * in one region, the fallback when the Price List API cannot be asked, and the simulator's
 * default. It has no Spot prices: without Spot price history the mix offers no Spot.
 */
import shipped from './prices.json' with { type: 'json' };

export interface PriceTable {
  readonly source: string;
  /** When the prices were taken (YYYY-MM-DD). */
  readonly date: string;
  readonly region: string;
  readonly onDemand: Readonly<Record<string, number>>;
  /** EBS gp3 storage, $ per GB-month: what a stopped instance (a warm pool member) costs, by its volumes. */
  readonly ebsGbMonth?: number;
}

export const SHIPPED_PRICES: PriceTable = shipped;
