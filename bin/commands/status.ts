/**
 * `fleetward status [fleet]`: each fleet's status record, its forecast (predictive fleets), its
 * instances (fleetward's records joined with what EC2 reports) and its pending operator
 * requests, its images (status-images.ts); for all fleets, the orphaned instances too (tagged for a fleet not in the config).
 * Reads only.
 */
import type { Command } from 'commander';
import type { FleetConfig } from '../../functions/core/config.ts';
import { describeForecast, forecastUpper } from '../../functions/core/forecast/index.ts';
import { type Orphan, orphansOf } from '../../functions/core/orphans.ts';
import { formatNumber } from '../../functions/core/scaling.ts';
import { readPredictiveState } from '../../functions/control/predictive-state.ts';
import { sortByOwner } from '../../functions/core/step/ownership.ts';
import type { Ec2State, InstanceHealth, Lifecycle, OperatorRequest, TargetHealth } from '../../functions/core/model.ts';
import { age, requestLabel, table } from './format.ts';
import { type ImagesView, renderImages, viewImages } from './status-images.ts';
import { type CliIo, type CommonOptions, type RunOptions, Session, withCommonOptions } from './session.ts';

export interface InstanceView {
  readonly instanceId: string;
  /** `unrecorded`: carries the fleet tag, and the next step adopts it; `unowned`: not this deployment's, left alone. */
  readonly lifecycle: Lifecycle | 'unrecorded' | 'unowned';
  /** `gone`: fleetward has a record, EC2 no longer reports the instance. */
  readonly state: Ec2State | 'gone';
  readonly availabilityZone: string;
  readonly subnetId: string;
  readonly instanceType: string;
  readonly launchedAtMs: number;
  readonly ageSeconds: number;
  readonly health: InstanceHealth;
  /** Only for fleets with target groups. */
  readonly targetHealth?: TargetHealth;
  readonly protected: boolean;
  readonly reason: string;
}

/** A predictive fleet's load history and the forecast its cached model makes now. */
export interface ForecastView {
  /** Periods of load history in the last 14 days (a gap the last value is carried over counts), and the span they cover. */
  readonly historyPoints: number;
  readonly historyHours: number;
  /** Share of those periods whose metric was saturated: their load is only a lower bound. */
  readonly saturatedShare: number;
  /** Null until a step has fitted a model. */
  readonly model: {
    readonly method: string;
    readonly fittedAtMs: number;
    /** The forecast's point and upper bound over the warm-up, in capacity units. */
    readonly point: number;
    readonly upper: number;
    readonly description: string;
  } | null;
}

export interface FleetView {
  readonly fleet: string;
  readonly desiredCapacity: number;
  /** The last step's number; null before the first step. */
  readonly step: number | null;
  readonly paused: boolean;
  readonly evacuating: { readonly zones: readonly string[]; readonly subnets: readonly string[] };
  readonly dryRun: boolean;
  readonly instances: readonly InstanceView[];
  readonly requests: readonly OperatorRequest[];
  /** Only for fleets with scaling.predictive. */
  readonly forecast?: ForecastView;
  /** Only for fleets with an images section. */
  readonly images?: ImagesView;
  /** images.roll.checkpoints' count, to say where a roll is. */
  readonly checkpoints?: number;
}

const ALIVE = new Set<string>(['pending', 'running', 'stopping', 'stopped']);

async function viewForecast(session: Session, fleet: FleetConfig): Promise<ForecastView | undefined> {
  const state = await readPredictiveState(session.deps, fleet);
  if (state === undefined) return undefined;
  const { model } = state;
  const history = state.history?.history;
  const periods = history?.values.length ?? 0;
  const saturated = Array.from(history?.saturated ?? []).filter((flag) => flag !== 0).length;
  const historyHours = Number(((periods * fleet.scaling.metric.periodSeconds) / 3600).toFixed(1));
  const base = { historyPoints: periods, historyHours, saturatedShare: periods === 0 ? 0 : saturated / periods };
  if (model === undefined || history === undefined) return { ...base, model: null };
  const bound = forecastUpper(model, history);
  return {
    ...base,
    model: { method: model.method, fittedAtMs: model.builtAtMs, point: bound.point, upper: bound.upper, description: describeForecast(model, bound) },
  };
}

async function viewFleet(session: Session, fleet: FleetConfig): Promise<FleetView> {
  const { records: fleetRecords, compute, loadBalancer } = session.deps;
  const [status, records, observed, requests, targets, forecast] = await Promise.all([
    fleetRecords.getStatus(fleet.name),
    fleetRecords.listInstances(fleet.name),
    compute.describeFleetInstances(fleet.name),
    fleetRecords.listRequests(fleet.name),
    fleet.targetGroups.length > 0 ? loadBalancer.targetHealth(fleet.targetGroups) : Promise.resolve(undefined),
    viewForecast(session, fleet),
  ]);
  const images = await viewImages(session.deps, fleet, status, observed);
  const now = session.now;
  const unowned = new Set(sortByOwner(fleet, session.deps.owner, observed).unowned);
  const byId = new Map(observed.map((o) => [o.instanceId, o]));
  const recorded = new Set(records.map((r) => r.instanceId));
  const rows = [
    ...records.map((record) => ({ record, instance: byId.get(record.instanceId) })),
    ...observed.filter((o) => !recorded.has(o.instanceId) && ALIVE.has(o.state)).map((instance) => ({ record: undefined, instance })),
  ];
  const instances = rows.map(({ record, instance }): InstanceView => {
    const instanceId = record?.instanceId ?? instance?.instanceId ?? '';
    const launchedAtMs = record?.launchedAtMs ?? instance?.launchTimeMs ?? now;
    return {
      instanceId,
      lifecycle: record?.lifecycle ?? (unowned.has(instanceId) ? 'unowned' : 'unrecorded'),
      state: instance?.state ?? 'gone',
      availabilityZone: instance?.availabilityZone ?? '',
      subnetId: instance?.subnetId ?? '',
      instanceType: instance?.instanceType ?? '',
      launchedAtMs,
      ageSeconds: Math.max(0, Math.floor((now - launchedAtMs) / 1000)),
      health: instance?.health ?? 'unknown',
      ...(targets === undefined ? {} : { targetHealth: targets.get(instanceId) ?? 'not-registered' }),
      protected: instance?.protected ?? false,
      reason: record?.reason ?? (unowned.has(instanceId) ? "carries the fleet tag but is not this deployment's: left alone" : 'carries the fleet tag; the next step adopts it'),
    };
  });
  instances.sort(
    (a, b) => a.availabilityZone.localeCompare(b.availabilityZone) || a.launchedAtMs - b.launchedAtMs || a.instanceId.localeCompare(b.instanceId),
  );
  return {
    fleet: fleet.name,
    desiredCapacity: status?.desiredCapacity ?? fleet.capacity.initial ?? fleet.capacity.min,
    step: status?.step ?? null,
    paused: status?.paused ?? false,
    evacuating: status?.evacuating ?? { zones: [], subnets: [] },
    dryRun: fleet.dryRun,
    instances,
    requests,
    ...(forecast === undefined ? {} : { forecast }),
    ...(images === undefined ? {} : { images }),
    ...(fleet.images?.roll === undefined ? {} : { checkpoints: fleet.images.roll.checkpoints.length }),
  };
}

function renderForecast(view: ForecastView, nowMs: number): string {
  const saturated = view.saturatedShare > 0 ? `, saturated in ${formatNumber(view.saturatedShare * 100)}% of them` : '';
  const history = `${view.historyHours} h of load history (${view.historyPoints} periods${saturated})`;
  if (view.model === null) return `forecast: none fitted yet, ${history}`;
  const { point, upper, description, fittedAtMs } = view.model;
  return `forecast: ${formatNumber(point)} units, up to ${formatNumber(upper)}, from ${description}; fitted ${age(nowMs - fittedAtMs)} ago, ${history}`;
}

function renderFleet(view: FleetView, nowMs: number): string {
  const evacuating = [...view.evacuating.zones, ...view.evacuating.subnets];
  const facts = [
    `desired ${view.desiredCapacity}`,
    view.step === null ? 'no step yet' : `step ${view.step}`,
    ...(view.paused ? ['paused'] : []),
    ...(evacuating.length > 0 ? [`evacuating ${evacuating.join(', ')}`] : []),
    ...(view.dryRun ? ['dry-run'] : []),
  ];
  const withTargets = view.instances.some((i) => i.targetHealth !== undefined);
  const headers = ['INSTANCE', 'LIFECYCLE', 'STATE', 'AZ', 'TYPE', 'AGE', 'HEALTH', ...(withTargets ? ['TARGETS'] : []), 'REASON'];
  const rows = view.instances.map((i) => [
    i.protected ? `${i.instanceId} (protected)` : i.instanceId,
    i.lifecycle,
    i.state,
    i.availabilityZone,
    i.instanceType,
    age(i.ageSeconds * 1000),
    i.health,
    ...(withTargets ? [i.targetHealth ?? ''] : []),
    i.reason,
  ]);
  const lines = [`fleet ${view.fleet}: ${facts.join(', ')}`];
  if (view.forecast !== undefined) lines.push(renderForecast(view.forecast, nowMs));
  if (view.images !== undefined) lines.push(renderImages(view.images, view.checkpoints ?? 1));
  lines.push(rows.length > 0 ? table(headers, rows) : '(no instances)');
  if (view.requests.length > 0) {
    lines.push('pending requests:', ...view.requests.map((r) => `  ${requestLabel(r)} by ${r.requestedBy}, ${age(nowMs - r.requestedAtMs)} ago (request ${r.requestId})`));
  }
  return lines.join('\n');
}

function renderOrphans(orphans: readonly Orphan[]): string {
  const header = 'orphaned instances: their fleetward:fleet tag names no fleet in the config; fleetward leaves them running and touches none of them';
  return [header, ...orphans.map((o) => `  ${o.instanceId}  fleet ${o.fleet}, ${o.state}`)].join('\n');
}

/** The fleets' views and, for all fleets, the orphaned instances. */
async function viewStatus(session: Session, name: string | undefined): Promise<{ fleets: FleetView[]; orphans?: Orphan[] }> {
  const fleets = name === undefined ? session.config.fleets : [session.fleet(name)];
  const views = await Promise.all(fleets.map((fleet) => viewFleet(session, fleet)));
  if (name !== undefined) return { fleets: views };
  const orphans = orphansOf(session.config.fleets.map((fleet) => fleet.name), session.deps.owner, await session.deps.compute.describeTaggedInstances());
  return { fleets: views, orphans };
}

export function registerStatus(program: Command, io: CliIo, run: RunOptions): void {
  withCommonOptions(
    program
      .command('status')
      .description("each fleet's desired capacity and state, its instances and pending requests")
      .argument('[fleet]', 'only this fleet'),
  ).action(async (name: string | undefined, options: CommonOptions) =>
    Session.with(options, io, run, async (session) => {
      const status = await viewStatus(session, name);
      const now = session.now;
      session.print(status, ({ fleets: list, orphans }) =>
        [...list.map((view) => renderFleet(view, now)), ...(orphans !== undefined && orphans.length > 0 ? [renderOrphans(orphans)] : [])].join('\n\n'),
      );
    }),
  );
}
