/**
 * The simulator's bill by instance type and market: every counted step bills each kind's alive
 * instances for the step at the kind's hourly price in the price table (on-demand, or the type's
 * Spot price), and the 60-second minimum of short-lived instances at the same price, so that a
 * mixed fleet's cost reads in dollars beside its instance-hours.
 */
import { FleetwardError } from '../functions/core/errors.ts';
import type { SimPriceTable } from './cost.ts';

export type Market = 'on-demand' | 'spot';

export interface KindCost {
  readonly type: string;
  readonly market: Market;
  readonly perHour: number;
  readonly instanceHours: number;
  readonly usd: number;
}

/** A kind is written "m7g.large spot" or "m7g.large on-demand", as the in-memory EC2 counts them. */
export function parseKind(kind: string): { readonly type: string; readonly market: Market } {
  const [type = '', market] = kind.split(' ');
  return { type, market: market === 'spot' ? 'spot' : 'on-demand' };
}

/** The hourly price of a type in a market, or undefined when the table has none. */
export function kindPrice(table: SimPriceTable, type: string, market: Market): number | undefined {
  return market === 'spot' ? table.spot?.[type] : table.onDemand[type];
}

export class KindBill {
  private readonly seconds = new Map<string, number>();

  constructor(private readonly table: SimPriceTable) {}

  /** One counted step of `stepS` seconds with these instances alive, by kind. */
  addStep(alive: ReadonlyMap<string, number>, stepS: number): void {
    for (const [kind, count] of alive) if (count > 0) this.add(kind, count * stepS);
  }

  /** Seconds of a kind billed beyond instances' lifetimes by the billing minimum. */
  addMinimumCharge(kind: string, seconds: number): void {
    if (seconds > 0) this.add(kind, seconds);
  }

  /** Each kind billed, by name: its price, instance-hours and dollars. */
  rows(): KindCost[] {
    return [...this.seconds]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, seconds]) => {
        const { type, market } = parseKind(kind);
        const perHour = this.priceOf(type, market);
        return { type, market, perHour, instanceHours: seconds / 3600, usd: (seconds / 3600) * perHour };
      });
  }

  get usd(): number {
    return this.rows().reduce((sum, row) => sum + row.usd, 0);
  }

  private add(kind: string, seconds: number): void {
    const { type, market } = parseKind(kind);
    this.priceOf(type, market);
    this.seconds.set(kind, (this.seconds.get(kind) ?? 0) + seconds);
  }

  private priceOf(type: string, market: Market): number {
    const perHour = kindPrice(this.table, type, market);
    if (perHour === undefined) throw new FleetwardError(`the price table (${this.table.source}, ${this.table.date}) has no ${market} price for ${type}`);
    return perHour;
  }
}
