/** A price the mix may use: one hourly price of a type (Linux, shared tenancy) and when it was fetched. */

export type PriceKind = 'on-demand' | 'spot';

/** Spot prices are per zone; on-demand ones are not. */
export interface PriceQuote {
  readonly kind: PriceKind;
  readonly type: string;
  readonly zone?: string;
  readonly perHour: number;
  readonly fetchedAtMs: number;
}

/** What one fetch answered for a type, kept together: an answer with no quote (no Spot offered) is remembered too. */
export interface FetchedPrices {
  readonly kind: PriceKind;
  readonly type: string;
  readonly fetchedAtMs: number;
  readonly quotes: readonly PriceQuote[];
}
