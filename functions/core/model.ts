/**
 * The plain data the decision core reads and returns: what was observed of a fleet, what
 * fleetward remembers of it, and the commands (each with its reason) it decides on.
 */
import type { CapacityExclusion } from './mix/problem.ts';

export type { CapacityExclusion };

export type Ec2State = 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';
export type InstanceHealth = 'ok' | 'impaired' | 'unknown';
/**
 * Across the fleet's target groups: unhealthy in any of them wins. draining: deregistered, its
 * connections still draining: still registered as far as a drain's wait is concerned.
 */
export type TargetHealth = 'healthy' | 'unhealthy' | 'draining' | 'not-registered' | 'unknown';

/**
 * What makes an instance that instance, beyond its capacity: resources carrying the fleet tag
 * that failover moves to the replacement. Only the fleet's own resources are ever listed.
 */
export interface InstanceIdentity {
  readonly elasticIps: ReadonlyArray<{ readonly allocationId: string; readonly publicIp: string } & ResourceOwner>;
  /** Secondary interfaces (device index 1 and up) that outlive the instance. */
  readonly networkInterfaces: ReadonlyArray<{ readonly networkInterfaceId: string; readonly deviceIndex: number } & ResourceOwner>;
  /** Data volumes (not the root volume) that outlive the instance. */
  readonly volumes: ReadonlyArray<{ readonly volumeId: string; readonly device: string } & ResourceOwner>;
}

/** An identity resource's fleetward:owner tag, when it carries one: whether a failover may move it (./identity-ownership.ts). */
export interface ResourceOwner {
  readonly owner?: string;
}

export const NO_IDENTITY: InstanceIdentity = { elasticIps: [], networkInterfaces: [], volumes: [] };

/** Something an event said about one instance, beyond what EC2 reports when asked. */
export interface InstanceSignal {
  readonly instanceId: string;
  readonly kind: 'spot-interruption' | 'rebalance-recommendation' | 'scheduled-event' | 'status-alarm';
  /** Human words for the decision log: the event type, its start time, the alarm name. */
  readonly detail: string;
  /** A status-check alarm's fleet, when one owns it (named fleetward-<fleet>-… or listed in its config). */
  readonly alarmOwner?: string;
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
  /** Carries the fleetward:do-not-disrupt tag set to "true": no voluntary method takes it out. */
  readonly doNotDisrupt?: boolean;
  /** The fleetward:command-id tag: the launch command that created it, if fleetward did. */
  readonly commandId?: string;
  /** The fleetward:owner tag: the deployment that launched it, if any did. */
  readonly owner?: string;
  /** Carries the fleetward:maintenance tag: it was put into maintenance. */
  readonly maintenance?: boolean;
  /** The image it was launched from, when EC2 says. */
  readonly imageId?: string;
  /** A Spot instance (EC2's instance lifecycle spot); absent: on-demand. */
  readonly market?: 'spot';
  readonly targetHealth: TargetHealth;
  readonly identity: InstanceIdentity;
}

/**
 * in-service: counted and managed; terminating: fleetward asked EC2 to terminate it;
 * failing-over: failed, its replacement and identity move are under way (see FailoverPlan);
 * draining: being taken out of service (see DrainState); maintenance: out of service, touched by
 * nothing; returning: coming back from maintenance; pooled: a member of the fleet's warm pool
 * (being prepared, or stopped and ready), not in service and not counted as capacity.
 */
export type Lifecycle = 'in-service' | 'terminating' | 'failing-over' | 'draining' | 'maintenance' | 'returning' | 'pooled';

/** A drain under way, checkpointed in the instance's record so that it outlives one invocation. */
export interface DrainState {
  /** maintenance: keep the instance out of service; terminate: scale-in, evacuation; resize: stop, change its type, start (rightsizing a singleton). */
  readonly purpose: 'maintenance' | 'terminate' | 'resize';
  /** For resize: the instance type it gets while stopped. */
  readonly resizeTo?: string;
  /** For a drain that keeps capacity: the type its replacement launches as (rightsizing a fleet); absent: the usual launch path chooses. */
  readonly replaceWith?: string;
  readonly reason: string;
  readonly startedAtMs: number;
  /** Wait until the rest of the fleet is back at desired capacity before taking it out (not for scale-in). */
  readonly keepCapacity: boolean;
  /** When deregistration from the target groups was asked for. */
  readonly deregisteredAtMs?: number;
  /** When the Instance Draining event went out (the continue timeout runs from here). */
  readonly notifiedAtMs?: number;
  /** The user's hook said continue, or the last heartbeat extending the wait. */
  readonly continuedAtMs?: number;
  readonly heartbeatAtMs?: number;
  /** Stop the instance once in maintenance. */
  readonly stop: boolean;
}

/** mark-maintenance / clear-maintenance: set or remove the instance's maintenance tag; modify-type: the resize's new type, while stopped. */
export type DrainAction = 'deregister' | 'notify' | 'stop' | 'terminate' | 'register' | 'start' | 'mark-maintenance' | 'clear-maintenance' | 'modify-type';

/** A request from an operator (CLI or API), settled by the next step under the fleet's lease. */
export interface OperatorRequest {
  readonly requestId: string;
  readonly kind: 'drain' | 'maintenance-enter' | 'maintenance-exit' | 'continue' | 'heartbeat' | 'cancel' | 'evacuate' | 'pause' | 'resume';
  readonly instanceId?: string;
  /** For evacuate: the zone or subnet to empty. */
  readonly zone?: string;
  readonly subnetId?: string;
  readonly requestedAtMs: number;
  readonly requestedBy: string;
}

/** A failover decided for one instance, kept in its record until every step of it is done. */
export interface FailoverPlan {
  readonly cause: string;
  readonly subnetId: string;
  readonly availabilityZone: string;
  readonly instanceType: string;
  /** A Spot replacement (the mix's cell); absent: on-demand. */
  readonly market?: 'spot';
  readonly units: number;
  /** What the failover carries: only the identity it may move. */
  readonly identity: InstanceIdentity;
  /** Why each identity resource it does not carry stays where it is; absent: it carries all. */
  readonly leftInPlace?: readonly string[];
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
  readonly drain?: DrainState;
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

/**
 * A roll of the fleet onto another image (docs/images.md#rolls), checkpointed in the fleet's status.
 * rolling: replacing instances up to the checkpoint's share; baking: at the checkpoint, waiting;
 * rolling-back: the alarm fired, back onto the previous image; done / rolled-back: finished.
 */
export interface RollState {
  readonly targetImageId: string;
  readonly previousImageId: string;
  readonly phase: 'rolling' | 'baking' | 'done' | 'rolling-back' | 'rolled-back';
  /** Index into images.roll.checkpoints of the checkpoint being reached or baked. */
  readonly checkpoint: number;
  readonly startedAtMs: number;
  readonly bakeStartedAtMs?: number;
  /** An image a roll was rolled back from: never rolled onto again. */
  readonly refusedImageId?: string;
  readonly reason: string;
}

/** The fleet's policy state, carried from one step to the next. */
export interface FleetStatus {
  readonly step: number;
  readonly desiredCapacity: number;
  readonly recommendations: readonly Recommendation[];
  readonly lastScaleOutAtMs?: number;
  readonly lastScaleInAtMs?: number;
  readonly launchFailures?: LaunchFailures;
  /** An operator paused the fleet: steps record what they see and act on nothing. */
  readonly paused?: boolean;
  /** Zones and subnets being emptied by an evacuation. */
  readonly evacuating?: { readonly zones: readonly string[]; readonly subnets: readonly string[] };
  /** Instances of the fleet left alone as not this deployment's, as last reported (at most UNOWNED_REMEMBERED). */
  readonly unowned?: readonly string[];
  /** The roll onto another image, while one runs and after it ended. */
  readonly roll?: RollState;
  /** Disruptions started in the current window of each `per` budget (disruption.budgets[budget]). */
  readonly budgetWindows?: readonly BudgetWindowCount[];
  /** Since when the scaling metric has read zero, for a fleet with idle. */
  readonly idleSinceMs?: number;
  /** The window start of the last schedule that set the desired capacity, so it is set once per window. */
  readonly scheduledDesiredAtMs?: number;
  /** Type+zone cells the mix leaves out after a capacity error, until each expires (at most MAX_MIX_EXCLUSIONS). */
  readonly mixExclusions?: readonly CapacityExclusion[];
  /** The last reading was missing or near the value that scales the fleet out: the next step reads the metric (./metric-cadence.ts). */
  readonly metricUnsettled?: true;
  /** The newest decision log entry written: when, and its decision's digest (./step/unchanged.ts), to tell a step that changes nothing. */
  readonly logged?: LoggedDecision;
  /** Set by a heartbeat entry: the last step that changed something, and when it was logged. */
  readonly unchangedSince?: UnchangedSince;
  readonly version: number;
}

export interface LoggedDecision {
  readonly atMs: number;
  readonly digest: string;
  /** The digest of the decision but its reason: what a step that did not read the metric compares (./step/unchanged.ts). */
  readonly outcomeDigest?: string;
}

export interface UnchangedSince {
  readonly sinceStep: number;
  readonly sinceMs: number;
}

/** How many disruptions a `per` budget has seen start in the window that started at windowStartMs. */
export interface BudgetWindowCount {
  readonly budget: number;
  readonly windowStartMs: number;
  readonly used: number;
}

/** The newest datapoint of the fleet's scaling metric, or why there is none. */
export type MetricReading =
  | { readonly kind: 'value'; readonly value: number; readonly timestampMs: number; readonly label: string }
  | { readonly kind: 'missing'; readonly label: string; readonly why: string }
  /** Not read this step: the fleet is steady, so it decides on its standing recommendation (../core/metric-cadence.ts). */
  | { readonly kind: 'not-read'; readonly label: string; readonly why: string };

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
      /** Launch this image instead of the launch template's (a roll's image). */
      readonly imageId?: string;
      /** Launch Spot instances (InstanceMarketOptions); absent: on-demand. */
      readonly market?: 'spot';
      /** Launch into the warm pool: recorded as pooled, never registered, stopped once prepared. */
      readonly pool?: true;
      readonly reason: string;
    }
  /**
   * Act on warm pool members: start stopped ones into service (recorded in service, warming up
   * from now), stop prepared ones into the pool, or terminate ones past warmPool.maxPreparedAgeSeconds.
   */
  | {
      readonly kind: 'pool';
      readonly id: string;
      readonly action: 'start' | 'stop' | 'terminate';
      readonly instanceIds: readonly string[];
      readonly reason: string;
    }
  /** Settle an operator request: apply its change to the record, or refuse it with the reason. */
  | {
      readonly kind: 'settle';
      readonly id: string;
      readonly requestId: string;
      readonly accepted: boolean;
      readonly instanceId?: string;
      readonly record?: InstanceRecord;
      readonly reregister?: boolean;
      readonly reason: string;
    }
  /**
   * Take a drain (scale-in, evacuation, operator) or a return from maintenance as far as it goes
   * this step: carry out the actions in order, then checkpoint the drain and the lifecycle.
   */
  | {
      readonly kind: 'advance';
      readonly id: string;
      readonly instanceId: string;
      /** The journal key of the actions: stable across the steps of one drain. */
      readonly journalKey: string;
      readonly actions: readonly DrainAction[];
      readonly drain?: DrainState;
      readonly lifecycle: Lifecycle | 'forget';
      readonly reason: string;
    }
  /** Record a live instance that has no record: in service, or in maintenance when its tag says so, or pooled when a pool launch made it and it is stopped. */
  | {
      readonly kind: 'adopt';
      readonly id: string;
      readonly instanceId: string;
      readonly launchedAtMs: number;
      readonly lifecycle: 'in-service' | 'maintenance' | 'pooled';
      readonly reason: string;
    }
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
  | {
      readonly kind: 'failover';
      readonly id: string;
      readonly instanceId: string;
      readonly plan: FailoverPlan;
      /** Launch the replacement from this image instead of the launch template's (a roll's image). */
      readonly imageId?: string;
      readonly reason: string;
    };
