/**
 * Rightsizing a fleet of three against the emulator: three m5.2xlarge whose CPU and memory over
 * the window fit an m5.large are replaced one at a time, each by an m5.large launched first and
 * only then drained, so three instances serve at every step (utilisation is read one minute in
 * ten, so a move starts at most every ten steps); in recommend-only mode nothing
 * changes and the decision log gives each move's saving.
 */
import { describe, expect, it } from 'vitest';
import { optimizationConfigSchema } from '../../functions/core/optimization-config.ts';
import { READ_EVERY_MINUTES } from '../../functions/control/rightsizing-view.ts';
import { rightsizingSchema } from '../../functions/core/rightsizing/config.ts';
import { FleetHarness } from './harness.ts';
import { publishDay } from './utilisation.ts';

const DAY_S = 24 * 3600;
const TYPES = [
  { type: 'm5.2xlarge', weight: 1 },
  { type: 'm5.large', weight: 1 },
];
const SAVING = 'm5.large holds it at 40.0% (<= 70%), $70.08 instead of $280.32 a month (the shipped price table (us-east-1, 2026-12-01)); replaced by a m5.large first; estimated saving $210.24/month';

/** The clock set so that the next step (a minute on) falls in a minute the shell reads utilisation in (one in READ_EVERY_MINUTES). */
function alignToRead(fleet: FleetHarness): void {
  const period = READ_EVERY_MINUTES * 60_000;
  const nextStep = fleet.clock.now() + 60_000;
  const boundary = Math.ceil(nextStep / period) * period + 1000;
  fleet.clock.advance((boundary - nextStep) / 1000);
}

/** Three m5.2xlarge a day old, with a day of 10% CPU and memory each, reconfigured in `mode`. */
async function overSizedFleet(mode: 'act' | 'recommend-only'): Promise<{ fleet: FleetHarness; originals: string[] }> {
  const fleet = await FleetHarness.create({ capacity: { min: 3, max: 6 }, instanceTypes: TYPES });
  await fleet.step(30);
  const originals = (await fleet.instances()).map((i) => i.InstanceId ?? '');
  fleet.clock.advance(DAY_S);
  for (const id of originals) {
    await publishDay(fleet, 'AWS/EC2', 'CPUUtilization', id, 10);
    await publishDay(fleet, 'CWAgent', 'mem_used_percent', id, 10);
  }
  fleet.configure({ capacity: { min: 3, max: 6 }, instanceTypes: TYPES, rightsizing: rightsizingSchema.parse({ windowDays: 1 }), optimization: optimizationConfigSchema.parse({ mode }) });
  alignToRead(fleet);
  return { fleet, originals };
}

/** Instances running and not yet deregistered for a drain: those that serve. */
async function serving(fleet: FleetHarness): Promise<number> {
  const records = new Map((await fleet.records().listInstances(fleet.name)).map((r) => [r.instanceId, r]));
  const running = await fleet.instances((i) => i.State?.Name === 'running');
  return running.filter((i) => records.get(i.InstanceId ?? '')?.drain?.deregisteredAtMs === undefined).length;
}

describe('rightsizing a fleet of three', () => {
  it('replaces each over-sized instance by an m5.large, one at a time, with three serving at every step', async () => {
    const { fleet, originals } = await overSizedFleet('act');
    expect(originals).toHaveLength(3);
    const counts: number[] = [];
    const moves: string[] = [];
    for (let step = 0; step < 60; step += 1) {
      await fleet.step(30);
      counts.push(await serving(fleet));
      const draining = (await fleet.records().listInstances(fleet.name)).filter((r) => r.lifecycle === 'draining');
      expect(draining.length).toBeLessThanOrEqual(1);
      const [logged] = await fleet.records().listDecisions(fleet.name, 1);
      moves.push(...(logged?.actions ?? []).flatMap((a) => (a.kind === 'advance' && a.reason.startsWith('rightsizing') ? [a.reason] : [])));
      const types = (await fleet.instances()).map((i) => i.InstanceType);
      if (types.length === 3 && types.every((t) => t === 'm5.large')) break;
    }
    const after = await fleet.instances();
    expect(after.map((i) => i.InstanceType)).toEqual(['m5.large', 'm5.large', 'm5.large']);
    expect(after.filter((i) => originals.includes(i.InstanceId ?? ''))).toEqual([]);
    expect(Math.min(...counts)).toBe(3);
    // Each replacement serves beside the instance it replaces before that one is deregistered.
    expect(Math.max(...counts)).toBe(4);
    expect(moves).toHaveLength(3);
    for (const move of moves) expect(move).toContain(`m5.2xlarge p95 CPU 10.0% (0.80 of 8 vCPUs), memory 10.0% (3.2 of 32.0 GiB) over 1 days: ${SAVING}`);
  });

  it('recommend-only changes nothing and logs each move with its saving', async () => {
    const { fleet, originals } = await overSizedFleet('recommend-only');
    await fleet.step(30);
    expect((await fleet.instances()).map((i) => i.InstanceId ?? '').sort()).toEqual([...originals].sort());
    const [decision] = await fleet.records().listDecisions(fleet.name, 1);
    expect(decision?.actions).toEqual([]);
    const recommended = (decision?.decision.notes ?? []).filter((n) => n.startsWith('recommend-only (optimization.mode): rightsizing would replace'));
    expect(recommended).toHaveLength(1);
    expect(recommended[0]).toMatch(new RegExp(`^recommend-only \\(optimization\\.mode\\): rightsizing would replace i-[0-9a-f]+ with a m5\\.large: rightsizing i-[0-9a-f]+: m5\\.2xlarge p95 CPU 10\\.0% .*; estimated saving \\$210\\.24/month; no disruption budget holds rightsizing back$`));
  });
});
