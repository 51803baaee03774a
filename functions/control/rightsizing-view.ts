/**
 * What rightsizing reads (core/rightsizing/view.ts), only when it may act: the listed types' sizes,
 * the shipped on-demand prices, and running instances' CPU (and, when required, memory) 5-minute
 * averages over the window since each last started — two metrics an instance a step. A singleton
 * is read inside its maintenance windows; a larger fleet (inside a window when
 * rightsizing.inMaintenanceWindow) reads once every READ_EVERY_MINUTES, at most
 * MAX_SIZED_PER_STEP instances old enough to be sized, a different slice each time (a verdict
 * over days does not need reading each minute). A read that fails is logged and rightsizing waits.
 */
import { insideMaintenanceWindow } from '../core/calendar/maintenance-window.ts';
import type { FleetConfig, MetricConfig } from '../core/config.ts';
import { SHIPPED_PRICES } from '../core/mix/price-table.ts';
import type { ObservedInstance } from '../core/model.ts';
import type { RightsizingConfig } from '../core/rightsizing/config.ts';
import { MIN_COVERAGE } from '../core/rightsizing/fit.ts';
import { type InstanceUsage, type RightsizingView, USAGE_PERIOD_SECONDS } from '../core/rightsizing/view.ts';
import { errorKind } from '../ports/errors.ts';
import { type StepDependencies, errorMessage } from './journal.ts';

const perInstance = (namespace: string, name: string, instanceId: string): MetricConfig => ({
  namespace,
  name,
  dimensions: { InstanceId: instanceId },
  statistic: 'Average',
  periodSeconds: USAGE_PERIOD_SECONDS,
});

/** Datapoints since it last started (EC2's LaunchTime), at most the window: those of its type before a resize do not count. */
async function usageOf(deps: StepDependencies, settings: RightsizingConfig, instance: ObservedInstance, nowMs: number): Promise<InstanceUsage> {
  const { instanceId } = instance;
  const fromMs = Math.max(nowMs - settings.windowDays * 86_400_000, instance.launchTimeMs);
  const values = async (metric: MetricConfig) => (await deps.metrics.history(metric, fromMs, nowMs)).map((point) => point.value);
  const [cpu, memory] = await Promise.all([
    values(perInstance('AWS/EC2', 'CPUUtilization', instanceId)),
    settings.memory === 'required' ? values(perInstance(settings.memoryMetric.namespace, settings.memoryMetric.name, instanceId)) : Promise.resolve(undefined),
  ]);
  return memory === undefined ? { cpu } : { cpu, memory };
}

/** Instances of a larger fleet whose utilisation is read in one step at most. */
export const MAX_SIZED_PER_STEP = 20;

/** A larger fleet's utilisation is read in the steps of one minute in this many. */
export const READ_EVERY_MINUTES = 10;

const readRound = (nowMs: number) => Math.floor(nowMs / (READ_EVERY_MINUTES * 60_000));

/** The instances read this step: a singleton's; in a larger fleet, those started long enough ago to be sized, one slice a read. */
function toRead(fleet: FleetConfig, settings: RightsizingConfig, running: readonly ObservedInstance[], nowMs: number): readonly ObservedInstance[] {
  if (fleet.capacity.max === 1) return running;
  const sizable = running
    .filter((o) => nowMs - o.launchTimeMs >= MIN_COVERAGE * settings.windowDays * 86_400_000)
    .sort((a, b) => (a.instanceId < b.instanceId ? -1 : 1));
  const slices = Math.ceil(sizable.length / MAX_SIZED_PER_STEP);
  if (slices <= 1) return sizable;
  const slice = readRound(nowMs) % slices;
  return sizable.slice(slice * MAX_SIZED_PER_STEP, (slice + 1) * MAX_SIZED_PER_STEP);
}

/** Whether rightsizing may act this step, so the shell reads for it. */
function mayAct(fleet: FleetConfig, settings: RightsizingConfig, nowMs: number): boolean {
  if (fleet.capacity.max === 1) return insideMaintenanceWindow(fleet, nowMs).open;
  const readsNow = Math.floor(nowMs / 60_000) % READ_EVERY_MINUTES === 0;
  return readsNow && (!settings.inMaintenanceWindow || insideMaintenanceWindow(fleet, nowMs).open);
}

async function read(deps: StepDependencies, fleet: FleetConfig, settings: RightsizingConfig, running: readonly ObservedInstance[], nowMs: number): Promise<RightsizingView> {
  const [sizes, usages] = await Promise.all([
    deps.compute.describeInstanceTypes(fleet.instanceTypes.map((t) => t.type)),
    Promise.all(running.map(async (instance) => [instance.instanceId, await usageOf(deps, settings, instance, nowMs)] as const)),
  ]);
  return { sizes, hourlyUsd: SHIPPED_PRICES.onDemand, usage: Object.fromEntries(usages), priceSource: `the shipped price table (${SHIPPED_PRICES.region}, ${SHIPPED_PRICES.date})` };
}

export async function readRightsizingView(deps: StepDependencies, fleet: FleetConfig, observed: readonly ObservedInstance[], nowMs: number): Promise<RightsizingView | undefined> {
  const settings = fleet.rightsizing;
  if (settings === undefined || !mayAct(fleet, settings, nowMs)) return undefined;
  const running = toRead(fleet, settings, observed.filter((o) => o.state === 'running'), nowMs);
  try {
    return await read(deps, fleet, settings, running, nowMs);
  } catch (error) {
    deps.log.warn('reading sizes or utilisation for rightsizing failed; rightsizing waits', { fleet: fleet.name, error: errorMessage(error), kind: errorKind(error) });
    return undefined;
  }
}
