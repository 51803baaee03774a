/**
 * Instance prices for the mix: a feed that asks AWS (the Price List Query API for on-demand, the
 * Spot price history for Spot) and a cache in the table that remembers each price with the time
 * it was fetched.
 */
import type { FetchedPrices, PriceKind, PriceQuote } from '../core/mix/price-quote.ts';

export type { FetchedPrices, PriceKind, PriceQuote };

export interface PriceFeed {
  /** On-demand prices of the types in the region; types AWS does not price are left out. */
  onDemand(region: string, types: readonly string[], nowMs: number): Promise<readonly PriceQuote[]>;
  /** The newest Spot price of each type in each zone of the region. */
  spot(region: string, types: readonly string[], nowMs: number): Promise<readonly PriceQuote[]>;
}

export interface PriceCache {
  /** What was last fetched for these types in the region, of one kind (types never fetched are left out). */
  read(kind: PriceKind, region: string, types: readonly string[]): Promise<readonly FetchedPrices[]>;
  /** Replaces what is cached for each entry's kind and type. */
  write(region: string, entries: readonly FetchedPrices[]): Promise<void>;
}
