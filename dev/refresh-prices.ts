/**
 * `npm run refresh:prices`: writes functions/core/mix/prices.json again, the same types, with
 * on-demand prices from the Price List Query API for the region of the shipped table (or
 * FLEETWARD_PRICE_REGION), dated today. A type AWS does not price keeps no entry.
 */
import { writeFileSync } from 'node:fs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { PricingClient } from '@aws-sdk/client-pricing';
import { AwsPriceFeed } from '../functions/aws/pricing-feed.ts';
import { SHIPPED_PRICES } from '../functions/core/mix/price-table.ts';

const FILE = new URL('../functions/core/mix/prices.json', import.meta.url);
const region = process.env.FLEETWARD_PRICE_REGION ?? SHIPPED_PRICES.region;
const feed = new AwsPriceFeed(new PricingClient({ region: 'us-east-1' }), new EC2Client({ region }));
const quotes = await feed.onDemand(region, Object.keys(SHIPPED_PRICES.onDemand), Date.now());
const onDemand = Object.fromEntries(quotes.map((quote) => [quote.type, quote.perHour]));
const table = { source: `AWS Price List Query API (GetProducts), ${region}, Linux, shared tenancy`, date: new Date().toISOString().slice(0, 10), region, ...(SHIPPED_PRICES.ebsGbMonth === undefined ? {} : { ebsGbMonth: SHIPPED_PRICES.ebsGbMonth }), onDemand };
writeFileSync(FILE, `${JSON.stringify(table, null, 1)}\n`);
console.log(`wrote ${quotes.length} on-demand prices in ${region} to ${FILE.pathname}`);
