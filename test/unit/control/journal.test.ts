// Tests of the action journal as the step uses it: a command carried out once whatever runs came
// before, a failed one noted, a started launch recovered from its command-id tag, and launches
// recorded in one batch, failing into the backoff, or stopping the step on a lost race.
import { describe, expect, it } from 'vitest';
import type { Command, ObservedInstance } from '../../../functions/core/model.ts';
import { type Acting, launchAndRecord, runJournaled } from '../../../functions/control/journal.ts';
import { ConcurrentUpdateError } from '../../../functions/ports/errors.ts';
import type { LaunchCommand } from '../../../functions/ports/index.ts';
import { observedInstance } from '../fixtures.ts';
import { A } from '../memory/fixtures.ts';
import { ControlWorld } from './world.ts';

const LAUNCH: LaunchCommand = {
  kind: 'launch',
  id: 'web/1/launch/subnet-a',
  subnetId: A.subnetId,
  availabilityZone: A.availabilityZone,
  capacityUnits: 2,
  instanceTypes: [{ type: 'm7g.large', weight: 1 }],
  reason: 'scale out',
};
const FORGET: Command = { kind: 'forget', id: 'web/1/forget/i-9', instanceId: 'i-9', reason: 'gone' };

function acting(world: ControlWorld, observed: readonly ObservedInstance[] = []): Acting {
  return { deps: world.deps('run-1'), fleet: world.fleet, observed, registeredIn: new Map(), launched: [], terminated: [], launchSucceeded: false };
}

const entry = async (world: ControlWorld, command: Command) => world.state.journal.begin('web', command, world.clock.now());

describe('runJournaled', () => {
  it('journals a command as started before carrying it out and done after, with what it did', async () => {
    const world = new ControlWorld();
    const seen: unknown[] = [];
    const result = await runJournaled(acting(world), FORGET, async () => {
      seen.push(world.faults.journal.calls.map((c) => c.method));
      return { instanceIds: ['i-9'], detail: 'forgotten' };
    });
    expect([result, seen]).toEqual([{ instanceIds: ['i-9'], detail: 'forgotten' }, [['begin']]]);
    expect(await entry(world, FORGET)).toEqual({ commandId: FORGET.id, state: 'done', kind: 'forget', instanceIds: ['i-9'], detail: 'forgotten' });
  });

  it('skips a command an earlier run finished, saying what it did', async () => {
    const world = new ControlWorld();
    await runJournaled(acting(world), FORGET, async () => ({ instanceIds: ['i-9'], detail: 'forgotten' }));
    let again = 0;
    const result = await runJournaled(acting(world), FORGET, async () => ({ instanceIds: [], detail: `run ${++again}` }));
    expect([result, again]).toEqual([{ instanceIds: ['i-9'], detail: 'skipped: already done by an earlier run (i-9)' }, 0]);
  });

  it('journals a command that fails as failed with its message, and throws', async () => {
    const world = new ControlWorld();
    await expect(runJournaled(acting(world), FORGET, () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(await entry(world, FORGET)).toMatchObject({ state: 'failed', instanceIds: [], detail: 'refused' });
  });

  it('carries out again a command an interrupted run started but did not finish', async () => {
    const world = new ControlWorld();
    await entry(world, FORGET);
    const result = await runJournaled(acting(world), FORGET, async () => ({ instanceIds: ['i-9'], detail: 'forgotten' }));
    expect(result.detail).toBe('forgotten');
  });

  it('completes a started launch whose instances carry its command-id tag, without launching again', async () => {
    const world = new ControlWorld();
    await entry(world, LAUNCH);
    const found = [
      observedInstance('i-1', A, world.clock.now(), { commandId: LAUNCH.id }),
      observedInstance('i-2', A, world.clock.now(), { commandId: LAUNCH.id }),
      observedInstance('i-3', A, world.clock.now(), { commandId: 'web/0/launch/subnet-a' }),
    ];
    let launched = 0;
    const result = await runJournaled(acting(world, found), LAUNCH, async () => ({ instanceIds: [`i-${++launched}`], detail: 'launched' }));
    expect([result, launched]).toEqual([{ instanceIds: ['i-1', 'i-2'], detail: 'skipped: an interrupted earlier run already launched i-1, i-2' }, 0]);
    expect(await entry(world, LAUNCH)).toMatchObject({ state: 'done', instanceIds: ['i-1', 'i-2'], detail: 'found after an interrupted run' });
  });

  it('launches again a started launch that left no instance behind', async () => {
    const world = new ControlWorld();
    await entry(world, LAUNCH);
    const result = await runJournaled(acting(world), LAUNCH, async () => ({ instanceIds: ['i-7'], detail: 'launched i-7' }));
    expect(result.instanceIds).toEqual(['i-7']);
  });
});

describe('launchAndRecord', () => {
  it('launches, records the instances as in-service on fleetward’s clock, and notes the success', async () => {
    const world = new ControlWorld();
    const state = acting(world);
    const result = await launchAndRecord(state, LAUNCH);
    expect(result).toEqual({ instanceIds: ['i-00000000000000001', 'i-00000000000000002'], outcome: 'launched i-00000000000000001, i-00000000000000002 (m7g.large)' });
    expect((await world.records()).map((r) => [r.instanceId, r.lifecycle, r.launchedAtMs, r.reason])).toEqual([
      ['i-00000000000000001', 'in-service', world.clock.now(), 'launched by web/1/launch/subnet-a: scale out'],
      ['i-00000000000000002', 'in-service', world.clock.now(), 'launched by web/1/launch/subnet-a: scale out'],
    ]);
    expect([state.launched, state.launchSucceeded, state.launchError]).toEqual([result.instanceIds, true, undefined]);
  });

  it('returns a failed launch as its outcome and notes it for the backoff', async () => {
    const world = new ControlWorld();
    world.compute.removeCapacity('m7g.large');
    const state = acting(world);
    const result = await launchAndRecord(state, LAUNCH);
    expect(result).toEqual({ instanceIds: [], outcome: `failed: ${state.launchError}` });
    expect(state.launchError).toMatch(/capacity/);
    expect(await entry(world, LAUNCH)).toMatchObject({ state: 'failed' });
  });

  it('records a launch of 300 in one batch of records, each at version 1', async () => {
    const world = new ControlWorld();
    const result = await launchAndRecord(acting(world), { ...LAUNCH, capacityUnits: 300 });
    expect(world.faults.records.calls.filter((c) => c.method.startsWith('put')).map((c) => c.method)).toEqual(['putNewInstances']);
    const records = await world.records();
    expect([result.instanceIds.length, records.length, new Set(records.map((r) => r.version))]).toEqual([300, 300, new Set([1])]);
  });

  it('returns a launch whose records failed as failed, its instances left for the next step to adopt', async () => {
    const world = new ControlWorld();
    world.faults.records.failNext(new Error('throttled'), { method: 'putNewInstances' });
    const state = acting(world);
    const result = await launchAndRecord(state, LAUNCH);
    expect([result, state.launchError, world.alive().length, (await world.records()).length]).toEqual([{ instanceIds: [], outcome: 'failed: throttled' }, 'throttled', 2, 0]);
  });

  it('throws a lost race met while recording: it stops the step', async () => {
    const world = new ControlWorld();
    world.faults.records.failNext(new ConcurrentUpdateError('record of instance i-1 of fleet web', 1), { method: 'putNewInstances' });
    await expect(launchAndRecord(acting(world), LAUNCH)).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });
});
