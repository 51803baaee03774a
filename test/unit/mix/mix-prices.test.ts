// Prices for the mix: cached while young, fetched and cached when stale, and when AWS or the cache
// fails, the stale quote, then the shipped table, each failure in a note.
import { describe, expect, it } from 'vitest';
import { mixPrices, type PriceRequest } from '../../../functions/control/mix-prices.ts';
import type { PriceTable } from '../../../functions/core/mix/price-table.ts';
import { FixedPriceFeed, MemoryPriceCache } from '../../../functions/memory/prices.ts';
import type { PriceCache, PriceFeed } from '../../../functions/ports/prices.ts';
import { withFaults } from '../../fakes/faults.ts';

const HOUR = 3_600_000;
const TABLE: PriceTable = { source: 'fixture', date: '2026-01-02', region: 'us-east-1', onDemand: { 'm7g.large': 0.09, 'c7g.large': 0.08 } };
const FIXTURE = { onDemand: { 'm7g.large': 0.0816, 'c7g.large': 0.0725 }, spot: { 'm7g.large': { 'us-east-1a': 0.031, 'us-east-1b': 0.033 } } };
const request = (nowMs: number, changes: Partial<PriceRequest> = {}): PriceRequest => ({
  region: 'us-east-1',
  types: ['m7g.large', 'c7g.large'],
  nowMs,
  ages: { onDemandMaxAgeMs: 24 * HOUR, spotMaxAgeMs: HOUR },
  source: 'aws',
  ...changes,
});

function setup() {
  const feed = withFaults<PriceFeed>(new FixedPriceFeed(FIXTURE));
  const cache = withFaults<PriceCache>(new MemoryPriceCache());
  return { feed, cache, ports: { feed: feed.port, cache: cache.port } };
}

/** Each type's prices as plain data: on-demand, and Spot by zone. */
const plain = (prices: Awaited<ReturnType<typeof mixPrices>>['prices']) => Object.fromEntries([...prices].map(([type, p]) => [type, { onDemand: p.onDemand, spot: Object.fromEntries(p.spot) }]));

describe('mixPrices', () => {
  it('fetches what the cache lacks, caches it, and says it came from AWS', async () => {
    const { feed, ports } = setup();
    const first = await mixPrices(ports, request(0), TABLE);
    expect(plain(first.prices)).toEqual({
      'm7g.large': { onDemand: { perHour: 0.0816, source: 'aws', ageMs: 0 }, spot: { 'us-east-1a': { perHour: 0.031, source: 'aws', ageMs: 0 }, 'us-east-1b': { perHour: 0.033, source: 'aws', ageMs: 0 } } },
      'c7g.large': { onDemand: { perHour: 0.0725, source: 'aws', ageMs: 0 }, spot: {} },
    });
    expect(first.notes).toEqual([]);
    expect(feed.calls.map((call) => [call.method, call.args[1]])).toEqual([['onDemand', ['m7g.large', 'c7g.large']], ['spot', ['m7g.large', 'c7g.large']]]);
  });

  it('uses the cache while it is young, with its age, and fetches again only the kind that aged out', async () => {
    const { feed, ports } = setup();
    await mixPrices(ports, request(0), TABLE);
    feed.reset();
    const young = await mixPrices(ports, request(HOUR / 2), TABLE);
    expect(young.prices.get('m7g.large')?.onDemand).toEqual({ perHour: 0.0816, source: 'cache', ageMs: HOUR / 2 });
    expect(feed.calls).toEqual([]);
    const later = await mixPrices(ports, request(2 * HOUR), TABLE);
    expect(feed.calls.map((call) => call.method)).toEqual(['spot']);
    expect(later.prices.get('m7g.large')?.spot.get('us-east-1a')?.source).toBe('aws');
    expect(later.prices.get('m7g.large')?.onDemand?.source).toBe('cache');
  });

  it('falls back to the stale cache when AWS fails, and says so', async () => {
    const { feed, ports } = setup();
    await mixPrices(ports, request(0), TABLE);
    feed.failAfter(0, new Error('Rate exceeded'));
    const result = await mixPrices(ports, request(48 * HOUR), TABLE);
    expect(result.prices.get('m7g.large')?.onDemand).toEqual({ perHour: 0.0816, source: 'stale cache', ageMs: 48 * HOUR });
    expect(result.notes).toEqual([
      'on-demand prices of m7g.large, c7g.large not fetched (Rate exceeded): using the cache, then the price table',
      'spot prices of m7g.large, c7g.large not fetched (Rate exceeded): using the cache, then the price table',
    ]);
  });

  it('falls back to the shipped table, on-demand only, when neither AWS nor the cache has a price', async () => {
    const { feed, cache, ports } = setup();
    feed.failAfter(0, new Error('Pricing unreachable'));
    cache.failAfter(0, new Error('table throttled'), { method: 'read' });
    const result = await mixPrices(ports, request(0), TABLE);
    expect(plain(result.prices)).toEqual({
      'm7g.large': { onDemand: { perHour: 0.09, source: 'price table of 2026-01-02', ageMs: 0 }, spot: {} },
      'c7g.large': { onDemand: { perHour: 0.08, source: 'price table of 2026-01-02', ageMs: 0 }, spot: {} },
    });
    expect(result.notes[0]).toBe('on-demand price cache not read (table throttled)');
    expect(result.notes).toHaveLength(4);
  });

  it('uses prices it fetched even when caching them fails', async () => {
    const { cache, ports } = setup();
    cache.failAfter(0, new Error('ConditionalCheckFailed'), { method: 'write' });
    const result = await mixPrices(ports, request(0), TABLE);
    expect(result.prices.get('c7g.large')?.onDemand?.source).toBe('aws');
    expect(result.notes).toEqual(['on-demand prices fetched but not cached (ConditionalCheckFailed)', 'spot prices fetched but not cached (ConditionalCheckFailed)']);
  });

  it('asks nothing with the table as its source', async () => {
    const { feed, cache, ports } = setup();
    const result = await mixPrices(ports, request(0, { source: 'table' }), TABLE);
    expect(result.prices.get('m7g.large')?.onDemand?.source).toBe('price table of 2026-01-02');
    expect([...feed.calls, ...cache.calls]).toEqual([]);
  });
});
