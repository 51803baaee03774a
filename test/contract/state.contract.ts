// The state ports' contract, one suite for every implementation: the DynamoDB adapters on moto
// (test/integration/dynamo-state.test.ts) and the in-memory stores (test/unit/memory-state.test.ts).
import { describe, expect, it } from 'vitest';
import { type ForecastModel, LOAD_HISTORY_DAYS, type LoadHistory, isMissedPeriod } from '../../functions/core/forecast/index.ts';
import { type LoadPoint, addLoadPoint, assembleHistory } from '../../functions/core/load-history.ts';
import type { Command, InstanceRecord, OperatorRequest } from '../../functions/core/model.ts';
import { ConcurrentUpdateError, DecisionLoggedError, DuplicateRequestError, LeaseHeldError, LeaseLostError, UnreadableItemError } from '../../functions/ports/errors.ts';
import type { DecisionEntry, StateStores } from '../../functions/ports/state.ts';

export interface StateContractSubject {
  /** Fresh, empty stores for one test. */
  create(): Promise<StateStores>;
  /** Writes items that do not read as what they should; only a store that keeps encoded items can hold them. */
  readonly malformed?: {
    status(fleet: string): Promise<void>;
    /** An instance record whose lifecycle is not one. */
    instance(fleet: string, instanceId: string): Promise<void>;
    forecastModel(fleet: string): Promise<void>;
  };
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const NOW = 1_800_000_000_000;
const FLEET = 'workers';
const TTL = 120_000;

/** The history a store reads back equals assembleHistory of the points written, missedPeriods included when it has one. */
export function expectAssembled(history: LoadHistory | undefined, points: readonly LoadPoint[], periodMs: number, nowMs: number): void {
  const expected = assembleHistory(points, periodMs, nowMs);
  if (expected === undefined) {
    expect(history).toBeUndefined();
    return;
  }
  const flags = Array.from(expected.saturated ?? []);
  expect({ startMs: history?.startMs, stepMs: history?.stepMs, values: Array.from(history?.values ?? []), saturated: Array.from(history?.saturated ?? []) }).toEqual({
    startMs: expected.startMs,
    stepMs: expected.stepMs,
    values: Array.from(expected.values),
    saturated: flags,
  });
  if (history?.missedPeriods !== undefined) expect(history.missedPeriods).toBe(flags.filter((_, k) => isMissedPeriod(flags, k, 0)).length);
}

function leaseContract(subject: StateContractSubject) {
  describe('the lease', () => {
    it('is taken when free and again by its owner, and refused to another owner until it expires', async () => {
      const { leases } = await subject.create();
      await leases.acquire(FLEET, 'run-a', NOW, TTL);
      await leases.acquire(FLEET, 'run-a', NOW + 1000, TTL);
      const held = await leases.acquire(FLEET, 'run-b', NOW + TTL + 1000, TTL).catch((error: unknown) => error);
      expect(held).toBeInstanceOf(LeaseHeldError);
      expect(held).toMatchObject({ holder: 'run-a', expiresAtMs: NOW + 1000 + TTL });
      expect((held as Error).message).toBe(`fleet ${FLEET} is locked by run-a until ${new Date(NOW + 1000 + TTL).toISOString()}`);
      await leases.acquire(FLEET, 'run-b', NOW + 1001 + TTL, TTL);
      await leases.acquire('other', 'run-a', NOW + 1001 + TTL, TTL);
    });

    it('is renewed by its owner while it lasts, and lost once expired or taken over', async () => {
      const { leases } = await subject.create();
      await leases.acquire(FLEET, 'run-a', NOW, TTL);
      await leases.renew(FLEET, 'run-a', NOW + TTL, TTL);
      await expect(leases.acquire(FLEET, 'run-b', NOW + 2 * TTL, TTL)).rejects.toThrow(LeaseHeldError);
      await expect(leases.renew(FLEET, 'run-a', NOW + 2 * TTL + 1, TTL)).rejects.toThrow(LeaseLostError);
      await expect(leases.renew(FLEET, 'run-b', NOW, TTL)).rejects.toThrow(new LeaseLostError(FLEET, 'run-b'));
      await leases.acquire(FLEET, 'run-b', NOW + 2 * TTL + 1, TTL);
      await expect(leases.renew(FLEET, 'run-a', NOW + 2 * TTL + 2, TTL)).rejects.toThrow(LeaseLostError);
      await expect(leases.renew('never-leased', 'run-a', NOW, TTL)).rejects.toThrow(LeaseLostError);
    });

    it('is released only by its owner', async () => {
      const { leases } = await subject.create();
      await leases.acquire(FLEET, 'run-a', NOW, TTL);
      await leases.release(FLEET, 'run-b');
      await expect(leases.acquire(FLEET, 'run-b', NOW, TTL)).rejects.toThrow(LeaseHeldError);
      await leases.release(FLEET, 'run-a');
      await leases.acquire(FLEET, 'run-b', NOW, TTL);
      await leases.release('never-leased', 'run-a');
    });
  });
}

const launch: Command = { kind: 'launch', id: `${FLEET}/7/launch/subnet-1`, subnetId: 'subnet-1', availabilityZone: 'us-east-1a', capacityUnits: 2, instanceTypes: [{ type: 't4g.micro', weight: 1 }], reason: 'scale out' };

function journalContract(subject: StateContractSubject) {
  describe('the action journal', () => {
    it('writes a command once, hands back the entry it has, and keeps how it finished', async () => {
      const { journal } = await subject.create();
      expect(await journal.begin(FLEET, launch, NOW)).toBeUndefined();
      expect(await journal.begin(FLEET, launch, NOW + 1000)).toEqual({ commandId: launch.id, state: 'started', kind: 'launch', instanceIds: [] });
      await journal.finish(FLEET, launch.id, 'done', ['i-1', 'i-2'], 'launched i-1, i-2 (t4g.micro)');
      expect(await journal.begin(FLEET, launch, NOW + 2000)).toEqual({ commandId: launch.id, state: 'done', kind: 'launch', instanceIds: ['i-1', 'i-2'], detail: 'launched i-1, i-2 (t4g.micro)' });
      const forget: Command = { kind: 'forget', id: `${FLEET}/7/forget/i-3`, instanceId: 'i-3', reason: 'gone' };
      expect(await journal.begin(FLEET, forget, NOW)).toBeUndefined();
      await journal.finish(FLEET, forget.id, 'failed', [], 'throttled');
      expect(await journal.begin(FLEET, forget, NOW)).toEqual({ commandId: forget.id, state: 'failed', kind: 'forget', instanceIds: [], detail: 'throttled' });
      expect(await journal.begin('other', launch, NOW)).toBeUndefined();
    });
  });
}

function statusContract(subject: StateContractSubject) {
  describe('the fleet status', () => {
    const next = { step: 1, desiredCapacity: 3, recommendations: [{ atMs: NOW, capacity: 3 }], lastScaleOutAtMs: NOW };

    it('is created once, then replaced only at the version read', async () => {
      const { records } = await subject.create();
      expect(await records.getStatus(FLEET)).toBeUndefined();
      await records.putStatus(FLEET, next, undefined);
      expect(await records.getStatus(FLEET)).toEqual({ ...next, version: 1 });
      const created = await records.putStatus(FLEET, next, undefined).catch((error: unknown) => error);
      expect(created).toBeInstanceOf(ConcurrentUpdateError);
      expect(created).toMatchObject({ foundVersion: 1, message: `the status of fleet ${FLEET} was changed by another run (it is at version 1)` });
      const full = {
        ...next,
        step: 2,
        lastScaleInAtMs: NOW + MINUTE,
        launchFailures: { count: 2, lastAtMs: NOW, lastError: 'no capacity' },
        paused: true,
        evacuating: { zones: ['us-east-1a'], subnets: [] },
      };
      await records.putStatus(FLEET, full, 1);
      expect(await records.getStatus(FLEET)).toEqual({ ...full, version: 2 });
      await expect(records.putStatus(FLEET, next, 1)).rejects.toMatchObject({ foundVersion: 2 });
      await expect(records.putStatus('other', next, 1)).rejects.toMatchObject({ foundVersion: undefined, message: 'the status of fleet other was changed by another run (it does not exist)' });
    });

    // Only a store that keeps encoded items can hold one that does not decode.
    const { malformed } = subject;
    if (malformed !== undefined) it('rejects a stored status that does not read as one, naming it', async () => {
      const { records } = await subject.create();
      await malformed.status(FLEET);
      const error = await records.getStatus(FLEET).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UnreadableItemError);
      expect((error as Error).message).toMatch(/^the stored status of fleet workers cannot be read: desiredCapacity: /);
    });
  });
}

const record = (instanceId: string): Omit<InstanceRecord, 'version'> => ({ instanceId, lifecycle: 'in-service', launchedAtMs: NOW, reason: 'launched' });
const identity = { elasticIps: [{ allocationId: 'eipalloc-1', publicIp: '198.51.100.7' }], networkInterfaces: [{ networkInterfaceId: 'eni-1', deviceIndex: 1 }], volumes: [{ volumeId: 'vol-1', device: '/dev/sdf' }] };
const drain = { purpose: 'terminate' as const, reason: 'scale in', startedAtMs: NOW, keepCapacity: false, deregisteredAtMs: NOW, stop: false };

function instancesContract(subject: StateContractSubject) {
  describe('the instance records', () => {
    it('are listed by id, changed field by field at the version read, and deleted', async () => {
      const { records } = await subject.create();
      await records.putInstance(FLEET, record('i-b'), undefined);
      await records.putInstance(FLEET, { ...record('i-a'), failedObservations: 1, identity }, undefined);
      expect(await records.listInstances(FLEET)).toEqual([
        { ...record('i-a'), failedObservations: 1, identity, version: 1 },
        { ...record('i-b'), version: 1 },
      ]);
      expect(await records.updateInstance(FLEET, 'i-b', { lifecycle: 'draining', reason: 'scale in', drain }, 1)).toBe(2);
      expect((await records.listInstances(FLEET))[1]).toEqual({ ...record('i-b'), lifecycle: 'draining', reason: 'scale in', drain, version: 2 });
      expect(await records.updateInstance(FLEET, 'i-b', { lifecycle: 'maintenance', drain: null, identity: undefined }, 2)).toBe(3);
      expect((await records.listInstances(FLEET))[1]).toEqual({ ...record('i-b'), lifecycle: 'maintenance', reason: 'scale in', version: 3 });
      await records.putInstance(FLEET, { ...record('i-b'), reason: 'adopted' }, 3);
      expect((await records.listInstances(FLEET))[1]).toEqual({ ...record('i-b'), reason: 'adopted', version: 4 });
      await records.deleteInstance(FLEET, 'i-a');
      expect((await records.listInstances(FLEET)).map((r) => r.instanceId)).toEqual(['i-b']);
      expect(await records.listInstances('other')).toEqual([]);
    });

    it('of a launch are created in batches: 60 at version 1, then changed at that version like any other', async () => {
      const { records } = await subject.create();
      const launched = Array.from({ length: 60 }, (_, i) => ({ ...record(`i-${String(i).padStart(3, '0')}`), reason: 'launched by workers/1/launch/subnet-a' }));
      await records.putNewInstances(FLEET, launched);
      await records.putNewInstances(FLEET, []);
      expect(await records.listInstances(FLEET)).toEqual(launched.map((r) => ({ ...r, version: 1 })));
      expect(await records.updateInstance(FLEET, 'i-059', { lifecycle: 'draining', reason: 'scale in', drain }, 1)).toBe(2);
      await expect(records.putInstance(FLEET, record('i-000'), undefined)).rejects.toMatchObject({ foundVersion: 1 });
    });

    it('refuse a write at a version that is no longer there', async () => {
      const { records } = await subject.create();
      await records.putInstance(FLEET, record('i-a'), undefined);
      await expect(records.putInstance(FLEET, record('i-a'), undefined)).rejects.toMatchObject({ foundVersion: 1 });
      await records.updateInstance(FLEET, 'i-a', { failedObservations: 2 }, 1);
      const stale = await records.updateInstance(FLEET, 'i-a', { failedObservations: 3 }, 1).catch((error: unknown) => error);
      expect(stale).toBeInstanceOf(ConcurrentUpdateError);
      expect((stale as Error).message).toBe(`the record of instance i-a of fleet ${FLEET} was changed by another run (it is at version 2)`);
      await expect(records.putInstance(FLEET, record('i-a'), 1)).rejects.toMatchObject({ foundVersion: 2 });
      await expect(records.updateInstance(FLEET, 'i-gone', { failedObservations: 1 }, 1)).rejects.toMatchObject({ foundVersion: undefined });
      expect(await records.listInstances(FLEET)).toEqual([{ ...record('i-a'), failedObservations: 2, version: 2 }]);
    });
  });
}

const request = (requestId: string, requestedAtMs: number): OperatorRequest => ({ requestId, kind: 'drain', instanceId: 'i-a', requestedAtMs, requestedBy: 'cli:ops' });
const evacuation: OperatorRequest = { requestId: 'r-1', kind: 'evacuate', zone: 'us-east-1a', requestedAtMs: NOW, requestedBy: 'cli:ops' };

function requestsContract(subject: StateContractSubject) {
  describe('the operator requests', () => {
    it('are listed oldest first (by time, then id), refused when queued twice, and deleted once settled', async () => {
      const { records } = await subject.create();
      await records.putRequest(FLEET, request('r-3', NOW + 2000));
      await records.putRequest(FLEET, request('r-2', NOW));
      await records.putRequest(FLEET, evacuation);
      await expect(records.putRequest(FLEET, request('r-2', NOW))).rejects.toThrow(new DuplicateRequestError(FLEET, 'r-2'));
      expect(await records.listRequests(FLEET)).toEqual([evacuation, request('r-2', NOW), request('r-3', NOW + 2000)]);
      await records.deleteRequest(FLEET, request('r-2', NOW));
      expect(await records.listRequests(FLEET)).toEqual([evacuation, request('r-3', NOW + 2000)]);
      expect(await records.listRequests('other')).toEqual([]);
    });
  });
}

/** Enough records to pass DynamoDB's 1 MB a page (each about 4 KB): a Query of them takes two pages. */
const PAGED_RECORDS = Array.from({ length: 300 }, (_, i) => ({ ...record(`i-${String(i).padStart(4, '0')}`), reason: `adopted ${'x'.repeat(4000)}` }));

function fleetSnapshotContract(subject: StateContractSubject) {
  describe.each([false, true])('the status, instance records and requests read together (keepsLoadHistory %s)', (keepsLoadHistory) => {
    const options = { keepsLoadHistory };

    it('are none for a fleet never stepped, and the status alone for a fleet with no instance or request', async () => {
      const { records } = await subject.create();
      expect(await records.readFleet(FLEET, options)).toEqual({ status: undefined, instances: [], requests: [] });
      await records.putStatus(FLEET, { step: 1, desiredCapacity: 0, recommendations: [] }, undefined);
      expect(await records.readFleet(FLEET, options)).toEqual({ status: { step: 1, desiredCapacity: 0, recommendations: [], version: 1 }, instances: [], requests: [] });
    });

    it('are read whole across pages: 300 records of about 4 KB by id, the requests oldest first, the status after them', async () => {
      const { records } = await subject.create();
      await records.putNewInstances(FLEET, PAGED_RECORDS.slice(150));
      await records.putNewInstances(FLEET, PAGED_RECORDS.slice(0, 150));
      await records.putRequest(FLEET, request('r-2', NOW + 2000));
      await records.putRequest(FLEET, request('r-1', NOW + 2000));
      await records.putRequest(FLEET, evacuation);
      await records.putStatus(FLEET, { step: 4, desiredCapacity: 300, recommendations: [] }, undefined);
      const read = await records.readFleet(FLEET, options);
      expect(read.instances.map((r) => r.instanceId)).toEqual(PAGED_RECORDS.map((r) => r.instanceId));
      expect(read.instances[299]).toEqual({ ...PAGED_RECORDS[299], version: 1 });
      expect(read.requests).toEqual([evacuation, request('r-1', NOW + 2000), request('r-2', NOW + 2000)]);
      expect(read.status).toMatchObject({ step: 4, version: 1 });
    });

    it("leave out the lease, load history, model, journal, decision log and another fleet's records", async () => {
      const { records, leases, history, journal } = await subject.create();
      await records.putInstance(FLEET, record('i-a'), undefined);
      await records.putRequest(FLEET, evacuation);
      await records.putStatus(FLEET, { step: 1, desiredCapacity: 1, recommendations: [] }, undefined);
      await leases.acquire(FLEET, 'run-a', NOW, TTL);
      await history.putLoadHistory(FLEET, 60, Array.from({ length: 120 }, (_, k) => ({ periodStartMs: NOW - (k + 1) * MINUTE, load: k })));
      await history.putForecastModel(FLEET, model);
      await journal.begin(FLEET, launch, NOW);
      await records.appendDecision(FLEET, decisionEntry(1));
      await records.putInstance(`${FLEET}-2`, record('i-z'), undefined);
      await records.putRequest(`${FLEET}-2`, request('r-9', NOW));
      await records.putStatus(`${FLEET}-2`, { step: 9, desiredCapacity: 9, recommendations: [] }, undefined);
      expect(await records.readFleet(FLEET, options)).toEqual({
        status: { step: 1, desiredCapacity: 1, recommendations: [], version: 1 },
        instances: [{ ...record('i-a'), version: 1 }],
        requests: [evacuation],
      });
    });

    const { malformed } = subject;
    if (malformed !== undefined) it('reject a stored record that does not read, naming it', async () => {
      const { records } = await subject.create();
      await records.putInstance(FLEET, record('i-a'), undefined);
      await malformed.instance(FLEET, 'i-bad');
      await expect(records.readFleet(FLEET, options)).rejects.toThrow(/^the stored record of instance i-bad of fleet workers cannot be read: lifecycle: /);
      const fresh = await subject.create();
      await malformed.status(FLEET);
      await expect(fresh.records.readFleet(FLEET, options)).rejects.toThrow(/^the stored status of fleet workers cannot be read: desiredCapacity: /);
    });
  });
}

/** A decision log entry of that step, its fields varied by the step. */
export const decisionEntry = (step: number, atMs = NOW + step * MINUTE): DecisionEntry => ({
  step,
  atMs,
  trigger: 'schedule',
  decision: {
    desiredCapacity: step,
    direction: 'out',
    reason: `scale out to ${step}`,
    ...(step % 2 === 0 ? { recommendation: step } : {}),
    capacity: { currentUnits: 1, replacingUnits: 0, warmedUnits: 1, warmingInstances: 0, instances: 1 },
    notes: step === 3 ? ['backing off'] : [],
    dryRun: false,
  },
  metric: step === 4 ? { kind: 'missing', label: 'Test/Load', why: 'no datapoint' } : { kind: 'value', value: 10 * step, timestampMs: NOW, label: 'Test/Load' },
  actions: [{ commandId: `${FLEET}/${step}/launch/subnet-1`, kind: 'launch', reason: 'scale out', outcome: 'launched i-1' }],
});

function decisionsContract(subject: StateContractSubject) {
  describe('the decision log', () => {
    it('lists the newest entries first, at most the limit', async () => {
      const { records } = await subject.create();
      for (const step of [1, 2, 4, 3, 5]) await records.appendDecision(FLEET, decisionEntry(step));
      expect(await records.listDecisions(FLEET, 3)).toEqual([decisionEntry(5), decisionEntry(4), decisionEntry(3)]);
      expect((await records.listDecisions(FLEET, 10)).map((d) => d.step)).toEqual([5, 4, 3, 2, 1]);
      expect(await records.listDecisions(FLEET, 1)).toHaveLength(1);
      expect(await records.listDecisions('other', 10)).toEqual([]);
    });

    it("lists a stopped step's entry after the step it followed, in time order, replacing no entry", async () => {
      const { records } = await subject.create();
      const stopped = (step: number, atMs: number, runId: string): DecisionEntry => ({
        ...decisionEntry(step, atMs),
        actions: [],
        stopped: { outcome: 'failed', kind: 'ServiceError', message: 'the table is gone', runId },
      });
      const entries = [decisionEntry(1), decisionEntry(2), stopped(2, NOW + 3 * MINUTE, 'run-b'), stopped(2, NOW + 4 * MINUTE, 'run-a'), decisionEntry(3)];
      for (const entry of entries) await records.appendDecision(FLEET, entry);
      await records.appendDecision(FLEET, stopped(2, NOW + 3 * MINUTE, 'run-b'));
      expect(await records.listDecisions(FLEET, 10)).toEqual([...entries].reverse());
    });

    it('never overwrites an entry: another entry for the same step is refused, the same entry again (a retried write) is not', async () => {
      const { records } = await subject.create();
      await records.appendDecision(FLEET, decisionEntry(5));
      await records.appendDecision(FLEET, decisionEntry(5));
      const other = { ...decisionEntry(5, NOW + 60_000), trigger: 'alarm Backlog' };
      await expect(records.appendDecision(FLEET, other)).rejects.toThrow(new DecisionLoggedError(FLEET, 5, decisionEntry(5).atMs));
      expect(await records.listDecisions(FLEET, 10)).toEqual([decisionEntry(5)]);
    });

    // 3,000 adopted instances (a first run over an existing fleet) and 2,000 victims in one step
    // made items past DynamoDB's 400 KB: the step had acted, and then reported itself failed.
    it.each([
      { kind: 'adopt', count: 3000, outcome: (i: number) => `adopted i-${String(i).padStart(17, '0')} as in service` },
      { kind: 'advance', count: 2000, outcome: (i: number) => `drained and terminated i-${String(i).padStart(17, '0')} after 300 s` },
    ] as const)('logs a step with $count $kind actions whole, listed with its neighbours', async ({ kind, count, outcome }) => {
      const { records } = await subject.create();
      const big: DecisionEntry = {
        ...decisionEntry(2),
        actions: Array.from({ length: count }, (_, i) => ({
          commandId: `${FLEET}/2/${kind}/i-${String(i).padStart(17, '0')}`,
          kind,
          reason: `${kind}: instance ${i} of ${count}, capacity 3000 units above the target of 1000 units (maxStep unlimited)`,
          outcome: outcome(i),
        })),
      };
      for (const entry of [decisionEntry(1), big, decisionEntry(3)]) await records.appendDecision(FLEET, entry);
      await records.appendDecision(FLEET, big);
      expect(await records.listDecisions(FLEET, 10)).toEqual([decisionEntry(3), big, decisionEntry(1)]);
      expect(await records.listDecisions(FLEET, 2)).toEqual([decisionEntry(3), big]);
      const other = { ...big, atMs: NOW + MINUTE, trigger: 'alarm Backlog' };
      await expect(records.appendDecision(FLEET, other)).rejects.toThrow(new DecisionLoggedError(FLEET, 2, big.atMs));
    });
  });
}

/** Records the points one by one and checks the history read at each time against assembleHistory of all of them. */
async function recordAndCompare(stores: StateStores, points: readonly LoadPoint[], readsAtMs: readonly number[], periodSeconds = 60) {
  for (const point of points) await stores.history.recordLoad(FLEET, periodSeconds, point);
  for (const nowMs of readsAtMs) expectAssembled((await stores.history.readHistory(FLEET, periodSeconds, nowMs))?.history, points, periodSeconds * 1000, nowMs);
}

function loadHistoryContract(subject: StateContractSubject) {
  describe('the load history', () => {
    const at = (minutes: number) => NOW - minutes * MINUTE;

    it('reads back what was recorded as assembleHistory makes it: a period replaced, gaps carried, saturation flagged', async () => {
      const stores = await subject.create();
      expect(await stores.history.readHistory(FLEET, 60, NOW)).toBeUndefined();
      await recordAndCompare(
        stores,
        [
          { periodStartMs: at(10), load: 2 },
          { periodStartMs: at(9), load: 3, saturated: true },
          { periodStartMs: at(6), load: 5 },
          { periodStartMs: at(5), load: 6, saturated: true, atMaxCapacity: true },
          { periodStartMs: at(9), load: 4 },
          { periodStartMs: at(4), load: 7, saturated: true },
          { periodStartMs: at(3), load: 7, saturated: true },
          { periodStartMs: at(2), load: 7, saturated: true },
          { periodStartMs: at(1), load: -1 },
          { periodStartMs: at(-1), load: 9 },
        ],
        [NOW, NOW + MINUTE],
      );
      const history = (await stores.history.readHistory(FLEET, 60, NOW))?.history;
      expect(Array.from(history?.values ?? [])).toEqual([2, 4, 4, 4, 5, 6, 7, 7, 7]);
      expect(Array.from(history?.saturated ?? [])).toEqual([0, 0, 0, 0, 0, 2, 1, 1, 1]);
      expect(await stores.history.readHistory(FLEET, 300, NOW)).toBeUndefined();
      expect(await stores.history.readHistory('other', 60, NOW)).toBeUndefined();
    });

    it.each([
      ['the next period', { periodStartMs: at(1), load: 8, saturated: true }],
      ['a period after a gap', { periodStartMs: at(-2), load: 8 }],
      ['a period it has', { periodStartMs: at(3), load: 1 }],
      ['a point outside the window', { periodStartMs: at(20 * 24 * 60), load: 1 }],
      ['no point', undefined],
    ] as const)('adds the step\'s point to what it read as addLoadPoint does: %s', async (_case, point) => {
      const stores = await subject.create();
      const points = [at(5), at(4), at(3), at(2)].map((periodStartMs, i) => ({ periodStartMs, load: i + 1, ...(i === 3 ? { saturated: true } : {}) }));
      for (const stored of points) await stores.history.recordLoad(FLEET, 60, stored);
      const read = await stores.history.readHistory(FLEET, 60, NOW);
      const expected = addLoadPoint(assembleHistory(points, MINUTE, NOW), point, MINUTE, NOW);
      const added = read?.withPoint(point);
      expect({ ...added, values: Array.from(added?.values ?? []), saturated: Array.from(added?.saturated ?? []) }).toEqual({
        ...expected,
        values: Array.from(expected?.values ?? []),
        saturated: Array.from(expected?.saturated ?? []),
        ...(added?.missedPeriods === undefined ? {} : { missedPeriods: added.missedPeriods }),
      });
      if (added?.missedPeriods !== undefined) {
        const flags = Array.from(added.saturated ?? []);
        expect(added.missedPeriods).toBe(flags.filter((_, k) => isMissedPeriod(flags, k, 0)).length);
      }
      if (point === undefined) return;
      await stores.history.recordLoad(FLEET, 60, point);
      expectAssembled((await stores.history.readHistory(FLEET, 60, NOW))?.history, [...points, point], MINUTE, NOW);
    });

    it(`keeps the last ${LOAD_HISTORY_DAYS} days: the history starts at the first point inside them`, async () => {
      const stores = await subject.create();
      const points = [NOW - 15 * DAY, NOW - 13 * DAY, NOW - 13 * DAY + 2 * MINUTE, NOW - DAY].map((periodStartMs, i) => ({ periodStartMs, load: i + 1 }));
      await recordAndCompare(stores, points, [NOW, NOW + DAY - MINUTE, NOW + DAY + MINUTE, NOW + 2 * DAY]);
      expect((await stores.history.readHistory(FLEET, 60, NOW + 2 * DAY))?.history.startMs).toBe(NOW - DAY);
    });

    it('takes a backfill in bulk, and keeps a period length apart from another', async () => {
      const stores = await subject.create();
      const points = Array.from({ length: 3 * 1440 }, (_, i): LoadPoint => ({
        periodStartMs: NOW - (3 * 1440 - i) * MINUTE,
        load: 10 + (i % 17),
        ...(i % 97 === 0 ? { saturated: true } : {}),
      })).filter((_, i) => i % 500 > 20);
      await stores.history.putLoadHistory(FLEET, 60, points);
      await stores.history.recordLoad(FLEET, 300, { periodStartMs: NOW - 5 * MINUTE, load: 1 });
      expectAssembled((await stores.history.readHistory(FLEET, 60, NOW))?.history, points, MINUTE, NOW);
      expectAssembled((await stores.history.readHistory(FLEET, 300, NOW))?.history, [{ periodStartMs: NOW - 5 * MINUTE, load: 1 }], 5 * MINUTE, NOW);
    });

    it('equals assembleHistory over a long mixed sequence of points', async () => {
      let seed = 7;
      const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
      let minute = 0;
      const points = Array.from({ length: 150 }, (): LoadPoint => {
        minute = random() < 0.2 ? minute - Math.floor(random() * 8) : minute + 1 + Math.floor(random() * random() * 6);
        const saturated = random() < 0.3;
        return { periodStartMs: NOW - 400 * MINUTE + minute * MINUTE, load: Math.round(random() * 50) / 4, ...(saturated ? { saturated, ...(random() < 0.3 ? { atMaxCapacity: true } : {}) } : {}) };
      });
      await recordAndCompare(await subject.create(), points, [NOW]);
    });
  });
}

const model: ForecastModel = {
  builtAtMs: NOW,
  stepMs: MINUTE,
  method: 'linear',
  errorScale: 'sqrt',
  errorTails: [[0.5, 1], [0.75]],
  errorCount: 140,
  floor: 0.01,
  coverage: 0.993,
  coverageGain: 0.0003,
  backtestSteps: 100,
  weights: [[0.5, 1, ...Array<number>(9).fill(0)]],
};

function forecastContract(subject: StateContractSubject) {
  describe('the cached forecast model', () => {
    it('is read back as stored, the newest replacing the one before', async () => {
      const { history } = await subject.create();
      expect(await history.getForecastModel(FLEET)).toBeUndefined();
      await history.putForecastModel(FLEET, { ...model, method: 'mean-15' });
      await history.putForecastModel(FLEET, model);
      expect(await history.getForecastModel(FLEET)).toEqual(model);
      expect(await history.getForecastModel('other')).toBeUndefined();
    });

    const { malformed } = subject;
    if (malformed !== undefined) it('reads as none when what is stored is not a model, so that the step fits a new one', async () => {
      const { history } = await subject.create();
      await malformed.forecastModel(FLEET);
      expect(await history.getForecastModel(FLEET)).toBeUndefined();
    });
  });
}

/** Defines the whole contract for one implementation of the state ports. */
export function describeStateContract(name: string, subject: StateContractSubject): void {
  describe(`the state ports (${name})`, () => {
    leaseContract(subject);
    journalContract(subject);
    statusContract(subject);
    instancesContract(subject);
    requestsContract(subject);
    fleetSnapshotContract(subject);
    decisionsContract(subject);
    loadHistoryContract(subject);
    forecastContract(subject);
  });
}
