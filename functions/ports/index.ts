/**
 * The ports the control step needs from the outside world. AWS adapters implement them for
 * Lambda; the simulator implements them in memory. The state ports are in ./state.ts, the
 * errors they throw in ./errors.ts.
 */
import type { OpenReservation } from '../core/mix/problem.ts';
import type { TypeSize } from '../core/rightsizing/view.ts';
import type { FleetConfig, MetricConfig } from '../core/config.ts';
import type { Command, MetricReading, ObservedInstance, TargetHealth } from '../core/model.ts';
import type { SubnetPlacement } from '../core/placement.ts';
import type { DetailType } from './event-types.ts';

export * from './images.ts';
export * from './state.ts';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export type LaunchCommand = Extract<Command, { kind: 'launch' }>;

export interface LaunchRequest {
  readonly fleet: FleetConfig;
  readonly command: LaunchCommand;
  /** The deployment's owner identity: the instances get it as their fleetward:owner tag. */
  readonly owner: string;
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

/** Which open capacity reservations a fleet's launches would match: its types, zones, platform and tenancy. */
export interface ReservationQuery {
  readonly instanceTypes: readonly string[];
  readonly zones: readonly string[];
  readonly platform: string;
  readonly tenancy: 'default' | 'dedicated';
}

export interface ComputePort {
  /** Every instance carrying the fleet's tag, in any state, with its identity. */
  describeFleetInstances(fleet: string): Promise<ComputeInstance[]>;
  /** Every live instance carrying the fleet tag, whatever fleet it names, with its tag value (health unknown, no identity). */
  describeTaggedInstances(): Promise<ComputeInstance[]>;
  /** Instances by id with their state and tags, to re-validate just before acting and to register what runs; health is not read ('unknown'). */
  describeInstances(instanceIds: readonly string[]): Promise<ComputeInstance[]>;
  /** The subnets' zones; throws ResourceNotFoundError naming any that do not exist. */
  describeSubnets(subnetIds: readonly string[]): Promise<SubnetPlacement[]>;
  /** Launches with the fleet's launch template, tagged, trying the command's types in order. */
  launch(request: LaunchRequest): Promise<LaunchResult>;
  terminate(instanceIds: readonly string[]): Promise<void>;
  stop(instanceIds: readonly string[], force: boolean): Promise<void>;
  start(instanceIds: readonly string[]): Promise<void>;
  /** vCPUs and memory of each type (DescribeInstanceTypes); a type EC2 does not know fails the call. */
  describeInstanceTypes(instanceTypes: readonly string[]): Promise<Record<string, TypeSize>>;
  /** Active capacity reservations with open matching and instances available for the query (DescribeCapacityReservations, every page), summed per type and zone. */
  describeOpenCapacityReservations(query: ReservationQuery): Promise<OpenReservation[]>;
  /** Changes a stopped instance's type (rightsizing); EC2 refuses it while the instance is not stopped. */
  modifyInstanceType(instanceId: string, instanceType: string): Promise<void>;
  /** Re-associates an Elastic IP with another instance. */
  associateAddress(allocationId: string, instanceId: string): Promise<void>;
  /** Detaches (forced) the interface if attached elsewhere, then attaches it at deviceIndex. */
  moveNetworkInterface(networkInterfaceId: string, toInstanceId: string, deviceIndex: number): Promise<void>;
  /** Detaches the volume if attached elsewhere (forced if asked), then attaches it at device. */
  moveVolume(volumeId: string, toInstanceId: string, device: string, force: boolean): Promise<void>;
  /** Creates a volume from the volume's latest completed snapshot in a zone, tagged with the fleet and the owner, and attaches it. */
  restoreVolume(volumeId: string, toInstanceId: string, availabilityZone: string, device: string, tags: { fleet: string; owner: string }): Promise<RestoredVolume>;
  /** Sets the maintenance tag (why, as its value): the instance stays in maintenance without its record. */
  markMaintenance(instanceId: string, reason: string): Promise<void>;
  /** Removes the maintenance tag. */
  clearMaintenance(instanceId: string): Promise<void>;
  /** Stops the instance, tags why, and removes the fleet tag: it leaves the fleet, kept for forensics. */
  quarantine(instanceId: string, fleet: string, reason: string): Promise<void>;
}

export interface LoadBalancerPort {
  /** Each registered instance's health across the target groups (unhealthy in any wins). */
  targetHealth(targetGroupArns: readonly string[]): Promise<Map<string, TargetHealth>>;
  register(targetGroupArns: readonly string[], instanceId: string): Promise<void>;
  /** Registers the instances in one target group, in one call: all of them or, if one does not run, none. */
  registerTargets(targetGroupArn: string, instanceIds: readonly string[]): Promise<void>;
  deregister(targetGroupArns: readonly string[], instanceId: string): Promise<void>;
}

/** fleetward's own EventBridge events (source "fleetward") for users' automation. */
export interface EventPublisher {
  publish(detailType: DetailType, detail: Record<string, unknown>): Promise<void>;
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

export interface Notifier {
  /** Tells the operators (SNS) about something they should act on. */
  notify(subject: string, message: string, details: Record<string, unknown>): Promise<void>;
}
