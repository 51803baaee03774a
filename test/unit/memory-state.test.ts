// The state ports' contract on the in-memory stores, and what only they promise: values frozen as
// written, retention by the callers' clock times, one reset.
import { describe, expect, it } from 'vitest';
import type { Command } from '../../functions/core/model.ts';
import { MemoryState } from '../../functions/memory/state.ts';
import { ACTION_RETENTION_DAYS } from '../../functions/ports/state.ts';
import { decisionEntry, describeStateContract } from '../contract/state.contract.ts';

const DAY = 86_400_000;
const NOW = 1_800_000_000_000;

describeStateContract('in memory', { create: async () => new MemoryState({ decisionLogDays: 30 }) });

describe('the in-memory state', () => {
  it('keeps frozen copies of what it is given, and hands out those', async () => {
    const state = new MemoryState({ decisionLogDays: 30 });
    const next = { step: 1, desiredCapacity: 3, recommendations: [{ atMs: NOW, capacity: 3 }] };
    await state.records.putStatus('workers', next, undefined);
    next.recommendations[0] = { atMs: NOW, capacity: 9 };
    const status = await state.records.getStatus('workers');
    expect(status?.recommendations).toEqual([{ atMs: NOW, capacity: 3 }]);
    expect(Object.isFrozen(status) && Object.isFrozen(status?.recommendations[0])).toBe(true);
    expect(await state.records.getStatus('workers')).toBe(status);
  });

  it('drops decisions past the decision log days of the newest', async () => {
    const state = new MemoryState({ decisionLogDays: 2 });
    for (let step = 1; step <= 2000; step++) await state.records.appendDecision('workers', decisionEntry(step, NOW + step * (DAY / 500)));
    const kept = await state.records.listDecisions('workers', 5000);
    expect(kept.map((d) => d.step)).toEqual(Array.from({ length: 1001 }, (_, i) => 2000 - i));
  });

  it('drops journal entries past their retention as new commands begin', async () => {
    const state = new MemoryState({ decisionLogDays: 30 });
    const command = (id: string): Command => ({ kind: 'forget', id, instanceId: 'i-1', reason: 'gone' });
    await state.journal.begin('workers', command('old'), NOW);
    await state.journal.begin('workers', command('new'), NOW + DAY);
    await state.journal.begin('workers', command('later'), NOW + ACTION_RETENTION_DAYS * DAY + 1);
    expect(await state.journal.begin('workers', command('new'), NOW + ACTION_RETENTION_DAYS * DAY + 1)).toMatchObject({ state: 'started' });
    expect(await state.journal.begin('workers', command('old'), NOW + ACTION_RETENTION_DAYS * DAY + 1)).toBeUndefined();
  });

  it('forgets everything on reset', async () => {
    const state = new MemoryState({ decisionLogDays: 30 });
    await state.leases.acquire('workers', 'run-a', NOW, 120_000);
    await state.records.putStatus('workers', { step: 1, desiredCapacity: 1, recommendations: [] }, undefined);
    await state.history.recordLoad('workers', 60, { periodStartMs: NOW - 60_000, load: 1 });
    state.reset();
    await state.leases.acquire('workers', 'run-b', NOW, 120_000);
    expect(await state.records.getStatus('workers')).toBeUndefined();
    expect(await state.history.readHistory('workers', 60, NOW)).toBeUndefined();
  });
});
