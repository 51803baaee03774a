// The simulator's bill by instance type and market: each kind's instances at its on-demand or Spot price from the price table.
import { describe, expect, it } from 'vitest';
import type { SimPriceTable } from '../../../sim/cost.ts';
import { priceTableSchema } from '../../../sim/cost.ts';
import { KindBill, kindPrice, parseKind } from '../../../sim/kind-bill.ts';

const TABLE: SimPriceTable = { source: 'fixture', date: '2026-12-01', region: 'us-east-1', onDemand: { 'm7g.large': 0.0816, 'm6g.xlarge': 0.154 }, spot: { 'm7g.large': 0.03 } };

describe('KindBill', () => {
  it('bills each kind alive in a step at its market price, and the minimum charged beyond short lives at the same price', () => {
    const bill = new KindBill(TABLE);
    // One hour of 60-second steps: 10 m7g.large on-demand, 4 m7g.large Spot, 2 m6g.xlarge on-demand.
    for (let step = 0; step < 60; step++) bill.addStep(new Map([['m7g.large on-demand', 10], ['m7g.large spot', 4], ['m6g.xlarge on-demand', 2]]), 60);
    bill.addMinimumCharge('m7g.large spot', 1800);
    bill.addMinimumCharge('m6g.xlarge on-demand', 0);
    expect(bill.rows()).toEqual([
      { type: 'm6g.xlarge', market: 'on-demand', perHour: 0.154, instanceHours: 2, usd: expect.closeTo(0.308, 12) },
      { type: 'm7g.large', market: 'on-demand', perHour: 0.0816, instanceHours: 10, usd: expect.closeTo(0.816, 12) },
      { type: 'm7g.large', market: 'spot', perHour: 0.03, instanceHours: 4.5, usd: expect.closeTo(0.135, 12) },
    ]);
    expect(bill.usd).toBeCloseTo(1.259, 12);
  });

  it('refuses to bill a kind the table has no price for, naming the market and the type', () => {
    const bill = new KindBill(TABLE);
    expect(() => bill.addStep(new Map([['m6g.xlarge spot', 1]]), 60)).toThrow('the price table (fixture, 2026-12-01) has no spot price for m6g.xlarge');
    expect(() => new KindBill({ ...TABLE, spot: undefined } as never).addMinimumCharge('m7g.large spot', 5)).toThrow('has no spot price for m7g.large');
    expect(bill.rows()).toEqual([]);
  });

  it('reads kinds and prices as the in-memory EC2 writes them', () => {
    expect([parseKind('m7g.large spot'), parseKind('c7g.large on-demand')]).toEqual([
      { type: 'm7g.large', market: 'spot' },
      { type: 'c7g.large', market: 'on-demand' },
    ]);
    expect([kindPrice(TABLE, 'm7g.large', 'spot'), kindPrice(TABLE, 'm7g.large', 'on-demand'), kindPrice(TABLE, 'm6g.xlarge', 'spot')]).toEqual([0.03, 0.0816, undefined]);
  });

  it('accepts a price table with Spot prices, and rejects a Spot price that is not positive, naming it', () => {
    expect(priceTableSchema.parse(TABLE).spot).toEqual({ 'm7g.large': 0.03 });
    const parsed = priceTableSchema.safeParse({ ...TABLE, spot: { 'm7g.large': 0 } });
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['spot.m7g.large']);
  });
});
