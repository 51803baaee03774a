/**
 * The prices a fleet's mix uses this step: the cached ones still young enough, the stale or
 * missing ones fetched from AWS and cached, and when AWS or the cache fails, what is left (a
 * stale quote, then the shipped table), each failure said in a note instead of thrown.
 */
import { SHIPPED_PRICES, type PriceTable } from '../core/mix/price-table.ts';
import { choosePrices, staleTypes, type PriceAges, type TypePrices } from '../core/mix/price-choice.ts';
import type { FetchedPrices, PriceKind, PriceQuote } from '../core/mix/price-quote.ts';
import type { PriceCache, PriceFeed } from '../ports/prices.ts';

export interface PricePorts {
  readonly feed: PriceFeed;
  readonly cache: PriceCache;
}

export interface PriceRequest {
  readonly region: string;
  readonly types: readonly string[];
  readonly nowMs: number;
  readonly ages: PriceAges;
  /** aws: feed and cache; table: only the shipped table. */
  readonly source: 'aws' | 'table';
}

export interface MixPrices {
  readonly prices: ReadonlyMap<string, TypePrices>;
  readonly notes: readonly string[];
}

/** An error in one short line: an HTML error page the SDK failed to read is not a note. */
function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n')[0] ?? '';
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode ?? (error as { $response?: { statusCode?: number } } | undefined)?.$response?.statusCode;
  const brief = line.length > 120 ? `${line.slice(0, 117)}...` : line;
  return status === undefined ? brief : `HTTP ${status}: ${brief}`;
}

async function refresh(ports: PricePorts, request: PriceRequest, kind: PriceKind, cached: readonly FetchedPrices[], notes: string[]): Promise<readonly PriceQuote[]> {
  const stale = staleTypes(kind, request.types, cached, request.nowMs, request.ages);
  if (stale.length === 0) return [];
  let fetched: readonly PriceQuote[];
  try {
    fetched = kind === 'spot' ? await ports.feed.spot(request.region, stale, request.nowMs) : await ports.feed.onDemand(request.region, stale, request.nowMs);
  } catch (error) {
    notes.push(`${kind} prices of ${stale.join(', ')} not fetched (${messageOf(error)}): using the cache, then the price table`);
    return [];
  }
  try {
    await ports.cache.write(request.region, stale.map((type) => ({ kind, type, fetchedAtMs: request.nowMs, quotes: fetched.filter((quote) => quote.type === type) })));
  } catch (error) {
    notes.push(`${kind} prices fetched but not cached (${messageOf(error)})`);
  }
  return fetched;
}

async function readCache(ports: PricePorts, request: PriceRequest, kind: PriceKind, notes: string[]): Promise<readonly FetchedPrices[]> {
  try {
    return await ports.cache.read(kind, request.region, request.types);
  } catch (error) {
    notes.push(`${kind} price cache not read (${messageOf(error)})`);
    return [];
  }
}

export async function mixPrices(ports: PricePorts, request: PriceRequest, table: PriceTable = SHIPPED_PRICES): Promise<MixPrices> {
  if (request.source === 'table') return { prices: choosePrices(request.types, { cached: [], fetched: [] }, table, request.nowMs, request.ages), notes: [] };
  const notes: string[] = [];
  const cached = [...(await readCache(ports, request, 'on-demand', notes)), ...(await readCache(ports, request, 'spot', notes))];
  const fetched = [...(await refresh(ports, request, 'on-demand', cached, notes)), ...(await refresh(ports, request, 'spot', cached, notes))];
  const cachedQuotes = cached.flatMap((entry) => entry.quotes);
  return { prices: choosePrices(request.types, { cached: cachedQuotes, fetched }, table, request.nowMs, request.ages), notes };
}
