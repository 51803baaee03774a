/**
 * What rightsizing reads for a singleton fleet (core/rightsizing/view.ts), and only inside one of
 * its maintenance windows, the only time it may act: the listed types' sizes, the shipped
 * on-demand prices, and each running instance's CPU (and, when required, memory) 5-minute
 * averages over the window since it last started — two metrics an instance a step, a pet's worth. A read that fails is
 * logged and the step goes on without it: rightsizing waits.
 */
import { insideMaintenanceWindow } from '../core/calendar/maintenance-window.ts';
import type { FleetConfig, MetricConfig } from '../core/config.ts';
import { SHIPPED_PRICES } from '../core/mix/price-table.ts';
import type { ObservedInstance } from '../core/model.ts';
import type { RightsizingConfig } from '../core/rightsizing/config.ts';
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

async function read(deps: StepDependencies, fleet: FleetConfig, settings: RightsizingConfig, running: readonly ObservedInstance[], nowMs: number): Promise<RightsizingView> {
  const [sizes, usages] = await Promise.all([
    deps.compute.describeInstanceTypes(fleet.instanceTypes.map((t) => t.type)),
    Promise.all(running.map(async (instance) => [instance.instanceId, await usageOf(deps, settings, instance, nowMs)] as const)),
  ]);
  return { sizes, hourlyUsd: SHIPPED_PRICES.onDemand, usage: Object.fromEntries(usages), priceSource: `the shipped price table (${SHIPPED_PRICES.region}, ${SHIPPED_PRICES.date})` };
}

export async function readRightsizingView(deps: StepDependencies, fleet: FleetConfig, observed: readonly ObservedInstance[], nowMs: number): Promise<RightsizingView | undefined> {
  const settings = fleet.rightsizing;
  if (settings === undefined || fleet.capacity.max !== 1 || !insideMaintenanceWindow(fleet, nowMs).open) return undefined;
  const running = observed.filter((o) => o.state === 'running');
  try {
    return await read(deps, fleet, settings, running, nowMs);
  } catch (error) {
    deps.log.warn('reading sizes or utilisation for rightsizing failed; rightsizing waits', { fleet: fleet.name, error: errorMessage(error), kind: errorKind(error) });
    return undefined;
  }
}
