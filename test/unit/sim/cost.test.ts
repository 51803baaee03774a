// The simulator's cost in dollars: billed instance-hours priced at one type's on-demand price.
import { describe, expect, it } from 'vitest';
import type { PriceTable } from '../../../functions/core/mix/price-table.ts';
import { formatCost, priceComparison, priceTableSchema } from '../../../sim/cost.ts';

const TABLE: PriceTable = { source: 'fixture', date: '2026-12-01', region: 'us-east-1', onDemand: { 'm7g.large': 0.0816 } };
const row = (policy: string, instanceHours: number) => ({ policy, metrics: { instanceHours } }) as never;

describe('priceComparison', () => {
  it('prices each policy at the type and prints dollars beside instance-hours', () => {
    const priced = priceComparison({ rows: [row('fleetward', 1000), row('target-tracking', 1250.4)] }, TABLE, 'm7g.large');
    expect(priced?.rows).toEqual([
      { policy: 'fleetward', instanceHours: 1000, usd: 81.6 },
      { policy: 'target-tracking', instanceHours: 1250.4, usd: 102.03 },
    ]);
    expect(formatCost(priced ?? (undefined as never))).toBe(
      ['cost at $0.0816/h for m7g.large on-demand (prices: fixture, us-east-1, 2026-12-01):', '  fleetward        1000 inst-h  $81.60', '  target-tracking  1250 inst-h  $102.03'].join('\n'),
    );
  });

  it('has no answer for a type the table does not price', () => {
    expect(priceComparison({ rows: [row('fleetward', 1)] }, TABLE, 'x9.huge')).toBeUndefined();
  });

  it('rejects a price file without a date, naming the field', () => {
    const parsed = priceTableSchema.safeParse({ ...TABLE, date: 'yesterday' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([['date', 'must be a date YYYY-MM-DD']]);
  });
});
