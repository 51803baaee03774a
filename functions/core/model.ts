/**
 * The plain data the decision core reads and returns: what was observed of a fleet, what
 * fleetward remembers of it, and the commands (each with its reason) it decides on.
 */

export type Ec2State = 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';
export type InstanceHealth = 'ok' | 'impaired' | 'unknown';
/** Across the fleet's target groups: unhealthy in any of them wins. */
export type TargetHealth = 'healthy' | 'unhealthy' | 'not-registered' | 'unknown';

/**
 * What makes an instance that instance, beyond its capacity: resources carrying the fleet tag
 * that failover moves to the replacement. Only the fleet's own resources are ever listed.
 */
export interface InstanceIdentity {
  readonly elasticIps: ReadonlyArray<{ readonly allocationId: string; readonly publicIp: string }>;
  /** Secondary interfaces (device index 1 and up) that outlive the instance. */
  readonly networkInterfaces: ReadonlyArray<{ readonly networkInterfaceId: string; readonly deviceIndex: number }>;
  /** Data volumes (not the root volume) that outlive the instance. */
  readonly volumes: ReadonlyArray<{ readonly volumeId: string; readonly device: string }>;
}

export const NO_IDENTITY: InstanceIdentity = { elasticIps: [], networkInterfaces: [], volumes: [] };

/** Something an event said about one instance, beyond what EC2 reports when asked. */
export interface InstanceSignal {
  readonly instanceId: string;
  readonly kind: 'spot-interruption' | 'rebalance-recommendation' | 'scheduled-event' | 'status-alarm';
  /** Human words for the decision log: the event type, its start time, the alarm name. */
  readonly detail: string;
}

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
  readonly targetHealth: TargetHealth;
  readonly identity: InstanceIdentity;
}

/**
 * in-service: counted and managed; terminating: fleetward asked EC2 to terminate it;
 * failing-over: failed, its replacement and identity move are under way (see FailoverPlan).
 */
export type Lifecycle = 'in-service' | 'terminating' | 'failing-over';

/** A failover decided for one instance, kept in its record until every step of it is done. */
export interface FailoverPlan {
  readonly cause: string;
  readonly subnetId: string;
  readonly availabilityZone: string;
  readonly instanceType: string;
  readonly units: number;
  readonly identity: InstanceIdentity;
  /** Data volumes are restored from their latest snapshot in the replacement's zone. */
  readonly restoreVolumes: boolean;
  readonly retire: 'terminate' | 'quarantine';
  readonly decidedAtMs: number;
  /** Set once the replacement is launched. */
  readonly replacementId?: string;
}

/** What fleetward remembers of one instance (DynamoDB), versioned for optimistic updates. */
export interface InstanceRecord {
  readonly instanceId: string;
  readonly lifecycle: Lifecycle;
  /** When fleetward launched or adopted it, on fleetward's clock: the start of its warm-up. */
  readonly launchedAtMs: number;
  readonly version: number;
  readonly reason: string;
  /** Consecutive observations with failed status checks or unhealthy targets. */
  readonly failedObservations?: number;
  /** Its identity as last observed: still known after the instance is gone. */
  readonly identity?: InstanceIdentity;
  readonly failover?: FailoverPlan;
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
  | { readonly kind: 'forget'; readonly id: string; readonly instanceId: string; readonly reason: string }
  /** Remember health observations and identity in the record (no AWS call). */
  | {
      readonly kind: 'track';
      readonly id: string;
      readonly instanceId: string;
      readonly failedObservations: number;
      readonly identity: InstanceIdentity;
      readonly reason: string;
    }
  /** Replace a failed instance and move its identity; repeated each step until done. */
  | { readonly kind: 'failover'; readonly id: string; readonly instanceId: string; readonly plan: FailoverPlan; readonly reason: string };

export type CommandKind = Command['kind'];
