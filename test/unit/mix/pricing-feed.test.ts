// Reading a Price List product: the hourly on-demand USD price, and nothing for a product that does not read.
import { describe, expect, it } from 'vitest';
import { hourlyPrice } from '../../../functions/aws/pricing-feed.ts';

/** A GetProducts product as the Price List Query API returns it, trimmed to what is read. */
const product = (usd: string, unit = 'Hrs') =>
  JSON.stringify({
    product: { productFamily: 'Compute Instance', attributes: { instanceType: 'm7g.large', regionCode: 'us-east-1', operatingSystem: 'Linux' } },
    terms: { OnDemand: { 'ABC.JRTCKXETXF': { priceDimensions: { 'ABC.JRTCKXETXF.6YS6EN2CT7': { unit, pricePerUnit: { USD: usd }, description: '$0.0816 per On Demand Linux m7g.large Instance Hour' } } } } },
  });

describe('hourlyPrice', () => {
  it.each<[string, string, ReturnType<typeof hourlyPrice>]>([
    ['an hourly price', product('0.0816000000'), { type: 'm7g.large', perHour: 0.0816 }],
    ['a zero price (a reserved-capacity placeholder)', product('0.0000000000'), undefined],
    ['a price that is not a number', product('n/a'), undefined],
    ['a price per something else than hours', product('0.0816', 'Quantity'), undefined],
    ['a product without terms', JSON.stringify({ product: { attributes: { instanceType: 'm7g.large' } } }), undefined],
    ['text that is not JSON', '<!doctype html>', undefined],
  ])('%s', (_name, text, expected) => {
    expect(hourlyPrice(text)).toEqual(expected);
  });
});
