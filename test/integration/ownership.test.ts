/**
 * Ownership against the emulator, with the real handler: two deployments (two tables, two owner
 * identities) claiming one fleet name keep their own counts instead of fighting; an instance a
 * third party tagged with a fleet's tag is left alone and reported; an instance in maintenance
 * stays in maintenance after fleetward's table is lost.
 */
import { randomUUID } from 'node:crypto';
import type { Instance } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { run } from '../../bin/fleetward.ts';
import { MAINTENANCE_TAG, OWNER_TAG } from '../../functions/core/tags.ts';
import { FleetHarness, METRIC_NAMESPACE } from './harness.ts';

const tagOf = (instance: Instance, key: string) => instance.Tags?.find((t) => t.Key === key)?.Value;
const running = (instance: Instance) => instance.State?.Name === 'running';

/** One step of a harness on its own metric: desired = value / 10. */
async function stepOn(harness: FleetHarness, metric: string, value: number) {
  harness.clock.advance(60);
  await harness.publish(value, metric);
  const result = await harness.invoke();
  const [outcome] = result.fleets;
  if (outcome === undefined) throw new Error(`no step ran: ${result.reason ?? result.status}`);
  return outcome;
}

describe('ownership', () => {
  it('two deployments claiming fleet workers keep their own counts and never terminate each other’s instances', async () => {
    const first = await FleetHarness.create();
    const second = await FleetHarness.create();
    second.configure({ name: first.name, scaling: { metric: { namespace: METRIC_NAMESPACE, name: second.unique('BacklogOfSecond'), statistic: 'Average', dimensions: {}, periodSeconds: 60 } } });
    let launched = 0;
    let terminated = 0;
    for (let round = 0; round < 4; round += 1) {
      for (const outcome of [await stepOn(first, first.metricName, 30), await stepOn(second, second.unique('BacklogOfSecond'), 20)]) {
        expect(outcome.outcome).toBe('done');
        launched += outcome.launched.length;
        terminated += outcome.terminated.length;
      }
    }

    expect([launched, terminated]).toEqual([5, 0]);
    const alive = (await first.instances()).filter(running);
    expect(alive.filter((i) => tagOf(i, OWNER_TAG) === first.owner)).toHaveLength(3);
    expect(alive.filter((i) => tagOf(i, OWNER_TAG) === second.owner)).toHaveLength(2);
    expect((await first.records().listInstances(first.name)).map((r) => r.instanceId).sort()).toEqual(
      alive.filter((i) => tagOf(i, OWNER_TAG) === first.owner).map((i) => i.InstanceId).sort(),
    );
    const [latest] = await second.records().listDecisions(first.name, 1);
    expect(latest?.decision.notes[0]).toMatch(new RegExp(`^not touching 3 instance\\(s\\) of fleet ${first.name} launched by another deployment \\(fleetward:owner ${first.owner}\\): i-`));
    expect((await second.records().getStatus(first.name))?.unowned).toHaveLength(3);
  });

  it('leaves alone an hour-old prod-database that a third party tagged fleetward:fleet=web, even in a surplus, and reports it', async () => {
    const fleet = await FleetHarness.create();
    fleet.configure({ name: fleet.unique('web') });
    const database = await fleet.launchForeign({ 'fleetward:fleet': fleet.name, Name: 'prod-database' });
    fleet.clock.advance(3600);
    const grown = await stepOn(fleet, fleet.metricName, 20);
    expect(grown.launched).toHaveLength(2);
    expect(grown.unowned).toBe(1);

    const shrunk = await stepOn(fleet, fleet.metricName, 10);

    expect(shrunk.terminated).toHaveLength(1);
    expect(shrunk.terminated).not.toContain(database);
    const described = (await fleet.instances(() => true)).find((i) => i.InstanceId === database);
    expect(described?.State?.Name).toBe('running');
    expect((await fleet.records().listInstances(fleet.name)).map((r) => r.instanceId)).not.toContain(database);
    const [latest] = await fleet.records().listDecisions(fleet.name, 1);
    expect(latest?.decision.notes).toContain(
      `not adopting 1 instance(s) that carry the fleet tag but that fleetward did not launch (no fleetward:owner and fleetward:command-id of this deployment; adoption.foreign is ignore): ${database}`,
    );
    let printed = '';
    const io = { stdout: (text: string) => void (printed += text), stderr: (text: string) => void (printed += text) };
    expect(await run(['status', fleet.name, '--table', fleet.tableName, '--json'], io, { config: fleet.config, clock: fleet.clock, env: {} })).toBe(0);
    const [view] = (JSON.parse(printed) as { fleets: Array<{ instances: Array<{ instanceId: string; lifecycle: string; reason: string }> }> }).fleets;
    expect(view?.instances.find((i) => i.instanceId === database)).toMatchObject({
      lifecycle: 'unowned',
      reason: "carries the fleet tag but is not this deployment's: left alone",
    });
  });

  it('keeps an instance in maintenance after the table is emptied: adopted in maintenance, and a serving one is scaled in instead', async () => {
    const fleet = await FleetHarness.create();
    await stepOn(fleet, fleet.metricName, 20);
    const [kept = ''] = (await fleet.instances()).map((i) => i.InstanceId ?? '');
    await fleet.records().putRequest(fleet.name, { requestId: randomUUID(), kind: 'maintenance-enter', instanceId: kept, requestedAtMs: fleet.clock.now(), requestedBy: 'test' });
    await stepOn(fleet, fleet.metricName, 20);
    await stepOn(fleet, fleet.metricName, 20);
    const tagged = (await fleet.instances()).find((i) => i.InstanceId === kept);
    expect(tagOf(tagged ?? {}, MAINTENANCE_TAG)).toBe(`${fleet.name}: drained: in maintenance`);

    await fleet.emptyTable();
    const adopted = await stepOn(fleet, fleet.metricName, 10);

    const records = await fleet.records().listInstances(fleet.name);
    expect(records.find((r) => r.instanceId === kept)?.lifecycle).toBe('maintenance');
    expect(adopted.terminated).toHaveLength(1);
    expect(adopted.terminated).not.toContain(kept);
    expect((await fleet.instances()).map((i) => i.InstanceId)).toContain(kept);
  });
});
