/** Steps that change nothing: no lease, no status, no decision log entry but a heartbeat every 15 minutes; and how they meet a step that acts. */
import { describe, expect, it } from 'vitest';
import { HEARTBEAT_MS } from '../../../functions/core/step/unchanged.ts';
import { ControlWorld } from './world.ts';

const WRITES = ['putStatus', 'appendDecision', 'putInstance', 'updateInstance', 'deleteInstance', 'deleteRequest'] as const;

/** A fleet of two at a load for two, stepped until a step changes nothing, with the recording fakes reset. */
async function steadyWorld(): Promise<ControlWorld> {
  const world = new ControlWorld();
  await world.seedInService(2);
  world.setLoad(20);
  for (let k = 0; k < 3; k++) {
    await world.step();
    world.clock.advance(60_000);
  }
  for (const faulty of Object.values(world.faults)) faulty.reset();
  world.logs.length = 0;
  return world;
}

const writes = (world: ControlWorld) => WRITES.flatMap((method) => world.faults.records.callsOf(method).map(() => method));

describe('a step that changes nothing', () => {
  it('takes no lease and writes nothing, logs its line and names the step it is unchanged since', async () => {
    const world = await steadyWorld();
    const status = await world.state.records.getStatus('web');
    const entries = await world.state.records.listDecisions('web', 10);

    const outcome = await world.step();

    expect(outcome).toMatchObject({ outcome: 'done', step: status?.step, desiredCapacity: 2, capacity: 2, launched: [], terminated: [], actions: [] });
    expect(world.faults.leases.calls).toEqual([]);
    expect(writes(world)).toEqual([]);
    expect(world.faults.journal.calls).toEqual([]);
    expect(await world.state.records.getStatus('web')).toEqual(status);
    expect(await world.state.records.listDecisions('web', 10)).toEqual(entries);
    const line = world.logs.find((l) => l.message === 'step changed nothing');
    expect(line?.attributes).toMatchObject({ fleet: 'web', desiredCapacity: 2, unchanged: { sinceStep: status?.step, sinceMs: status?.logged?.atMs } });
  });

  it('writes a heartbeat entry 15 minutes after the last, under the lease, and is quiet again after it', async () => {
    const world = await steadyWorld();
    const before = await world.state.records.getStatus('web');
    const since = { sinceStep: before?.step, sinceMs: before?.logged?.atMs };
    const untilHeartbeat = (before?.logged?.atMs ?? 0) + HEARTBEAT_MS - world.clock.now();
    world.clock.advance(untilHeartbeat - 1);
    await world.step();
    expect(writes(world)).toEqual([]);

    world.clock.advance(1);
    const beat = await world.step();
    world.clock.advance(60_000);
    await world.step();

    const heartbeat = await world.lastDecision();
    expect(heartbeat).toMatchObject({ step: (before?.step ?? 0) + 1, atMs: world.clock.now() - 60_000, unchanged: since, actions: [] });
    expect(beat).toMatchObject({ outcome: 'done', step: (before?.step ?? 0) + 1 });
    expect(writes(world)).toEqual(['putStatus', 'appendDecision']);
    expect(world.faults.leases.calls.map((c) => c.method)).toEqual(['acquire', 'release']);
    expect(await world.state.records.getStatus('web')).toMatchObject({ step: (before?.step ?? 0) + 1, unchangedSince: since, logged: { atMs: world.clock.now() - 60_000 } });
  });

  it('a later heartbeat still names the step that last changed something; a change forgets it', async () => {
    const world = await steadyWorld();
    const first = await world.state.records.getStatus('web');
    world.clock.advance(HEARTBEAT_MS);
    await world.step();
    world.clock.advance(HEARTBEAT_MS);
    await world.step();
    const second = await world.lastDecision();
    world.setLoad(40);
    world.clock.advance(60_000);
    await world.step();

    expect(second).toMatchObject({ step: (first?.step ?? 0) + 2, unchanged: { sinceStep: first?.step, sinceMs: first?.logged?.atMs } });
    expect(await world.lastDecision()).toMatchObject({ step: (first?.step ?? 0) + 3, decision: { desiredCapacity: 4, direction: 'out' } });
    expect((await world.lastDecision())?.unchanged).toBeUndefined();
    expect((await world.state.records.getStatus('web'))?.unchangedSince).toBeUndefined();
  });

  it('one that looked changed without the lease but changes nothing under it writes nothing either', async () => {
    const world = await steadyWorld();
    const status = await world.state.records.getStatus('web');
    // The lease-free read of the metric fails (a decision that differs); the one under the lease reads the load as before.
    world.faults.metrics.failNext(new Error('throttled'));

    const outcome = await world.step();

    expect(outcome).toMatchObject({ outcome: 'done', step: status?.step, actions: [] });
    expect(world.faults.leases.calls.map((c) => c.method)).toEqual(['acquire', 'release']);
    expect(writes(world)).toEqual([]);
    expect(await world.state.records.getStatus('web')).toEqual(status);
  });

  it('two at once both write nothing and neither is skipped', async () => {
    const world = await steadyWorld();
    const status = await world.state.records.getStatus('web');

    const outcomes = await Promise.all([world.step({ runId: 'a' }), world.step({ runId: 'b' })]);

    expect(outcomes.map((o) => [o.outcome, o.step])).toEqual([
      ['done', status?.step],
      ['done', status?.step],
    ]);
    expect(world.faults.leases.calls).toEqual([]);
    expect(writes(world)).toEqual([]);
  });

  it('beside a step that acts at the same time: the steady one writes nothing, the other acts and records once', async () => {
    const world = await steadyWorld();
    const before = await world.state.records.getStatus('web');
    const [victim = ''] = world.alive();
    const signals = [{ instanceId: victim, kind: 'status-alarm' as const, detail: 'alarm fleetward-web-status', alarmOwner: 'web' }];

    const [acting, steady] = await Promise.all([world.step({ runId: 'acting', signals }), world.step({ runId: 'steady' })]);

    expect(steady).toMatchObject({ outcome: 'done', step: before?.step, actions: [] });
    expect(acting).toMatchObject({ outcome: 'done', step: (before?.step ?? 0) + 1 });
    expect(acting.actions.length).toBeGreaterThan(0);
    expect(world.faults.leases.calls.map((c) => [c.method, c.args[1]])).toEqual([
      ['acquire', 'acting'],
      ['renew', 'acting'],
      ['release', 'acting'],
    ]);
    expect(world.faults.records.callsOf('putStatus')).toHaveLength(1);
    expect(await world.state.records.getStatus('web')).toMatchObject({ step: (before?.step ?? 0) + 1, version: (before?.version ?? 0) + 1 });
    expect((await world.state.records.listDecisions('web', 10)).filter((e) => e.stopped !== undefined)).toEqual([]);
  });
});
