/**
 * A time-to-live fleet against the emulator: after idle.afterMinutes of a zero reading it scales
 * to zero (below capacity.min), and the first load brings it back to capacity.min and above.
 */
import { describe, expect, it } from 'vitest';
import { FleetHarness, METRIC_NAMESPACE } from './harness.ts';

describe('an idle fleet', () => {
  it('scales to zero after its idle minutes without load, and comes back when load returns', async () => {
    const fleet = await FleetHarness.create({ capacity: { min: 2, max: 10 }, idle: { afterMinutes: 3 } }, 2);
    await fleet.step(0);
    expect(await fleet.instances()).toHaveLength(2);
    const counts: number[] = [];
    for (let step = 0; step < 6; step += 1) {
      await fleet.step(0);
      counts.push((await fleet.instances()).length);
    }
    expect(counts.slice(0, 2)).toEqual([2, 2]);
    expect(counts.at(-1)).toBe(0);
    const reasons = (await fleet.records().listDecisions(fleet.name, 10)).map((entry) => entry.decision.reason);
    expect(reasons.some((reason) => /^scale in 2 -> 0: .*; idle: no load for 3 min \(idle\.afterMinutes 3\) lowers min to 0$/.test(reason))).toBe(true);

    await fleet.step(45);
    expect(await fleet.instances()).toHaveLength(5);
    const [latest] = await fleet.records().listDecisions(fleet.name, 1);
    expect(latest?.decision.reason).toBe(`scale out 2 -> 5 (raised from 0 to capacity.min): Average ${METRIC_NAMESPACE}/${fleet.metricName} = 45 total at target 10 per unit recommends 5`);
  });
});
