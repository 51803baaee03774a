/**
 * Fixed prices for the mix's integration tests: moto's prices are stubs, so the table's price
 * cache gets on-demand and per-zone Spot quotes of one type, fetched "now" (the feed is never
 * asked while they are fresh).
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoPriceCache } from '../../functions/aws/state/price-cache-store.ts';
import { TableClient } from '../../functions/aws/state/table-client.ts';
import type { FleetHarness } from './harness.ts';

/** The type the fixtures price: $0.0336/h on demand, Spot from $0.011/h in the first zone, a tenth of a cent more in each next. */
export const PRICED_TYPE = 't4g.medium';

export async function cacheFixturePrices(fleet: FleetHarness): Promise<void> {
  const cache = new DynamoPriceCache(new TableClient({ client: DynamoDBDocumentClient.from(fleet.dynamodb), tableName: fleet.tableName }));
  const fetchedAtMs = fleet.clock.now();
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const spot = fleet.subnets.map((subnet, index) => ({ kind: 'spot' as const, type: PRICED_TYPE, zone: subnet.availabilityZone, perHour: 0.011 + index * 0.001, fetchedAtMs }));
  await cache.write(region, [
    { kind: 'on-demand', type: PRICED_TYPE, fetchedAtMs, quotes: [{ kind: 'on-demand', type: PRICED_TYPE, perHour: 0.0336, fetchedAtMs }] },
    { kind: 'spot', type: PRICED_TYPE, fetchedAtMs, quotes: spot },
  ]);
}
