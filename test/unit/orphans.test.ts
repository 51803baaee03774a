// Orphaned instances: which tagged instances are orphans (table-driven), and the report over
// in-memory ports: logged every time, told once per instance, never acted on, never throwing.
import { describe, expect, it } from 'vitest';
import { type TaggedInstance, orphanNotice, orphansOf } from '../../functions/core/orphans.ts';
import { ORPHAN_SUBJECT, reportOrphans } from '../../functions/control/orphans.ts';
import type { StepLogger } from '../../functions/control/run-step.ts';
import { MemoryCompute } from '../../functions/memory/compute.ts';
import { MemoryNotifier } from '../../functions/memory/events.ts';
import { MemoryOrphanLedger } from '../../functions/memory/orphan-ledger.ts';
import type { ComputePort, Notifier } from '../../functions/ports/index.ts';
import { withFaults } from '../fakes/faults.ts';
import { A, TestClock } from './memory/fixtures.ts';

const DAY_MS = 86_400_000;
const OWNER = 'stack-a';

describe('orphansOf', () => {
  const tagged = (instanceId: string, fleetTag: string | undefined, state: TaggedInstance['state'] = 'running', owner: string | null = OWNER): TaggedInstance => ({
    instanceId,
    state,
    ...(fleetTag === undefined ? {} : { fleetTag }),
    ...(owner === null ? {} : { owner }),
  });

  it.each([
    ['a configured fleet', tagged('i-1', 'web'), []],
    ['no fleet tag', tagged('i-1', undefined), []],
    ['a fleet not in the config, running', tagged('i-1', 'old'), [{ instanceId: 'i-1', fleet: 'old', state: 'running' }]],
    ['a fleet not in the config, stopped', tagged('i-1', 'old', 'stopped'), [{ instanceId: 'i-1', fleet: 'old', state: 'stopped' }]],
    ['a fleet not in the config, terminated', tagged('i-1', 'old', 'terminated'), []],
    ['a fleet not in the config, shutting down', tagged('i-1', 'old', 'shutting-down'), []],
    ["a fleet not in the config, another deployment's", tagged('i-1', 'old', 'running', 'other-stack'), []],
    ['a fleet not in the config, launched by no deployment', tagged('i-1', 'old', 'running', null), []],
  ])('an instance tagged for %s', (_, instance, orphans) => {
    expect(orphansOf(['web', 'api'], OWNER, [instance])).toEqual(orphans);
  });

  it('lists them by id, and says so in one sentence naming each with its fleet', () => {
    const orphans = orphansOf(['web'], OWNER, [tagged('i-2', 'old'), tagged('i-1', 'gone'), tagged('i-3', 'web')]);
    expect(orphans.map((o) => o.instanceId)).toEqual(['i-1', 'i-2']);
    expect(orphanNotice(orphans)).toBe(
      '2 running instance(s) carry fleetward:fleet tags naming no fleet in the config; fleetward leaves them running and touches none of them: i-1 (fleet gone), i-2 (fleet old)',
    );
  });
});

function world() {
  const clock = new TestClock();
  const memory = new MemoryCompute({ clock, subnets: [A] });
  const compute = withFaults<ComputePort>(memory);
  const notifier = withFaults<Notifier>(new MemoryNotifier());
  const warnings: string[] = [];
  const log: StepLogger = { info: () => undefined, warn: (message) => warnings.push(message), error: () => undefined };
  const deps = { compute: compute.port, notifier: notifier.port, orphans: new MemoryOrphanLedger(), clock, log, owner: OWNER };
  return { clock, compute, memory, notifier, warnings, deps };
}

describe('reportOrphans', () => {
  it('tells once per instance, again only for a new one or after the reminder days, and acts on none', async () => {
    const w = world();
    const first = w.memory.seedInstance({ subnetId: A.subnetId, fleet: 'old', owner: OWNER });
    w.memory.seedInstance({ subnetId: A.subnetId, fleet: 'web', owner: OWNER });

    expect(await reportOrphans(w.deps, ['web'])).toMatchObject({ orphans: [{ instanceId: first }], notified: [first] });
    expect((await reportOrphans(w.deps, ['web'])).notified).toEqual([]);
    const second = w.memory.seedInstance({ subnetId: A.subnetId, fleet: 'old', owner: OWNER });
    expect((await reportOrphans(w.deps, ['web'])).notified).toEqual([second]);
    w.clock.advance(30 * DAY_MS);
    expect((await reportOrphans(w.deps, ['web'])).notified).toEqual([first, second]);

    expect(w.notifier.callsOf('notify').map((c) => [c.args[0], (c.args[2] as { instanceIds: string[] }).instanceIds])).toEqual([
      [ORPHAN_SUBJECT, [first]],
      [ORPHAN_SUBJECT, [second]],
      [ORPHAN_SUBJECT, [first, second]],
    ]);
    expect(w.warnings.filter((m) => m === 'orphaned instances: their fleet is not in the config')).toHaveLength(4);
    expect(w.compute.calls.map((c) => c.method)).toEqual(Array(4).fill('describeTaggedInstances'));
  });

  it('says nothing and tells no one when there are none', async () => {
    const w = world();
    w.memory.seedInstance({ subnetId: A.subnetId, fleet: 'web', owner: OWNER });
    expect(await reportOrphans(w.deps, ['web'])).toEqual({ orphans: [], notified: [] });
    expect([w.warnings, w.notifier.calls]).toEqual([[], []]);
  });

  it('never throws: a failed look is a warning with no count, a failed notification a warning', async () => {
    const w = world();
    w.memory.seedInstance({ subnetId: A.subnetId, fleet: 'old', owner: OWNER });
    w.compute.failNext(new Error('throttled'), { method: 'describeTaggedInstances' });
    expect(await reportOrphans(w.deps, ['web'])).toEqual({ orphans: undefined, notified: [] });
    w.notifier.failNext(new Error('SNS is down'));
    expect((await reportOrphans(w.deps, ['web'])).orphans).toBeUndefined();
    expect(w.warnings.filter((m) => m.startsWith('looking for orphaned instances failed'))).toHaveLength(2);
  });
});
