/** Which steps change nothing (and so write nothing), when a heartbeat is due, and what a recorded step keeps of its entry. */
import { describe, expect, it } from 'vitest';
import type { FleetStatus } from '../../functions/core/model.ts';
import type { NextStatus } from '../../functions/core/step/index.ts';
import { HEARTBEAT_MS, decisionDigest, outcomeDigest, recordedStatus, steadiness } from '../../functions/core/step/unchanged.ts';

const NOW = 1_000_000_000;
const decision: { desiredCapacity: number; direction: 'hold'; reason: string; notes: string[]; dryRun: boolean; commands: unknown[]; metricNotRead?: true } = {
  desiredCapacity: 4,
  direction: 'hold',
  reason: 'hold at 4: cpu = 50 recommends 4',
  notes: ['note a'],
  dryRun: false,
  commands: [],
};
const next: NextStatus = { step: 8, desiredCapacity: 4, recommendations: [{ atMs: NOW - 600_000, capacity: 4 }], lastScaleOutAtMs: NOW - 900_000 };
const logged = { atMs: NOW - 60_000, digest: decisionDigest(decision), outcomeDigest: outcomeDigest(decision) };
const notRead = { ...decision, reason: 'hold at 4: cpu not read (steady): the standing recommendation 4', metricNotRead: true as const };
const status: FleetStatus = { ...next, step: 7, logged, version: 12 };

const cases: Array<{ name: string; status: FleetStatus | undefined; next?: NextStatus; decision?: typeof decision; nowMs?: number; expected: ReturnType<typeof steadiness> }> = [
  { name: 'the same status but for its step, the same decision as logged: unchanged', status, expected: { unchanged: true, heartbeat: false, since: { sinceStep: 7, sinceMs: NOW - 60_000 } } },
  { name: 'no status: changed', status: undefined, expected: { unchanged: false, why: 'the fleet has no status' } },
  { name: 'a command: changed', status, decision: { ...decision, commands: [{}, {}] }, expected: { unchanged: false, why: '2 command(s)' } },
  { name: 'a status written before steps were told apart (no logged entry): changed', status: { ...next, step: 7, version: 12 }, expected: { unchanged: false, why: 'the status names no logged entry' } },
  { name: 'another desired capacity: changed', status, next: { ...next, desiredCapacity: 5 }, expected: { unchanged: false, why: 'the status changes' } },
  { name: 'one more recommendation: changed', status, next: { ...next, recommendations: [...next.recommendations, { atMs: NOW, capacity: 5 }] }, expected: { unchanged: false, why: 'the status changes' } },
  { name: 'another reason: changed', status, decision: { ...decision, reason: 'hold at 4: cpu = 51 recommends 4' }, expected: { unchanged: false, why: 'the decision differs from the logged one' } },
  { name: 'a note less: changed', status, decision: { ...decision, notes: [] }, expected: { unchanged: false, why: 'the decision differs from the logged one' } },
  { name: 'the metric not read, another reason, the same outcome as logged: unchanged', status, decision: notRead, expected: { unchanged: true, heartbeat: false, since: { sinceStep: 7, sinceMs: NOW - 60_000 } } },
  { name: 'the metric not read but a note more: changed', status, decision: { ...notRead, notes: ['note a', 'note b'] }, expected: { unchanged: false, why: 'the decision differs from the logged one' } },
  {
    name: 'the metric not read, but the logged entry predates outcome digests: changed',
    status: { ...status, logged: { atMs: NOW - 60_000, digest: decisionDigest(decision) } },
    decision: notRead,
    expected: { unchanged: false, why: 'the decision differs from the logged one' },
  },
  {
    name: 'the same fields in another order: unchanged',
    status,
    next: { lastScaleOutAtMs: NOW - 900_000, recommendations: [{ capacity: 4, atMs: NOW - 600_000 }], desiredCapacity: 4, step: 8 },
    expected: { unchanged: true, heartbeat: false, since: { sinceStep: 7, sinceMs: NOW - 60_000 } },
  },
  {
    name: 'a field left undefined is no field: unchanged',
    status,
    next: { ...next, idleSinceMs: undefined },
    expected: { unchanged: true, heartbeat: false, since: { sinceStep: 7, sinceMs: NOW - 60_000 } },
  },
  {
    name: 'one heartbeat period after the logged entry: a heartbeat is due',
    status,
    nowMs: NOW - 60_000 + HEARTBEAT_MS,
    expected: { unchanged: true, heartbeat: true, since: { sinceStep: 7, sinceMs: NOW - 60_000 } },
  },
  {
    name: 'just before: not yet',
    status,
    nowMs: NOW - 60_000 + HEARTBEAT_MS - 1,
    expected: { unchanged: true, heartbeat: false, since: { sinceStep: 7, sinceMs: NOW - 60_000 } },
  },
  {
    name: 'after a heartbeat: still unchanged since the step the heartbeat named',
    status: { ...status, step: 9, unchangedSince: { sinceStep: 7, sinceMs: NOW - 3_600_000 } },
    expected: { unchanged: true, heartbeat: false, since: { sinceStep: 7, sinceMs: NOW - 3_600_000 } },
  },
];

describe('steadiness', () => {
  it.each(cases)('$name', ({ status: read, next: written = next, decision: decided = decision, nowMs = NOW, expected }) => {
    expect(steadiness(read, written, decided, nowMs)).toEqual(expected);
  });
});

describe('decisionDigest', () => {
  it('is the same for the same decision and differs for another reason, notes, capacity or dry-run', () => {
    const digests = [
      decisionDigest(decision),
      decisionDigest({ ...decision, reason: `${decision.reason}.` }),
      decisionDigest({ ...decision, notes: ['note b'] }),
      decisionDigest({ ...decision, desiredCapacity: 5 }),
      decisionDigest({ ...decision, dryRun: true }),
    ];
    expect(decisionDigest({ ...decision })).toBe(digests[0]);
    expect(new Set(digests).size).toBe(5);
    expect(digests[0]).toMatch(new RegExp(`^[0-9a-f]{8}:${decision.reason.length}:1$`));
  });
});

describe('recordedStatus', () => {
  it('names the step’s entry as the logged one and forgets an earlier heartbeat’s since', () => {
    expect(recordedStatus({ ...next, unchangedSince: { sinceStep: 3, sinceMs: 1 } }, decision, NOW, undefined)).toEqual({ ...next, logged: { atMs: NOW, digest: decisionDigest(decision), outcomeDigest: outcomeDigest(decision) } });
  });

  it('keeps, for a heartbeat, since when nothing changed', () => {
    const since = { sinceStep: 7, sinceMs: NOW - 60_000 };
    expect(recordedStatus(next, decision, NOW, since)).toEqual({ ...next, logged: { atMs: NOW, digest: decisionDigest(decision), outcomeDigest: outcomeDigest(decision) }, unchangedSince: since });
  });
});
