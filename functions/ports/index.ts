/**
 * The ports the control step needs from the outside world. AWS adapters implement them for
 * Lambda; the simulator implements them in memory. Errors they throw are in ./errors.ts.
 */
import type { FleetConfig, MetricConfig } from '../core/config.ts';
import type { ForecastModel } from '../core/forecast/index.ts';
import type { LoadPoint } from '../core/load-history.ts';
import type { Command, FleetStatus, InstanceRecord, MetricReading, ObservedInstance, OperatorRequest, TargetHealth } from '../core/model.ts';
import type { SubnetPlacement } from '../core/placement.ts';
import type { NextStatus, StepDecision } from '../core/step/index.ts';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export type LaunchCommand = Extract<Command, { kind: 'launch' }>;

export interface LaunchRequest {
  readonly fleet: FleetConfig;
  readonly command: LaunchCommand;
}

export interface LaunchResult {
  readonly instanceIds: readonly string[];
  readonly instanceType: string;
  /** Types tried first that EC2 had no capacity for, with its message. */
  readonly skipped: readonly string[];
}

/** An instance as EC2 reports it; target health comes from the LoadBalancerPort. */
export type ComputeInstance = Omit<ObservedInstance, 'targetHealth'> & { readonly fleetTag?: string };

export interface RestoredVolume {
  readonly volumeId: string;
  readonly snapshotId: string;
  readonly snapshotStartMs: number;
}

export interface ComputePort {
  /** Every instance carrying the fleet's tag, in any state, with its identity. */
  describeFleetInstances(fleet: string): Promise<ComputeInstance[]>;
  /** Instances by id with their fleet tag value, to re-validate just before acting. */
  describeInstances(instanceIds: readonly string[]): Promise<ComputeInstance[]>;
  /** The subnets' zones; throws ResourceNotFoundError naming any that do not exist. */
  describeSubnets(subnetIds: readonly string[]): Promise<SubnetPlacement[]>;
  /** Launches with the fleet's launch template, tagged, trying the command's types in order. */
  launch(request: LaunchRequest): Promise<LaunchResult>;
  terminate(instanceIds: readonly string[]): Promise<void>;
  stop(instanceIds: readonly string[], force: boolean): Promise<void>;
  start(instanceIds: readonly string[]): Promise<void>;
  /** Re-associates an Elastic IP with another instance. */
  associateAddress(allocationId: string, instanceId: string): Promise<void>;
  /** Detaches (forced) the interface if attached elsewhere, then attaches it at deviceIndex. */
  moveNetworkInterface(networkInterfaceId: string, toInstanceId: string, deviceIndex: number): Promise<void>;
  /** Detaches the volume if attached elsewhere (forced if asked), then attaches it at device. */
  moveVolume(volumeId: string, toInstanceId: string, device: string, force: boolean): Promise<void>;
  /** Creates a volume from the volume's latest completed snapshot in a zone and attaches it. */
  restoreVolume(volumeId: string, toInstanceId: string, availabilityZone: string, device: string, fleet: string): Promise<RestoredVolume>;
  /** Stops the instance, tags why, and removes the fleet tag: it leaves the fleet, kept for forensics. */
  quarantine(instanceId: string, fleet: string, reason: string): Promise<void>;
}

export interface LoadBalancerPort {
  /** Each registered instance's health across the target groups (unhealthy in any wins). */
  targetHealth(targetGroupArns: readonly string[]): Promise<Map<string, TargetHealth>>;
  register(targetGroupArns: readonly string[], instanceId: string): Promise<void>;
  deregister(targetGroupArns: readonly string[], instanceId: string): Promise<void>;
}

/** fleetward's own EventBridge events (source "fleetward") for users' automation. */
export interface EventPublisher {
  publish(detailType: string, detail: Record<string, unknown>): Promise<void>;
}

export interface MetricDatapoint {
  readonly timestampMs: number;
  readonly value: number;
}

export interface MetricsPort {
  /** The newest datapoint of the metric; per-instance placeholders are averaged over `instanceIds`. */
  latest(metric: MetricConfig, instanceIds: readonly string[], nowMs: number): Promise<MetricReading>;
  /** Every datapoint of a metric without per-instance placeholders from fromMs to toMs, oldest first. */
  history(metric: MetricConfig, fromMs: number, toMs: number): Promise<MetricDatapoint[]>;
}

export type ActionState = 'started' | 'done' | 'failed';

export interface ActionRecord {
  readonly commandId: string;
  readonly state: ActionState;
  readonly kind: Command['kind'];
  readonly instanceIds: readonly string[];
  readonly detail?: string;
}

/** One entry of the decision log: what was seen, what was decided and why, what happened. */
export interface DecisionEntry {
  readonly step: number;
  readonly atMs: number;
  readonly trigger: string;
  readonly decision: Pick<StepDecision, 'desiredCapacity' | 'direction' | 'reason' | 'recommendation' | 'capacity' | 'notes' | 'dryRun'>;
  readonly metric: MetricReading;
  readonly actions: ReadonlyArray<{ readonly commandId: string; readonly kind: Command['kind']; readonly reason: string; readonly outcome: string }>;
}

/** Fields to set; null removes the field (a finished drain). */
export type InstanceChanges = {
  readonly [K in 'lifecycle' | 'reason' | 'failedObservations' | 'identity' | 'failover' | 'drain']?: InstanceRecord[K] | null;
};

export interface StateStore {
  acquireLease(fleet: string, owner: string, nowMs: number, ttlMs: number): Promise<void>;
  renewLease(fleet: string, owner: string, nowMs: number, ttlMs: number): Promise<void>;
  releaseLease(fleet: string, owner: string): Promise<void>;
  getStatus(fleet: string): Promise<FleetStatus | undefined>;
  /** Writes the status if its version is still `expectedVersion` (undefined: must not exist). */
  putStatus(fleet: string, next: NextStatus, expectedVersion: number | undefined): Promise<void>;
  listInstances(fleet: string): Promise<InstanceRecord[]>;
  /** Creates (expectedVersion undefined) or updates a record if its version still matches. */
  putInstance(fleet: string, record: Omit<InstanceRecord, 'version'>, expectedVersion: number | undefined): Promise<void>;
  /** Changes some fields of a record if its version still matches; returns the new version. */
  updateInstance(fleet: string, instanceId: string, changes: InstanceChanges, expectedVersion: number): Promise<number>;
  deleteInstance(fleet: string, instanceId: string): Promise<void>;
  /** Journals a command before it is carried out; returns the existing entry if there is one. */
  beginAction(fleet: string, command: Command, nowMs: number): Promise<ActionRecord | undefined>;
  finishAction(fleet: string, commandId: string, state: Exclude<ActionState, 'started'>, instanceIds: readonly string[], detail: string): Promise<void>;
  /** Queues an operator request for the fleet's next step. */
  putRequest(fleet: string, request: OperatorRequest): Promise<void>;
  /** Pending requests, oldest first. */
  listRequests(fleet: string): Promise<OperatorRequest[]>;
  deleteRequest(fleet: string, request: OperatorRequest): Promise<void>;
  appendDecision(fleet: string, entry: DecisionEntry): Promise<void>;
  /** Writes many points at once, replacing whole stored items: only for a history that is empty. */
  putLoadHistory(fleet: string, periodSeconds: number, points: readonly LoadPoint[]): Promise<void>;
  /** Adds a point to the fleet's load history; writing a period again replaces its point. */
  recordLoad(fleet: string, periodSeconds: number, point: LoadPoint): Promise<void>;
  /** The fleet's load points of this period length from fromMs on, oldest first. */
  listLoad(fleet: string, periodSeconds: number, fromMs: number): Promise<LoadPoint[]>;
  /** The cached forecast model, if one was stored and still reads as one. */
  getForecastModel(fleet: string): Promise<ForecastModel | undefined>;
  putForecastModel(fleet: string, model: ForecastModel): Promise<void>;
  listDecisions(fleet: string, limit: number): Promise<DecisionEntry[]>;
}

export interface Notifier {
  /** Tells the operators (SNS) about something they should act on. */
  notify(subject: string, message: string, details: Record<string, unknown>): Promise<void>;
}
