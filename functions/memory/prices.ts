/**
 * Prices in memory: a price cache, and a feed that answers from fixed quotes (the simulator's and
 * the tests' prices: the emulator's are stubs), stamped with the time they are asked for.
 */
import type { FetchedPrices, PriceCache, PriceFeed, PriceKind, PriceQuote } from '../ports/prices.ts';

export class MemoryPriceCache implements PriceCache {
  private readonly entries = new Map<string, FetchedPrices>();

  async read(kind: PriceKind, region: string, types: readonly string[]): Promise<readonly FetchedPrices[]> {
    return types.flatMap((type) => this.entries.get(`${region} ${kind} ${type}`) ?? []);
  }

  async write(region: string, entries: readonly FetchedPrices[]): Promise<void> {
    for (const entry of entries) this.entries.set(`${region} ${entry.kind} ${entry.type}`, entry);
  }
}

/** Fixed prices: on-demand by type, Spot by type and zone. */
export interface FixedPrices {
  readonly onDemand: Readonly<Record<string, number>>;
  readonly spot: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export class FixedPriceFeed implements PriceFeed {
  constructor(private readonly prices: FixedPrices) {}

  async onDemand(_region: string, types: readonly string[], nowMs: number): Promise<readonly PriceQuote[]> {
    return types.flatMap((type) => {
      const perHour = this.prices.onDemand[type];
      return perHour === undefined ? [] : [{ kind: 'on-demand' as const, type, perHour, fetchedAtMs: nowMs }];
    });
  }

  async spot(_region: string, types: readonly string[], nowMs: number): Promise<readonly PriceQuote[]> {
    return types.flatMap((type) => Object.entries(this.prices.spot[type] ?? {}).map(([zone, perHour]) => ({ kind: 'spot' as const, type, zone, perHour, fetchedAtMs: nowMs })));
  }
}
