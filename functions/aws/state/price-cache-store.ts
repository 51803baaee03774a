/**
 * The PriceCache port on DynamoDB: one item per region, kind and type (table-keys priceItem),
 * replaced whole when fetched again and expiring PRICE_RETENTION_DAYS after, so prices of types
 * no fleet uses any more leave the table. A write is idempotent: the same fetch writes the same items.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FetchedPrices, PriceCache, PriceKind } from '../../ports/prices.ts';
import { TTL_ATTRIBUTE, priceItem } from '../table-keys.ts';
import type { TableClient } from './table-client.ts';

/** Days a cached price stays in the table after it was fetched. */
export const PRICE_RETENTION_DAYS = 30;

export class DynamoPriceCache implements PriceCache {
  constructor(private readonly table: TableClient) {}

  async read(kind: PriceKind, region: string, types: readonly string[]): Promise<readonly FetchedPrices[]> {
    const { pk, skPrefix } = priceItem.prefix(region, kind);
    const wanted = new Set(types);
    const items = await this.table.queryPrefix(pk, skPrefix);
    return items
      .map((item) => this.table.decode(priceItem.schema, item, `price ${String(item.sk)} in ${region}`))
      .filter((entry) => wanted.has(entry.type))
      .map((entry) => ({ ...entry, quotes: entry.quotes.map((quote) => ({ ...quote, kind: entry.kind, type: entry.type, fetchedAtMs: entry.fetchedAtMs })) }));
  }

  async write(region: string, entries: readonly FetchedPrices[]): Promise<void> {
    for (const entry of entries) {
      const quotes = entry.quotes.map((quote) => (quote.zone === undefined ? { perHour: quote.perHour } : { zone: quote.zone, perHour: quote.perHour }));
      const item = {
        ...priceItem.key(region, entry.kind, entry.type),
        kind: entry.kind,
        type: entry.type,
        fetchedAtMs: entry.fetchedAtMs,
        quotes,
        [TTL_ATTRIBUTE]: Math.floor(entry.fetchedAtMs / 1000) + PRICE_RETENTION_DAYS * 86_400,
      };
      await this.table.client.send(new PutCommand({ TableName: this.table.name, Item: item }));
    }
  }
}
