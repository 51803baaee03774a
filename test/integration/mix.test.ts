/**
 * The exact mix through the real handler and adapters on moto: an on-demand fleet is moved to a
 * cheaper Spot mix by the mix drift method, within a budget of one at a time, replacement first,
 * with no dip in the instances in service at any step. moto's prices are stubs, so the table's
 * price cache holds fixed fixtures, fetched "now" (the feed is never asked while they are fresh).
 */
import { describe, expect, it } from 'vitest';
import { optimizationConfigSchema } from '../../functions/core/optimization-config.ts';
import { mixConfigSchema } from '../../functions/core/mix/config.ts';
import { PRICED_TYPE, cacheFixturePrices } from './fixture-prices.ts';
import { FleetHarness } from './harness.ts';

const TYPE = PRICED_TYPE;

describe('an on-demand fleet moving to a cheaper mix', () => {
  it('replaces one instance at a time with Spot, replacement first, never below desired in service', async () => {
    const fleet = await FleetHarness.create({ instanceTypes: [{ type: TYPE, weight: 1 }] }, 2);
    await fleet.step(30);
    const onDemand = await fleet.instances();
    expect(onDemand.map((i) => i.InstanceLifecycle ?? 'on-demand')).toEqual(['on-demand', 'on-demand', 'on-demand']);

    await cacheFixturePrices(fleet);
    fleet.configure({ instanceTypes: [{ type: TYPE, weight: 1 }], mix: mixConfigSchema.parse({ maxSpotShare: 1 }), optimization: optimizationConfigSchema.parse({ mode: 'act' }), disruption: { budgets: [{ max: 1 }] } });
    const inService: number[] = [];
    const draining: number[] = [];
    for (let step = 0; step < 14; step++) {
      const result = await fleet.step(30);
      expect(result.fleets[0]?.outcome).toBe('done');
      const records = await fleet.records().listInstances(fleet.name);
      const running = new Set((await fleet.instances((i) => i.State?.Name === 'running')).map((i) => i.InstanceId));
      inService.push(records.filter((r) => r.lifecycle === 'in-service' && running.has(r.instanceId)).length);
      draining.push(records.filter((r) => r.lifecycle === 'draining').length);
    }
    expect(Math.min(...inService)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...draining)).toBeLessThanOrEqual(1);
    const final = await fleet.instances();
    expect(final.map((i) => i.InstanceLifecycle)).toEqual(['spot', 'spot', 'spot']);
    const moves = (await fleet.records().listDecisions(fleet.name, 30)).flatMap((entry) => entry.actions.filter((a) => a.reason.includes(' -> ')).map((a) => a.reason));
    expect(moves.length).toBeGreaterThanOrEqual(3);
    expect(moves[0]).toMatch(/^t4g\.medium on-demand in \S+ -> t4g\.medium spot \(the mix wants .*; estimated saving \$\d+\.\d\d\/month/);
  });
});
