/**
 * The simulator's cost in dollars: each policy's billed instance-hours priced at one instance
 * type's on-demand price from a price table (the shipped one unless `--prices` names another),
 * so the saving of one policy over another reads in money as well as in instance-hours.
 */
import * as z from 'zod';
import type { PriceTable } from '../functions/core/mix/price-table.ts';
import type { Comparison } from './compare.ts';

export const priceTableSchema = z.strictObject({
  source: z.string().min(1),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
  region: z.string().min(1),
  onDemand: z.record(z.string(), z.number().positive()),
  ebsGbMonth: z.number().positive().optional(),
  /** Spot prices by type, for `simulate --mix` (the simulated fleet runs in one zone); absent: no Spot is offered. */
  spot: z.record(z.string(), z.number().positive()).optional(),
});

/** A price table the simulator reads: the product's, with Spot prices when `--mix` is to offer Spot. */
export type SimPriceTable = z.output<typeof priceTableSchema>;

/** Hours in a month, as AWS prices a GB-month. */
const HOURS_PER_MONTH = 730;

/** The root volume a stopped warm pool member keeps, in GB (the simulator's assumption). */
export const POOL_VOLUME_GB = 8;

/**
 * What an hour stopped costs as a share of an hour running: the volumes (volumeGb at the table's
 * ebsGbMonth) over the type's on-demand price; undefined when the table lacks either.
 */
export function stoppedHourShare(table: PriceTable, instanceType: string, volumeGb = POOL_VOLUME_GB): number | undefined {
  const perHour = table.onDemand[instanceType];
  if (perHour === undefined || table.ebsGbMonth === undefined) return undefined;
  return (table.ebsGbMonth * volumeGb) / HOURS_PER_MONTH / perHour;
}

export interface PricedRow {
  readonly policy: string;
  readonly instanceHours: number;
  readonly usd: number;
}

export interface PricedComparison {
  readonly instanceType: string;
  readonly perHour: number;
  readonly prices: string;
  readonly rows: readonly PricedRow[];
}

/** The rows priced at the type's on-demand price; undefined when the table has no price for it. */
export function priceComparison(comparison: Pick<Comparison, 'rows'>, table: PriceTable, instanceType: string): PricedComparison | undefined {
  const perHour = table.onDemand[instanceType];
  if (perHour === undefined) return undefined;
  const rows = comparison.rows.map((row) => ({ policy: row.policy, instanceHours: row.metrics.instanceHours, usd: Math.round(row.metrics.instanceHours * perHour * 100) / 100 }));
  return { instanceType, perHour, prices: `${table.source}, ${table.region}, ${table.date}`, rows };
}

/** A heading, then one indented line per policy: "  fleetward  1234 inst-h  $118.46". */
export function formatCost(priced: PricedComparison): string {
  const width = Math.max(...priced.rows.map((row) => row.policy.length));
  const lines = priced.rows.map((row) => `  ${row.policy.padEnd(width)}  ${row.instanceHours.toFixed(0)} inst-h  $${row.usd.toFixed(2)}`);
  return [`cost at $${priced.perHour}/h for ${priced.instanceType} on-demand (prices: ${priced.prices}):`, ...lines].join('\n');
}
