// The mix's price adapters against moto: the DynamoDB cache round-trips what a fetch answered;
// moto's Spot price history is a stub (one price per zone) and it has no Price List API (HTTP 500, "Unable to find appropriate backend for pricing"),
// so the on-demand price falls back to the shipped table with a note (real prices: fixtures).
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { PricingClient } from '@aws-sdk/client-pricing';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expect, it } from 'vitest';
import { AwsPriceFeed } from '../../functions/aws/pricing-feed.ts';
import { DynamoPriceCache } from '../../functions/aws/state/price-cache-store.ts';
import { TableClient } from '../../functions/aws/state/table-client.ts';
import { mixPrices } from '../../functions/control/mix-prices.ts';
import { createFleetwardTable } from '../../dev/fixtures.ts';
import { requires } from './capabilities.ts';

const dynamodb = new DynamoDBClient({});
const documents = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
const feed = new AwsPriceFeed(new PricingClient({ region: 'us-east-1' }), new EC2Client({}));

async function freshCache() {
  const tableName = `fleetward-prices-${randomUUID().slice(0, 8)}`;
  await createFleetwardTable(dynamodb, tableName);
  return new DynamoPriceCache(new TableClient({ client: documents, tableName }));
}

it('caches what a fetch answered, per type, an empty Spot answer included, and replaces it when fetched again', async () => {
  const cache = await freshCache();
  const spot = (perHour: number, fetchedAtMs: number) => ({ kind: 'spot' as const, type: 'm7g.large', zone: 'us-east-1a', perHour, fetchedAtMs });
  await cache.write('us-east-1', [
    { kind: 'on-demand', type: 'm7g.large', fetchedAtMs: 1_000, quotes: [{ kind: 'on-demand', type: 'm7g.large', perHour: 0.0816, fetchedAtMs: 1_000 }] },
    { kind: 'spot', type: 'm7g.large', fetchedAtMs: 1_000, quotes: [spot(0.031, 1_000)] },
    { kind: 'spot', type: 'c7g.large', fetchedAtMs: 1_000, quotes: [] },
  ]);
  expect(await cache.read('spot', 'us-east-1', ['m7g.large', 'c7g.large'])).toEqual([
    { kind: 'spot', type: 'c7g.large', fetchedAtMs: 1_000, quotes: [] },
    { kind: 'spot', type: 'm7g.large', fetchedAtMs: 1_000, quotes: [spot(0.031, 1_000)] },
  ]);
  expect(await cache.read('on-demand', 'eu-west-1', ['m7g.large'])).toEqual([]);
  await cache.write('us-east-1', [{ kind: 'spot', type: 'm7g.large', fetchedAtMs: 5_000, quotes: [spot(0.029, 5_000)] }]);
  expect(await cache.read('spot', 'us-east-1', ['m7g.large'])).toEqual([{ kind: 'spot', type: 'm7g.large', fetchedAtMs: 5_000, quotes: [spot(0.029, 5_000)] }]);
});

it('reads the Spot price history: moto answers one stub price per zone', async () => {
  const quotes = await feed.spot('us-east-1', ['m7g.large'], 1_000);
  expect(quotes.length).toBeGreaterThan(0);
  for (const quote of quotes) expect(quote).toEqual({ kind: 'spot', type: 'm7g.large', zone: expect.stringMatching(/^us-east-1[a-f]$/), perHour: 0.00001, fetchedAtMs: 1_000 });
});

it('falls back to the shipped table when the Price List API fails (moto has no Pricing backend: HTTP 500), and caches the Spot answer', async () => {
  requires('moto pricing answer');
  const cache = await freshCache();
  const request = { region: 'us-east-1', types: ['m7g.large'], nowMs: 1_000, ages: { onDemandMaxAgeMs: 86_400_000, spotMaxAgeMs: 3_600_000 }, source: 'aws' as const };
  const result = await mixPrices({ feed, cache }, request);
  expect(result.prices.get('m7g.large')?.onDemand).toEqual({ perHour: 0.0816, source: 'price table of 2026-12-01', ageMs: 0 });
  expect(result.notes).toHaveLength(1);
  expect(result.notes[0]).toMatch(/^on-demand prices of m7g\.large not fetched \(HTTP 500: .{1,120}\): using the cache, then the price table$/);
  expect((await cache.read('spot', 'us-east-1', ['m7g.large']))[0]?.fetchedAtMs).toBe(1_000);
});
