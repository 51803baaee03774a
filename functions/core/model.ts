/**
 * The plain data the decision core reads and returns: what was observed of a fleet, what
 * fleetward remembers of it, and the commands (each with its reason) it decides on.
 */

export type Ec2State = 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';
export type InstanceHealth = 'ok' | 'impaired' | 'unknown';

/** An instance carrying the fleet's tag, as EC2 reports it. */
export interface ObservedInstance {
  readonly instanceId: string;
  readonly state: Ec2State;
  readonly health: InstanceHealth;
  readonly instanceType: string;
  readonly subnetId: string;
  readonly availabilityZone: string;
  readonly launchTimeMs: number;
  /** Carries the fleetward:protected tag set to "true". */
  readonly protected: boolean;
  /** The fleetward:command-id tag: the launch command that created it, if fleetward did. */
  readonly commandId?: string;
}

/** in-service: counted and managed; terminating: fleetward asked EC2 to terminate it. */
export type Lifecycle = 'in-service' | 'terminating';

/** What fleetward remembers of one instance (DynamoDB), versioned for optimistic updates. */
export interface InstanceRecord {
  readonly instanceId: string;
  readonly lifecycle: Lifecycle;
  /** When fleetward launched or adopted it, on fleetward's clock: the start of its warm-up. */
  readonly launchedAtMs: number;
  readonly version: number;
  readonly reason: string;
}

/** One capacity recommendation, remembered for the stabilization windows. */
export interface Recommendation {
  readonly atMs: number;
  readonly capacity: number;
}

export interface LaunchFailures {
  readonly count: number;
  readonly lastAtMs: number;
  readonly lastError: string;
}

/** The fleet's policy state, carried from one step to the next. */
export interface FleetStatus {
  readonly step: number;
  readonly desiredCapacity: number;
  readonly recommendations: readonly Recommendation[];
  readonly lastScaleOutAtMs?: number;
  readonly lastScaleInAtMs?: number;
  readonly launchFailures?: LaunchFailures;
  readonly version: number;
}

/** The newest datapoint of the fleet's scaling metric, or why there is none. */
export type MetricReading =
  | { readonly kind: 'value'; readonly value: number; readonly timestampMs: number; readonly label: string }
  | { readonly kind: 'missing'; readonly label: string; readonly why: string };

export interface InstanceTypeChoice {
  readonly type: string;
  readonly weight: number;
}

export type Command =
  | {
      readonly kind: 'launch';
      readonly id: string;
      readonly subnetId: string;
      readonly availabilityZone: string;
      /** Capacity units to add; the adapter turns them into a count for the type it gets. */
      readonly capacityUnits: number;
      /** Types to try in order when EC2 has no capacity for one. */
      readonly instanceTypes: readonly InstanceTypeChoice[];
      readonly reason: string;
    }
  | { readonly kind: 'terminate'; readonly id: string; readonly instanceId: string; readonly reason: string }
  | { readonly kind: 'adopt'; readonly id: string; readonly instanceId: string; readonly launchedAtMs: number; readonly reason: string }
  | { readonly kind: 'forget'; readonly id: string; readonly instanceId: string; readonly reason: string };

export type CommandKind = Command['kind'];
