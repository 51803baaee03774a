/**
 * The state a control step keeps between runs, one port per aggregate: the fleet's lease, the
 * action journal, the fleet's records (status, instances, operator requests, decision log) and
 * the predictive load history. DynamoDB implements them for Lambda, memory for the simulator.
 */
import type { ForecastModel } from '../core/forecast/index.ts';
import type { LoadPoint, StoredHistory } from '../core/load-history.ts';
import type { Command, FleetStatus, InstanceRecord, MetricReading, OperatorRequest, UnchangedSince } from '../core/model.ts';
import type { NextStatus, StepDecision } from '../core/step/index.ts';

/** Journal entries outlive any retry of the step that wrote them. */
export const ACTION_RETENTION_DAYS = 7;

/** One run at a time per fleet: the lease expires by itself, so a crashed run frees it. */
export interface LeaseStore {
  /**
   * Takes the fleet's lease until nowMs + ttlMs, unless another owner holds it unexpired (then
   * LeaseHeldError names the holder and the expiry). The owner may take its own lease again.
   */
  acquire(fleet: string, owner: string, nowMs: number, ttlMs: number): Promise<void>;
  /** Extends a lease the owner still holds; LeaseLostError when it expired or another owner holds it. */
  renew(fleet: string, owner: string, nowMs: number, ttlMs: number): Promise<void>;
  /** Frees the lease if the owner holds it; a lease another owner holds is left alone. */
  release(fleet: string, owner: string): Promise<void>;
}

export type ActionState = 'started' | 'done' | 'failed';

export interface ActionRecord {
  readonly commandId: string;
  readonly state: ActionState;
  readonly kind: Command['kind'];
  readonly instanceIds: readonly string[];
  readonly detail?: string;
}

/** Commands written down before they are carried out, so none is carried out twice. */
export interface ActionJournal {
  /** Journals a command as started; undefined when newly written, the existing entry otherwise. */
  begin(fleet: string, command: Command, nowMs: number): Promise<ActionRecord | undefined>;
  finish(fleet: string, commandId: string, state: Exclude<ActionState, 'started'>, instanceIds: readonly string[], detail: string): Promise<void>;
}

/** Why a step ended before it was recorded: skipped (a lost race) or failed, with the error's kind and (bounded) message. */
export interface StoppedStep {
  readonly outcome: 'skipped' | 'failed';
  readonly kind: string;
  readonly message: string;
  /** The invocation that stopped: with atMs, what tells its entry from others after the same step. */
  readonly runId: string;
}

/** One entry of the decision log: what was seen, what was decided and why, what happened. */
export interface DecisionEntry {
  /** The step decided; for a stopped step, the last step recorded before it (its entry is listed after that one). */
  readonly step: number;
  readonly atMs: number;
  readonly trigger: string;
  /** A stopped step has no capacity snapshot: it may not have observed anything. */
  readonly decision: Pick<StepDecision, 'desiredCapacity' | 'direction' | 'reason' | 'recommendation' | 'notes' | 'dryRun'> &
    Partial<Pick<StepDecision, 'capacity'>>;
  readonly metric: MetricReading;
  readonly actions: ReadonlyArray<{ readonly commandId: string; readonly kind: Command['kind']; readonly reason: string; readonly outcome: string }>;
  readonly stopped?: StoppedStep;
  /** A heartbeat: the steps since the one named changed nothing, and wrote nothing (core/step/unchanged.ts). */
  readonly unchanged?: UnchangedSince;
}

/** Whether a logged entry is this run's own (its write retried after a lost answer): the same step, time and trigger. */
export const isSameDecision = (logged: Pick<DecisionEntry, 'step' | 'atMs' | 'trigger'>, entry: DecisionEntry) =>
  logged.step === entry.step && logged.atMs === entry.atMs && logged.trigger === entry.trigger;

/** Fields to set; null removes the field (a finished drain). */
export type InstanceChanges = {
  readonly [K in 'lifecycle' | 'reason' | 'failedObservations' | 'identity' | 'failover' | 'drain']?: InstanceRecord[K] | null;
};

/** What a step reads of a fleet's records: its status (none yet for a new fleet), instance records by id, requests oldest first. */
export interface FleetSnapshot {
  readonly status: FleetStatus | undefined;
  readonly instances: readonly InstanceRecord[];
  readonly requests: readonly OperatorRequest[];
}

/**
 * What fleetward remembers of a fleet. Status and instance records are versioned: a write names
 * the version it read, and ConcurrentUpdateError says another run wrote in between.
 */
export interface FleetRecords {
  getStatus(fleet: string): Promise<FleetStatus | undefined>;
  /**
   * The status, instance records and requests together, as getStatus, listInstances and
   * listRequests would read them. `keepsLoadHistory` says the fleet stores a load history (it is
   * predictive), which a store may keep among these records and read apart from them.
   */
  readFleet(fleet: string, options: { readonly keepsLoadHistory: boolean }): Promise<FleetSnapshot>;
  /** Writes the status if its version is still `expectedVersion` (undefined: must not exist). */
  putStatus(fleet: string, next: NextStatus, expectedVersion: number | undefined): Promise<void>;
  /** The fleet's instance records, by instance id. */
  listInstances(fleet: string): Promise<readonly InstanceRecord[]>;
  /** Creates (expectedVersion undefined) or replaces a record if its version still matches. */
  putInstance(fleet: string, record: Omit<InstanceRecord, 'version'>, expectedVersion: number | undefined): Promise<void>;
  /**
   * Creates the records (version 1) of instances that have none, in batches and without a
   * condition: for instances this run has just launched or found unrecorded under its lease, whose
   * keys no other run writes (see the DynamoDB adapter for why that holds).
   */
  putNewInstances(fleet: string, records: readonly Omit<InstanceRecord, 'version'>[]): Promise<void>;
  /** Changes some fields of a record if its version still matches; returns the new version. */
  updateInstance(fleet: string, instanceId: string, changes: InstanceChanges, expectedVersion: number): Promise<number>;
  deleteInstance(fleet: string, instanceId: string): Promise<void>;
  /** Queues an operator request for the fleet's next step; a request queued twice is a DuplicateRequestError. */
  putRequest(fleet: string, request: OperatorRequest): Promise<void>;
  /** Pending requests, oldest first. */
  listRequests(fleet: string): Promise<readonly OperatorRequest[]>;
  deleteRequest(fleet: string, request: OperatorRequest): Promise<void>;
  /**
   * Adds a step's entry (a stopped step's entry goes after its step's, by time and run); entries
   * expire after the decision log's days. An entry is never replaced: another entry under a logged
   * key is a DecisionLoggedError, the same entry again (a retried write) is no change.
   */
  appendDecision(fleet: string, entry: DecisionEntry): Promise<void>;
  /** The newest `limit` entries, newest first. */
  listDecisions(fleet: string, limit: number): Promise<readonly DecisionEntry[]>;
}

/** A predictive fleet's load, one point per metric period, and its cached forecast model. */
export interface LoadHistoryStore {
  /**
   * The stored points of the last LOAD_HISTORY_DAYS as the forecast reads them: a history exactly
   * assembleHistory(points, periodSeconds * 1000, nowMs) (it may carry missedPeriods), and the way
   * to add this step's point to it (addLoadPoint's result, valid until the next write).
   */
  readHistory(fleet: string, periodSeconds: number, nowMs: number): Promise<StoredHistory | undefined>;
  /** Writes many points at once, replacing whole stored items: only for a history that is empty. */
  putLoadHistory(fleet: string, periodSeconds: number, points: readonly LoadPoint[]): Promise<void>;
  /** Adds a point to the fleet's load history; writing a period again replaces its point. */
  recordLoad(fleet: string, periodSeconds: number, point: LoadPoint): Promise<void>;
  /** The cached forecast model, if one was stored and still reads as one. */
  getForecastModel(fleet: string): Promise<ForecastModel | undefined>;
  putForecastModel(fleet: string, model: ForecastModel): Promise<void>;
}

/** An orphaned instance is reported again if it still runs this many days after it was. */
export const ORPHAN_REMINDER_DAYS = 30;

/** Which orphaned instances the operators were told about, so that each is reported once. */
export interface OrphanLedger {
  /**
   * Marks the instances reported and returns those not reported before: of two runs claiming
   * one instance, one gets it. A claimed instance whose notification then fails is not told again.
   */
  claim(instanceIds: readonly string[], nowMs: number): Promise<readonly string[]>;
}

/** Every state port a control step uses. */
export interface StateStores {
  readonly leases: LeaseStore;
  readonly journal: ActionJournal;
  readonly records: FleetRecords;
  readonly history: LoadHistoryStore;
}
