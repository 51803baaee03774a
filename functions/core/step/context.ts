/**
 * What a control step's decision reads and returns, and the read-only context every phase of it
 * shares: the input plus what is derived from it once (the step number, instances by id).
 */
import type { RightsizingView } from '../rightsizing/view.ts';
import type { FleetConfig } from '../config.ts';
import type { ForecastModel } from '../forecast/index.ts';
import type { ImageView } from '../images/roll.ts';
import type { LoadPoint, PredictiveState } from '../load-history.ts';
import type { MixView } from '../mix/view.ts';
import type { Command, FleetStatus, InstanceRecord, InstanceSignal, MetricReading, ObservedInstance, OperatorRequest } from '../model.ts';
import type { SubnetPlacement } from '../placement.ts';
import type { ScalingDirection } from '../scaling.ts';
import { type OwnershipReport, type OwnershipSort, sortByOwner } from './ownership.ts';

export interface StepInput {
  readonly fleet: FleetConfig;
  /** This deployment's owner identity: the fleetward:owner tag value it launches with. */
  readonly owner: string;
  /** How many fleets this deployment configures: beyond 100 a failover moves only identity with its owner tag. Absent: 1. */
  readonly deploymentFleets?: number;
  readonly status: FleetStatus | undefined;
  readonly records: readonly InstanceRecord[];
  readonly observed: readonly ObservedInstance[];
  /** The fleet's subnets with their zones, in config order. */
  readonly subnets: readonly SubnetPlacement[];
  readonly metric: MetricReading;
  readonly nowMs: number;
  /** What events said about instances (interruption warnings, scheduled events, alarms). */
  readonly signals?: readonly InstanceSignal[];
  /** Operator requests waiting to be settled, oldest first. */
  readonly requests?: readonly OperatorRequest[];
  /** Stored load history and cached forecast model, for fleets with scaling.predictive. */
  readonly predictive?: PredictiveState;
  /** What the shell read of images, for fleets with images.roll. */
  readonly images?: ImageView;
  /** Without a status: the newest step in the decision log, if it has any (the status was lost). */
  readonly loggedStep?: number;
  /** What the shell read for rightsizing a singleton fleet, inside its maintenance window. */
  readonly rightsizing?: RightsizingView;
  /** The fleet's exact mix, solved by the shell this step, for fleets with a mix section. */
  readonly mix?: MixView;
}

export interface CapacitySnapshot {
  readonly currentUnits: number;
  /** Units of failed instances whose replacement is not launched yet. */
  readonly replacingUnits: number;
  readonly warmedUnits: number;
  readonly warmingInstances: number;
  readonly instances: number;
}

/** The status the shell writes back, once the commands are carried out. */
export type NextStatus = Omit<FleetStatus, 'version'>;

export interface StepDecision {
  readonly step: number;
  readonly desiredCapacity: number;
  readonly direction: ScalingDirection;
  /** Why the desired capacity is what it is. */
  readonly reason: string;
  readonly recommendation?: number;
  readonly capacity: CapacitySnapshot;
  readonly commands: readonly Command[];
  /** Why capacity was not closed this step, when it was not (backoff, nothing removable, a budget). */
  readonly notes: readonly string[];
  readonly dryRun: boolean;
  readonly nextStatus: NextStatus;
  /** The load this step observed, for the shell to add to the history (scaling.predictive). */
  readonly loadPoint?: LoadPoint;
  /** A forecast model fitted this step, for the shell to cache in place of the old one. */
  readonly forecastModel?: ForecastModel;
  /** The instances of the fleet left alone as not this deployment's. */
  readonly unowned: OwnershipReport;
  /** The step decided on the standing recommendation without reading the metric (../metric-cadence.ts). */
  readonly metricNotRead?: true;
}

/** Zones and subnets being emptied by an evacuation. */
export type Evacuation = NonNullable<FleetStatus['evacuating']>;

export const NO_EVACUATION: Evacuation = { zones: [], subnets: [] };

/** What every phase reads. Phases return what they decide; none changes the context. */
export interface StepContext {
  readonly fleet: FleetConfig;
  readonly owner: string;
  readonly deploymentFleets: number;
  readonly status: FleetStatus | undefined;
  /** This step's number: one more than the last recorded step (see stepNumber). */
  readonly step: number;
  readonly nowMs: number;
  readonly subnets: readonly SubnetPlacement[];
  /** The instances this deployment manages: the others are in `ownership` only (./ownership.ts). */
  readonly observed: readonly ObservedInstance[];
  readonly ownership: OwnershipSort;
  readonly observedById: ReadonlyMap<string, ObservedInstance>;
  /** What the signals say of each instance, by id (most instances have none). */
  readonly signalsById: ReadonlyMap<string, readonly InstanceSignal[]>;
  /** The fleet's exact mix this step, when it has one (see StepInput.mix). */
  readonly mix?: MixView;
}

function bySubject(signals: readonly InstanceSignal[]): Map<string, InstanceSignal[]> {
  const byId = new Map<string, InstanceSignal[]>();
  for (const signal of signals) byId.set(signal.instanceId, [...(byId.get(signal.instanceId) ?? []), signal]);
  return byId;
}

/**
 * One more than the status's step. Without a status but with a decision log, the status was lost:
 * numbering goes on two past the newest entry, since the lost status may have been one step ahead
 * of its log (a run that stopped between the two writes). Command ids carry the step number, so
 * they never meet the journaled commands of a step before the loss; a retried step, reading the
 * same log, numbers itself the same.
 */
function stepNumber(input: StepInput): number {
  if (input.status !== undefined) return input.status.step + 1;
  return input.loggedStep === undefined ? 1 : input.loggedStep + 2;
}

export function stepContext(input: StepInput): StepContext {
  const ownership = sortByOwner(input.fleet, input.owner, input.observed);
  return {
    fleet: input.fleet,
    owner: input.owner,
    deploymentFleets: input.deploymentFleets ?? 1,
    status: input.status,
    step: stepNumber(input),
    nowMs: input.nowMs,
    subnets: input.subnets,
    observed: ownership.managed,
    ownership,
    observedById: byInstanceId(ownership.managed),
    signalsById: bySubject(input.signals ?? []),
    ...(input.mix === undefined ? {} : { mix: input.mix }),
  };
}

/** The items by their instance id (a loop: this runs on every step for every instance). */
export function byInstanceId<T extends { readonly instanceId: string }>(items: readonly T[]): Map<string, T> {
  const byId = new Map<string, T>();
  for (const item of items) byId.set(item.instanceId, item);
  return byId;
}

/** EC2 states in which an instance serves or is about to. */
export const ALIVE: ReadonlySet<string> = new Set(['pending', 'running']);

/** Whether EC2 no longer runs the instance: not reported, or terminated. */
export const isGone = (instance: ObservedInstance | undefined) => instance === undefined || instance.state === 'terminated';

/** Whether an instance or subnet lies in a zone or subnet being evacuated. */
export const isEvacuated = (evacuating: Evacuation, place: { readonly availabilityZone: string; readonly subnetId: string }) =>
  evacuating.zones.includes(place.availabilityZone) || evacuating.subnets.includes(place.subnetId);
