/**
 * Expiry against the emulator: a fleet of four whose instances pass lifetime.maxHours is
 * replaced one at a time (lifetime.maxReplacing 1), oldest first, replacement first, so no fewer
 * than four instances run at any step, and each drain's reason in the decision log gives the age.
 */
import { describe, expect, it } from 'vitest';
import { FleetHarness } from './harness.ts';

describe('maximum instance lifetime', () => {
  it('replaces every expired instance one at a time, replacement first, and never runs fewer than desired', async () => {
    const fleet = await FleetHarness.create({ capacity: { min: 0, max: 10 } }, 2);
    await fleet.step(40);
    const originals = (await fleet.instances()).map((i) => i.InstanceId ?? '');
    expect(originals).toHaveLength(4);
    fleet.configure({ capacity: { min: 0, max: 10 }, lifetime: { maxHours: 2, maxReplacing: 1, inMaintenanceWindow: false } });
    fleet.clock.advance(3 * 3600);

    const running: number[] = [];
    const drained: string[] = [];
    for (let step = 0; step < 12; step += 1) {
      await fleet.step(40);
      running.push((await fleet.instances((i) => i.State?.Name === 'running')).length);
      const [logged] = await fleet.records().listDecisions(fleet.name, 1);
      const reasons = (logged?.actions ?? []).flatMap((a) => (a.kind === 'advance' && a.reason.startsWith('expired') ? [a.reason] : []));
      expect(reasons.length).toBeLessThanOrEqual(1);
      drained.push(...reasons);
    }
    const left = (await fleet.instances()).map((i) => i.InstanceId ?? '');
    expect(left).toHaveLength(4);
    expect(left.filter((id) => originals.includes(id))).toEqual([]);
    expect(Math.min(...running)).toBe(4);
    expect(drained).toHaveLength(4);
    expect(drained[0]).toMatch(/^expired: 3\.0\d h old, over lifetime\.maxHours 2; within the disruption budget lifetime\.maxReplacing \(1\); waiting for capacity first: 3 of desired 4 in service without it$/);
  });
});
