/**
 * Rightsizing a singleton against the emulator: an m5.2xlarge whose CPU and memory over the
 * window fit an m5.large is left alone outside its maintenance window (nothing is even read
 * then), and inside it is drained,
 * stopped, changed to m5.large and started again — the same instance, and nothing launched in its
 * place meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { optimizationConfigSchema } from '../../functions/core/optimization-config.ts';
import { rightsizingSchema } from '../../functions/core/rightsizing/config.ts';
import { FleetHarness } from './harness.ts';
import { publishDay } from './utilisation.ts';

const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;

/** The clock moved on to the next `hour`:00 UTC. */
function advanceTo(fleet: FleetHarness, hour: number): void {
  const now = new Date(fleet.clock.now());
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour);
  fleet.clock.advance(((next > now.getTime() ? next : next + DAY_S * 1000) - now.getTime()) / 1000);
}

describe('rightsizing a singleton fleet', () => {
  it('stops, changes and starts it inside its maintenance window, and not outside it', async () => {
    const fleet = await FleetHarness.create({ capacity: { min: 1, max: 1 }, instanceTypes: [{ type: 'm5.2xlarge', weight: 1 }, { type: 'm5.large', weight: 1 }] });
    fleet.configure({
      capacity: { min: 1, max: 1 },
      instanceTypes: [{ type: 'm5.2xlarge', weight: 1 }, { type: 'm5.large', weight: 1 }],
      maintenanceWindows: [{ name: 'nightly', start: '0 3 * * *', end: '2h', timeZone: 'UTC' }],
      rightsizing: rightsizingSchema.parse({ windowDays: 1 }),
      optimization: optimizationConfigSchema.parse({ mode: 'act' }),
    });
    await fleet.step(1);
    const [pet] = await fleet.instances();
    const petId = pet?.InstanceId ?? '';
    expect(pet?.InstanceType).toBe('m5.2xlarge');
    // A day on: the window's datapoints are all since it started.
    fleet.clock.advance(DAY_S);

    advanceTo(fleet, 3);
    fleet.clock.advance(-2 * HOUR_S + 60);
    await publishDay(fleet, 'AWS/EC2', 'CPUUtilization', petId, 10);
    await publishDay(fleet, 'CWAgent', 'mem_used_percent', petId, 10);
    await fleet.step(1);
    const [outside] = await fleet.records().listDecisions(fleet.name, 1);
    expect(outside?.actions.filter((a) => a.reason.startsWith('rightsizing'))).toEqual([]);
    expect((await fleet.instances()).map((i) => [i.InstanceId, i.InstanceType])).toEqual([[petId, 'm5.2xlarge']]);

    advanceTo(fleet, 3);
    fleet.clock.advance(300);
    await publishDay(fleet, 'AWS/EC2', 'CPUUtilization', petId, 10);
    await publishDay(fleet, 'CWAgent', 'mem_used_percent', petId, 10);
    const seen: string[] = [];
    for (let step = 0; step < 8; step += 1) {
      await fleet.step(1);
      const all = await fleet.instances(() => true);
      seen.push(...all.map((i) => i.InstanceId ?? '').filter((id) => !seen.includes(id)));
      const record = (await fleet.records().listInstances(fleet.name)).find((r) => r.instanceId === petId);
      if (record?.lifecycle === 'in-service' && all[0]?.InstanceType === 'm5.large') break;
    }
    const after = await fleet.instances(() => true);
    expect(after.map((i) => [i.InstanceId, i.InstanceType, i.State?.Name])).toEqual([[petId, 'm5.large', 'running']]);
    expect(seen).toEqual([petId]);
    const entries = await fleet.records().listDecisions(fleet.name, 10);
    const resize = entries.flatMap((e) => e.actions).map((a) => a.reason).find((reason) => reason.startsWith(`rightsizing ${petId}: m5.2xlarge p95 CPU 10.0%`));
    expect(resize).toContain('m5.large holds it at 40.0% (<= 70%)');
    expect(resize).toContain('inside maintenance window "nightly"');
  });
});
