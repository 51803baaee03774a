/**
 * Which prices the mix uses: a cached quote while it is younger than its kind's maximum age,
 * otherwise a fresh one; when AWS could not be asked, the stale cached quote, then the shipped
 * table (on-demand only). Each chosen price says where it came from and how old it is.
 */
import type { FetchedPrices, PriceKind, PriceQuote } from './price-quote.ts';
import type { PriceTable } from './price-table.ts';

export interface PriceAges {
  readonly onDemandMaxAgeMs: number;
  readonly spotMaxAgeMs: number;
}

export interface ChosenPrice {
  readonly perHour: number;
  /** cache, aws (fetched this step), stale cache, or the shipped table with its date. */
  readonly source: string;
  readonly ageMs: number;
}

export interface TypePrices {
  readonly onDemand?: ChosenPrice;
  /** Spot prices by zone. */
  readonly spot: ReadonlyMap<string, ChosenPrice>;
}

const maxAge = (kind: PriceKind, ages: PriceAges) => (kind === 'spot' ? ages.spotMaxAgeMs : ages.onDemandMaxAgeMs);

/** The types whose quotes of this kind are missing or older than the kind allows: fetch these. */
export function staleTypes(kind: PriceKind, types: readonly string[], cached: readonly FetchedPrices[], nowMs: number, ages: PriceAges): string[] {
  return types.filter((type) => {
    const entry = cached.find((candidate) => candidate.kind === kind && candidate.type === type);
    return entry === undefined || nowMs - entry.fetchedAtMs > maxAge(kind, ages);
  });
}

export interface KnownQuotes {
  readonly cached: readonly PriceQuote[];
  /** Fetched from AWS this step: they replace the cached quotes of the same type (and zone). */
  readonly fetched: readonly PriceQuote[];
}

const quoteKey = (quote: PriceQuote) => `${quote.kind} ${quote.type} ${quote.zone ?? ''}`;

/**
 * The price of each type from the quotes known and the shipped table; a type with neither has
 * no on-demand price (the mix leaves it out), a zone without a Spot quote offers no Spot.
 */
export function choosePrices(types: readonly string[], known: KnownQuotes, table: PriceTable, nowMs: number, ages: PriceAges): Map<string, TypePrices> {
  const fetchedKeys = new Set(known.fetched.map(quoteKey));
  const newest = new Map([...known.cached, ...known.fetched].map((quote) => [quoteKey(quote), quote]));
  const describe = (quote: PriceQuote): ChosenPrice => {
    const ageMs = nowMs - quote.fetchedAtMs;
    const source = fetchedKeys.has(quoteKey(quote)) ? 'aws' : ageMs > maxAge(quote.kind, ages) ? 'stale cache' : 'cache';
    return { perHour: quote.perHour, source, ageMs };
  };
  return new Map(
    types.map((type) => {
      const onDemandQuote = newest.get(`on-demand ${type} `);
      const tablePrice = table.onDemand[type];
      const onDemand = onDemandQuote !== undefined ? describe(onDemandQuote) : tablePrice === undefined ? undefined : { perHour: tablePrice, source: `price table of ${table.date}`, ageMs: 0 };
      const spot = new Map([...newest.values()].filter((quote) => quote.kind === 'spot' && quote.type === type && quote.zone !== undefined).map((quote) => [quote.zone ?? '', describe(quote)]));
      return [type, onDemand === undefined ? { spot } : { onDemand, spot }];
    }),
  );
}
