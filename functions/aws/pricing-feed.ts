/**
 * The PriceFeed port on AWS: on-demand prices from the Price List Query API (GetProducts: Linux,
 * shared tenancy, no pre-installed software, one product per type), Spot prices from
 * DescribeSpotPriceHistory (the newest per type and zone). Answers are validated: a product
 * whose price does not read is left out, not guessed.
 */
import { type EC2Client, paginateDescribeSpotPriceHistory } from '@aws-sdk/client-ec2';
import { type PricingClient, paginateGetProducts } from '@aws-sdk/client-pricing';
import * as z from 'zod';
import type { PriceFeed, PriceQuote } from '../ports/prices.ts';

/** The part of a Price List product that holds the hourly on-demand price. */
const productSchema = z.object({
  product: z.object({ attributes: z.object({ instanceType: z.string() }) }),
  terms: z.object({
    OnDemand: z.record(z.string(), z.object({ priceDimensions: z.record(z.string(), z.object({ unit: z.string(), pricePerUnit: z.object({ USD: z.string() }) })) })),
  }),
});

const TERM_MATCH = (Field: string, Value: string) => ({ Type: 'TERM_MATCH' as const, Field, Value });

/** The hourly USD price in a product's JSON text; undefined when it does not read. */
export function hourlyPrice(productJson: string): { type: string; perHour: number } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(productJson);
  } catch {
    return undefined;
  }
  const product = productSchema.safeParse(parsed);
  if (!product.success) return undefined;
  const dimensions = Object.values(product.data.terms.OnDemand).flatMap((term) => Object.values(term.priceDimensions));
  const hourly = dimensions.find((dimension) => dimension.unit === 'Hrs');
  const perHour = Number(hourly?.pricePerUnit.USD);
  return hourly === undefined || !Number.isFinite(perHour) || perHour <= 0 ? undefined : { type: product.data.product.attributes.instanceType, perHour };
}

export class AwsPriceFeed implements PriceFeed {
  /** `pricing`: a client in a region that serves the Price List API (us-east-1, eu-central-1 or ap-south-1). */
  constructor(
    private readonly pricing: PricingClient,
    private readonly ec2: EC2Client,
  ) {}

  async onDemand(region: string, types: readonly string[], nowMs: number): Promise<readonly PriceQuote[]> {
    const quotes: PriceQuote[] = [];
    for (const type of types) {
      const Filters = [
        TERM_MATCH('instanceType', type),
        TERM_MATCH('regionCode', region),
        TERM_MATCH('operatingSystem', 'Linux'),
        TERM_MATCH('tenancy', 'Shared'),
        TERM_MATCH('preInstalledSw', 'NA'),
        TERM_MATCH('capacitystatus', 'Used'),
      ];
      for await (const page of paginateGetProducts({ client: this.pricing }, { ServiceCode: 'AmazonEC2', Filters })) {
        const products: readonly unknown[] = Array.isArray(page.PriceList) ? page.PriceList : [];
        const price = products.map((text) => hourlyPrice(String(text))).find((found) => found?.type === type);
        if (price === undefined) continue;
        quotes.push({ kind: 'on-demand', type, perHour: price.perHour, fetchedAtMs: nowMs });
        break;
      }
    }
    return quotes;
  }

  async spot(_region: string, types: readonly string[], nowMs: number): Promise<readonly PriceQuote[]> {
    const newest = new Map<string, { quote: PriceQuote; atMs: number }>();
    const input = { InstanceTypes: [...types] as never[], ProductDescriptions: ['Linux/UNIX'], StartTime: new Date(nowMs) };
    for await (const page of paginateDescribeSpotPriceHistory({ client: this.ec2 }, input)) {
      for (const entry of page.SpotPriceHistory ?? []) {
        const perHour = Number(entry.SpotPrice);
        const { InstanceType: type, AvailabilityZone: zone } = entry;
        if (type === undefined || zone === undefined || !Number.isFinite(perHour) || perHour <= 0) continue;
        const atMs = entry.Timestamp?.getTime() ?? 0;
        const key = `${type} ${zone}`;
        if ((newest.get(key)?.atMs ?? -Infinity) < atMs) newest.set(key, { quote: { kind: 'spot', type, zone, perHour, fetchedAtMs: nowMs }, atMs });
      }
    }
    return [...newest.values()].map((entry) => entry.quote);
  }
}
