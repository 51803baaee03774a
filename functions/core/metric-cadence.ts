/**
 * The metric read cadence: whether a step reads the fleet's scaling metric or decides on its
 * standing recommendation. GetMetricData bills every metric read, so a steady fleet reads every
 * scaling.metricReads.steadyEveryMinutes-th minute (from the clock and a fixed offset of the
 * fleet's name: nothing is written to remember it); anything that could move its capacity reads.
 */
import type { FleetConfig, MetricConfig } from './config.ts';
import { fnv1a32 } from './fnv1a.ts';
import type { FleetStatus, InstanceRecord, InstanceSignal, MetricReading, ObservedInstance, OperatorRequest } from './model.ts';

export interface MetricReadSettings {
  readonly steadyEveryMinutes: number;
  readonly headroomPercent: number;
}

/** scaling.metricReads when a fleet leaves it out: every step reads. */
export const DEFAULT_METRIC_READS: MetricReadSettings = { steadyEveryMinutes: 1, headroomPercent: 0 };

export const metricReadsOf = (scaling: Pick<FleetConfig['scaling'], 'metricReads'>): MetricReadSettings => ({ ...DEFAULT_METRIC_READS, ...scaling.metricReads });

export interface CadenceInput {
  readonly fleet: Pick<FleetConfig, 'name' | 'scaling' | 'idle'>;
  readonly status: FleetStatus | undefined;
  readonly records: readonly InstanceRecord[];
  readonly observed: readonly ObservedInstance[];
  readonly requests: readonly OperatorRequest[];
  readonly signals: readonly InstanceSignal[];
  /** What triggered the step when not the schedule (an alarm, an operator's invocation). */
  readonly event?: string;
  readonly nowMs: number;
}

export type MetricRead = { readonly read: true; readonly why: string } | { readonly read: false; readonly why: string };

const MINUTE_MS = 60_000;

/** Lifecycles in which an instance is on its way in or out: a step reads while one is. */
const MOVING = new Set(['terminating', 'failing-over', 'draining', 'returning']);

/** A fixed minute offset of the fleet in 0..every-1 (FNV-1a of its name), so fleets do not all read in the same minute. */
export function cadenceOffset(name: string, every: number): number {
  return fnv1a32(name) % every;
}

/** Minutes until the fleet's next read minute: 0 when this minute is one. */
export function minutesToRead(name: string, every: number, nowMs: number): number {
  const position = (Math.floor(nowMs / MINUTE_MS) + cadenceOffset(name, every)) % every;
  return position === 0 ? 0 : every - position;
}

/** The longest a scaling decision looks back (stabilization windows and cooldowns, both ways), in ms. */
function quietMs(scaling: FleetConfig['scaling']): number {
  const { scaleOut, scaleIn } = scaling;
  return Math.max(scaleOut.stabilizationSeconds, scaleOut.cooldownSeconds, scaleIn.stabilizationSeconds, scaleIn.cooldownSeconds) * 1000;
}

/** Why the fleet's configuration or trigger needs this step's reading, or undefined. */
function configuredRead(input: CadenceInput, every: number): string | undefined {
  const { fleet, event, signals, requests } = input;
  if (every === 1) return 'scaling.metricReads.steadyEveryMinutes is 1';
  if (fleet.scaling.predictive !== undefined) return 'scaling.predictive keeps a load point every period';
  if (fleet.idle !== undefined) return 'idle counts the time the metric reads zero';
  if (event !== undefined) return `the step was triggered by ${event}`;
  if (signals.length > 0) return `${signals.length} instance signal(s) came with the step`;
  if (requests.length > 0) return `${requests.length} operator request(s) wait`;
  return undefined;
}

/** Why an instance on its way in or out needs this step's reading, or undefined. */
function inFlightRead(input: CadenceInput): string | undefined {
  const moving = input.records.filter((r) => MOVING.has(r.lifecycle)).length;
  if (moving > 0) return `${moving} instance(s) are draining, failing over, returning or terminating`;
  const launching = input.observed.filter((o) => o.state === 'pending').length;
  if (launching > 0) return `${launching} instance(s) are launching`;
  const warmupMs = input.fleet.scaling.warmupSeconds * 1000;
  const warming = input.observed.filter((o) => o.state === 'running' && o.launchTimeMs + warmupMs > input.nowMs).length;
  if (warming > 0) return `${warming} instance(s) are warming up`;
  return undefined;
}

/** Why the fleet's scaling state needs this step's reading (a recent or pending change, an unsettled last reading), or undefined. */
function scalingRead(status: FleetStatus, scaling: FleetConfig['scaling'], nowMs: number, headroomPercent: number): string | undefined {
  const standing = status.recommendations.at(-1);
  if (standing === undefined) return 'no recommendation stands';
  if (standing.capacity !== status.desiredCapacity) return `the standing recommendation ${standing.capacity} differs from the desired capacity ${status.desiredCapacity}`;
  if (status.metricUnsettled === true) return `the last reading was missing or within ${headroomPercent}% of the value that scales out (scaling.metricReads.headroomPercent)`;
  const quiet = quietMs(scaling);
  const changes: Array<[string, number | undefined]> = [['the recommendation changed', standing.atMs], ['the fleet scaled out', status.lastScaleOutAtMs], ['the fleet scaled in', status.lastScaleInAtMs]];
  for (const [what, atMs] of changes) {
    if (atMs !== undefined && nowMs - atMs < quiet) return `${what} ${Math.round((nowMs - atMs) / 1000)} s ago, within the ${quiet / 1000} s of stabilization and cooldown`;
  }
  return undefined;
}

/** Whether this step reads the scaling metric, and why (every branch names what decided it). */
export function metricRead(input: CadenceInput): MetricRead {
  const { steadyEveryMinutes: every, headroomPercent } = metricReadsOf(input.fleet.scaling);
  const configured = configuredRead(input, every);
  if (configured !== undefined) return { read: true, why: configured };
  if (input.status === undefined) return { read: true, why: 'the fleet has no status' };
  const busy = inFlightRead(input) ?? scalingRead(input.status, input.fleet.scaling, input.nowMs, headroomPercent);
  if (busy !== undefined) return { read: true, why: busy };
  const wait = minutesToRead(input.fleet.name, every, input.nowMs);
  if (wait === 0) return { read: true, why: `steady, and this is its read minute (every ${every} min, scaling.metricReads.steadyEveryMinutes)` };
  return { read: false, why: `steady: read every ${every} min (scaling.metricReads.steadyEveryMinutes), the next in ${wait} min` };
}

/** The reading a step that skips the read decides on. */
export const notRead = (metric: MetricConfig, why: string): MetricReading => ({ kind: 'not-read', label: `${metric.namespace}/${metric.name}`, why });

/**
 * Whether the next step must read whatever the cadence: this reading was missing, or within
 * headroomPercent of the value at which target tracking scales the desired capacity out. Always
 * false for a fleet that reads every step, so its status never carries it.
 */
export function unsettledReading(fleet: Pick<FleetConfig, 'scaling' | 'idle'>, metric: MetricReading, desiredCapacity: number, warmedUnits: number): boolean {
  const { scaling } = fleet;
  if (metric.kind === 'not-read' || metricReadsOf(scaling).steadyEveryMinutes === 1 || scaling.predictive !== undefined || fleet.idle !== undefined) return false;
  if (metric.kind === 'missing') return true;
  const perUnit = scaling.metricType === 'per-instance' ? (warmedUnits === 0 ? 0 : desiredCapacity / warmedUnits) : desiredCapacity;
  const scalesOutAbove = scaling.target * perUnit;
  return metric.value >= scalesOutAbove * (1 - metricReadsOf(scaling).headroomPercent / 100);
}
