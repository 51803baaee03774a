/**
 * The optimization methods against the emulator through the real handler: recommend-only writes
 * each move with its estimated saving to the decision log and `fleetward plan` and changes
 * nothing; in act mode consolidation removes the surplus but never an instance tagged
 * fleetward:do-not-disrupt=true (the tag read from EC2 through observe); zone rebalance moves an
 * instance into a zone added to the fleet, replacement first, with no dip in capacity.
 */
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { run } from '../../bin/fleetward.ts';
import { DO_NOT_DISRUPT_TAG } from '../../functions/core/tags.ts';
import { FleetHarness } from './harness.ts';

// t4g.micro is $0.0084 an hour in the shipped price table: $6.13 a month.
const SAVING = 'estimated saving $6.13/month';
const gates = { minSavings: { monthlyUsd: 1, percent: 0 }, minSavingsPerDisruption: { monthlyUsd: 1 }, zoneRebalance: { maxSkew: 1 } };
// Scale-in may take nothing out: only consolidation could remove the surplus.
const noScaleIn = { budgets: [{ max: 0, reasons: ['scale-in'] }] };

const ids = async (fleet: FleetHarness) => (await fleet.instances()).map((i) => i.InstanceId ?? '').sort();

async function plan(fleet: FleetHarness): Promise<string> {
  let stdout = '';
  const code = await run(['plan', fleet.name, '--table', fleet.tableName], { stdout: (text) => void (stdout += text), stderr: () => undefined }, { config: fleet.config, clock: fleet.clock, env: {} });
  expect(code).toBe(0);
  return stdout;
}

describe('optimization against the emulator', () => {
  it('recommend-only logs each move with its saving, lists it in plan, and changes nothing', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(60);
    const before = await ids(fleet);
    expect(before).toHaveLength(6);
    fleet.configure({ optimization: { mode: 'recommend-only', ...gates }, disruption: noScaleIn });
    fleet.clock.advance(60);
    await fleet.publish(30);

    const planned = await plan(fleet);
    const result = await fleet.invoke();

    expect(result.fleets[0]).toMatchObject({ outcome: 'done', desiredCapacity: 3 });
    expect(result.fleets[0]?.terminated ?? []).toEqual([]);
    expect(await ids(fleet)).toEqual(before);
    const [decision] = await fleet.records().listDecisions(fleet.name, 1);
    expect(decision?.actions).toEqual([]);
    const recommended = (decision?.decision.notes ?? []).filter((note) => note.startsWith('recommend-only (optimization.mode): consolidation would remove i-'));
    expect(recommended).toHaveLength(3);
    for (const note of recommended) expect(note).toMatch(new RegExp(`^recommend-only \\(optimization\\.mode\\): consolidation would remove i-[0-9a-f]+: capacity 6 is above desired 3; .+ \\(t4g\\.micro, 1 unit; us-east-1[abc], 2 instances there\\); ${SAVING.replace('$', '\\$')}; no disruption budget holds consolidation back$`));
    expect(decision?.decision.notes).toContain('scale-in: 3 of 3 instances held back by the disruption budget disruption.budgets[0] (0), with 0 disrupting already');
    for (const note of recommended) expect(planned).toContain(`  note: ${note}`);
    expect(await ids(fleet)).toEqual(before);
  });

  it('in act mode consolidation removes the surplus but never an instance tagged do-not-disrupt', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(60);
    const before = await ids(fleet);
    const kept = before.slice(0, 3);
    await fleet.ec2.send(new CreateTagsCommand({ Resources: kept, Tags: [{ Key: DO_NOT_DISRUPT_TAG, Value: 'true' }] }));
    fleet.configure({ optimization: { mode: 'act', ...gates }, disruption: noScaleIn });

    const result = await fleet.step(30);

    expect(result.fleets[0]?.terminated?.slice().sort()).toEqual(before.slice(3));
    expect(await ids(fleet)).toEqual(kept);
    const [decision] = await fleet.records().listDecisions(fleet.name, 1);
    expect(decision?.actions.map((a) => a.kind)).toEqual(['advance', 'advance', 'advance']);
    for (const action of decision?.actions ?? []) expect(action.reason).toContain(`${SAVING}; no disruption budget holds consolidation back; drained: terminating`);
  });

  it('zone rebalance fills a zone added to the fleet, replacement first, never below desired', async () => {
    const fleet = await FleetHarness.create();
    const [a, b, c] = fleet.subnets;
    fleet.configure({ subnets: [a?.subnetId ?? '', b?.subnetId ?? ''] });
    await fleet.step(40);
    fleet.configure({ optimization: { mode: 'act', ...gates }, disruption: { budgets: [{ max: 1 }] } });
    const zones = async () => (await fleet.instances()).map((i) => i.Placement?.AvailabilityZone ?? '').sort();
    expect(await zones()).toEqual([a?.availabilityZone, a?.availabilityZone, b?.availabilityZone, b?.availabilityZone]);

    const counts: number[] = [];
    const reasons: string[] = [];
    for (let step = 0; step < 4; step += 1) {
      const result = await fleet.step(40);
      expect(result.fleets[0]).toMatchObject({ outcome: 'done', desiredCapacity: 4 });
      counts.push((await fleet.instances()).length);
      const [decision] = await fleet.records().listDecisions(fleet.name, 1);
      reasons.push(...(decision?.actions ?? []).map((action) => `${action.kind}: ${action.reason}`));
    }

    // The replacement serves before the old instance goes: 5 in the fleet, then 4, never fewer.
    expect(counts[0]).toBe(5);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(4);
    expect(await zones()).toEqual([a?.availabilityZone, b?.availabilityZone, b?.availabilityZone, c?.availabilityZone].sort());
    expect(reasons[0]).toBe(`launch: capacity 3 is below desired 4: 1 instance(s) in ${c?.availabilityZone} to balance zones`);
    expect(reasons[1]).toBe(
      `advance: zones drift apart: ${a?.availabilityZone} has 2 instances and ${c?.availabilityZone} 0, 2 apart beyond optimization.zoneRebalance.maxSkew 1; its replacement goes to ${c?.availabilityZone}; within the disruption budget disruption.budgets[0] (1); waiting for capacity first: 3 of desired 4 in service without it`,
    );
    expect(reasons.filter((reason) => reason.startsWith('advance: ')).at(-1)).toMatch(/drained: terminating$/);
  });
});
