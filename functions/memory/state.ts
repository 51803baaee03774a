/**
 * The four state ports in memory, for the simulator and the tests: the DynamoDB adapters'
 * conditional-write and version semantics (lease owner and expiry, versioned status and instance
 * records, a journal that hands back the entry it has), retention by the callers' clock times so
 * that memory stays bounded, and values frozen when written so that reads return them as stored.
 */
import type { ForecastModel } from '../core/forecast/index.ts';
import type { LoadPoint, StoredHistory } from '../core/load-history.ts';
import type { Command, FleetStatus, InstanceRecord, OperatorRequest } from '../core/model.ts';
import type { NextStatus } from '../core/step/index.ts';
import { ConcurrentUpdateError, DecisionLoggedError, DuplicateRequestError, LeaseHeldError, LeaseLostError, recordNames } from '../ports/errors.ts';
import {
  ACTION_RETENTION_DAYS,
  type ActionJournal,
  type ActionRecord,
  type ActionState,
  type DecisionEntry,
  type FleetRecords,
  type FleetSnapshot,
  type InstanceChanges,
  type LeaseStore,
  type LoadHistoryStore,
  type StateStores,
  isSameDecision,
} from '../ports/state.ts';
import { DecisionLog } from './decision-log.ts';
import { frozenCopy } from './frozen.ts';
import { LoadSeries } from './load-series.ts';

const DAY_MS = 86_400_000;
const NONE: readonly never[] = Object.freeze([]);

export class MemoryLeaseStore implements LeaseStore {
  private readonly leases = new Map<string, { readonly owner: string; readonly expiresAtMs: number }>();

  async acquire(fleet: string, owner: string, nowMs: number, ttlMs: number): Promise<void> {
    const held = this.leases.get(fleet);
    if (held !== undefined && held.owner !== owner && held.expiresAtMs >= nowMs) throw new LeaseHeldError(fleet, held.owner, held.expiresAtMs);
    this.leases.set(fleet, { owner, expiresAtMs: nowMs + ttlMs });
  }

  async renew(fleet: string, owner: string, nowMs: number, ttlMs: number): Promise<void> {
    const held = this.leases.get(fleet);
    if (held === undefined || held.owner !== owner || held.expiresAtMs < nowMs) throw new LeaseLostError(fleet, owner);
    this.leases.set(fleet, { owner, expiresAtMs: nowMs + ttlMs });
  }

  async release(fleet: string, owner: string): Promise<void> {
    if (this.leases.get(fleet)?.owner === owner) this.leases.delete(fleet);
  }

  reset(): void {
    this.leases.clear();
  }
}

export class MemoryActionJournal implements ActionJournal {
  /** Per fleet, in the order begun: the oldest expire first. */
  private readonly fleets = new Map<string, Map<string, { readonly startedAtMs: number; readonly record: ActionRecord }>>();

  async begin(fleet: string, command: Command, nowMs: number): Promise<ActionRecord | undefined> {
    const entries = this.fleets.get(fleet) ?? new Map();
    this.fleets.set(fleet, entries);
    for (const [commandId, entry] of entries) {
      if (entry.startedAtMs + ACTION_RETENTION_DAYS * DAY_MS >= nowMs) break;
      entries.delete(commandId);
    }
    const existing = entries.get(command.id);
    if (existing !== undefined) return existing.record;
    const state: ActionState = 'started';
    entries.set(command.id, { startedAtMs: nowMs, record: frozenCopy({ commandId: command.id, state, kind: command.kind, instanceIds: [] }) });
    return undefined;
  }

  async finish(fleet: string, commandId: string, state: Exclude<ActionState, 'started'>, instanceIds: readonly string[], detail: string): Promise<void> {
    const entries = this.fleets.get(fleet);
    const entry = entries?.get(commandId);
    if (entries === undefined || entry === undefined) return;
    entries.set(commandId, { ...entry, record: frozenCopy({ ...entry.record, state, instanceIds, detail }) });
  }

  reset(): void {
    this.fleets.clear();
  }
}

interface FleetState {
  status?: FleetStatus;
  readonly instances: Map<string, InstanceRecord>;
  /** The instances by id, until one changes. */
  listed?: readonly InstanceRecord[];
  /** By request sort key: time, then id. */
  readonly requests: Map<string, OperatorRequest>;
  readonly decisions: DecisionLog;
}

const requestKey = (request: OperatorRequest) => `${String(request.requestedAtMs).padStart(15, '0')}#${request.requestId}`;
const byKey = <T>([a]: readonly [string, T], [b]: readonly [string, T]) => (a < b ? -1 : a > b ? 1 : 0);

/** Whether a versioned write expecting `expectedVersion` (undefined: no record) finds it. */
const versionMatches = (current: { readonly version: number } | undefined, expectedVersion: number | undefined) =>
  expectedVersion === undefined ? current === undefined : current?.version === expectedVersion;

export class MemoryFleetRecords implements FleetRecords {
  private readonly fleets = new Map<string, FleetState>();

  constructor(private readonly decisionLogDays: number) {}

  private fleet(fleet: string): FleetState {
    let state = this.fleets.get(fleet);
    if (state === undefined) {
      state = { instances: new Map(), requests: new Map(), decisions: new DecisionLog(this.decisionLogDays * DAY_MS) };
      this.fleets.set(fleet, state);
    }
    return state;
  }

  async getStatus(fleet: string): Promise<FleetStatus | undefined> {
    return this.fleets.get(fleet)?.status;
  }

  async readFleet(fleet: string): Promise<FleetSnapshot> {
    const [status, instances, requests] = await Promise.all([this.getStatus(fleet), this.listInstances(fleet), this.listRequests(fleet)]);
    return { status, instances, requests };
  }

  async putStatus(fleet: string, next: NextStatus, expectedVersion: number | undefined): Promise<void> {
    const state = this.fleet(fleet);
    if (!versionMatches(state.status, expectedVersion)) throw new ConcurrentUpdateError(recordNames.status(fleet), state.status?.version);
    state.status = frozenCopy({ ...next, version: (expectedVersion ?? 0) + 1 });
  }

  async listInstances(fleet: string): Promise<readonly InstanceRecord[]> {
    const state = this.fleets.get(fleet);
    if (state === undefined) return NONE;
    state.listed ??= Object.freeze([...state.instances].sort(byKey).map(([, record]) => record));
    return state.listed;
  }

  async putInstance(fleet: string, record: Omit<InstanceRecord, 'version'>, expectedVersion: number | undefined): Promise<void> {
    const state = this.fleet(fleet);
    const current = state.instances.get(record.instanceId);
    if (!versionMatches(current, expectedVersion)) throw new ConcurrentUpdateError(recordNames.instance(fleet, record.instanceId), current?.version);
    this.setInstance(state, { ...record, version: (expectedVersion ?? 0) + 1 });
  }

  /** Unconditional, as the DynamoDB adapter's batch: a record already there is replaced. */
  async putNewInstances(fleet: string, records: readonly Omit<InstanceRecord, 'version'>[]): Promise<void> {
    const state = this.fleet(fleet);
    for (const record of records) this.setInstance(state, { ...record, version: 1 });
  }

  async updateInstance(fleet: string, instanceId: string, changes: InstanceChanges, expectedVersion: number): Promise<number> {
    const state = this.fleet(fleet);
    const current = state.instances.get(instanceId);
    if (!versionMatches(current, expectedVersion)) throw new ConcurrentUpdateError(recordNames.instance(fleet, instanceId), current?.version);
    const fields = Object.entries(changes).filter(([, value]) => value !== undefined);
    const removed = new Set(fields.flatMap(([field, value]) => (value === null ? [field] : [])));
    const changed = { ...current, ...Object.fromEntries(fields.filter(([, value]) => value !== null)), version: expectedVersion + 1 };
    this.setInstance(state, Object.fromEntries(Object.entries(changed).filter(([field]) => !removed.has(field))) as unknown as InstanceRecord);
    return expectedVersion + 1;
  }

  async deleteInstance(fleet: string, instanceId: string): Promise<void> {
    const state = this.fleets.get(fleet);
    if (state?.instances.delete(instanceId) === true) state.listed = undefined;
  }

  private setInstance(state: FleetState, record: InstanceRecord): void {
    state.instances.set(record.instanceId, frozenCopy(record));
    state.listed = undefined;
  }

  async putRequest(fleet: string, request: OperatorRequest): Promise<void> {
    const { requests } = this.fleet(fleet);
    if (requests.has(requestKey(request))) throw new DuplicateRequestError(fleet, request.requestId);
    requests.set(requestKey(request), frozenCopy(request));
  }

  async listRequests(fleet: string): Promise<readonly OperatorRequest[]> {
    const requests = this.fleets.get(fleet)?.requests;
    return requests === undefined || requests.size === 0 ? NONE : [...requests].sort(byKey).map(([, request]) => request);
  }

  async deleteRequest(fleet: string, request: OperatorRequest): Promise<void> {
    this.fleets.get(fleet)?.requests.delete(requestKey(request));
  }

  async appendDecision(fleet: string, entry: DecisionEntry): Promise<void> {
    const logged = this.fleet(fleet).decisions.append(frozenCopy(entry));
    if (logged !== undefined && !isSameDecision(logged, entry)) throw new DecisionLoggedError(fleet, entry.step, logged.atMs);
  }

  async listDecisions(fleet: string, limit: number): Promise<readonly DecisionEntry[]> {
    return this.fleets.get(fleet)?.decisions.newest(limit) ?? NONE;
  }

  reset(): void {
    this.fleets.clear();
  }
}

export class MemoryLoadHistoryStore implements LoadHistoryStore {
  /** By fleet and period length. */
  private readonly series = new Map<string, LoadSeries>();
  private readonly models = new Map<string, ForecastModel>();

  private seriesOf(fleet: string, periodSeconds: number): LoadSeries {
    const key = `${fleet}#${periodSeconds}`;
    let series = this.series.get(key);
    if (series === undefined) {
      series = new LoadSeries(periodSeconds * 1000);
      this.series.set(key, series);
    }
    return series;
  }

  /** Views into the kept arrays, valid until the fleet's history is written again. */
  async readHistory(fleet: string, periodSeconds: number, nowMs: number): Promise<StoredHistory | undefined> {
    return this.series.get(`${fleet}#${periodSeconds}`)?.read(nowMs);
  }

  async putLoadHistory(fleet: string, periodSeconds: number, points: readonly LoadPoint[]): Promise<void> {
    const series = this.seriesOf(fleet, periodSeconds);
    // Oldest first, so that each point extends the series; a stable sort keeps the last of a period last.
    for (const point of [...points].sort((a, b) => a.periodStartMs - b.periodStartMs)) series.record(point);
  }

  async recordLoad(fleet: string, periodSeconds: number, point: LoadPoint): Promise<void> {
    this.seriesOf(fleet, periodSeconds).record(point);
  }

  async getForecastModel(fleet: string): Promise<ForecastModel | undefined> {
    return this.models.get(fleet);
  }

  async putForecastModel(fleet: string, model: ForecastModel): Promise<void> {
    this.models.set(fleet, frozenCopy(model));
  }

  reset(): void {
    this.series.clear();
    this.models.clear();
  }
}

/** All four in memory, with one reset. */
export class MemoryState implements StateStores {
  readonly leases = new MemoryLeaseStore();
  readonly journal = new MemoryActionJournal();
  readonly records: MemoryFleetRecords;
  readonly history = new MemoryLoadHistoryStore();

  constructor(options: { readonly decisionLogDays: number }) {
    this.records = new MemoryFleetRecords(options.decisionLogDays);
  }

  /** Forgets everything, as a fresh table would. */
  reset(): void {
    this.leases.reset();
    this.journal.reset();
    this.records.reset();
    this.history.reset();
  }
}
