/**
 * The rightsizing verdict for one instance: the chosen percentile of its CPU (and memory) over
 * the window, and the cheapest listed type that holds it within the utilisation limit, with the
 * monthly saving; or why it keeps its type, or why no verdict can be given (missing data, sizes
 * or prices). Every verdict carries its numbers.
 */
import { rankOf, select } from '../forecast/quantile.ts';
import type { RightsizingConfig } from './config.ts';
import { type InstanceUsage, type RightsizingView, type TypeSize, USAGE_PERIOD_SECONDS } from './view.ts';

export type ResizeVerdict =
  | { readonly kind: 'resize'; readonly toType: string; readonly monthlySavingUsd: number; readonly reason: string }
  | { readonly kind: 'keep' | 'unknown'; readonly reason: string };

export const HOURS_PER_MONTH = 730;

/** The window must be this well covered by datapoints (an instance younger than it is not sized yet). */
export const MIN_COVERAGE = 0.8;

const percentileOf = (samples: readonly number[], percentile: number) => select(Float64Array.from(samples), rankOf(percentile / 100, samples.length));

const dollars = (usd: number) => `$${usd.toFixed(2)}`;

export interface Need {
  readonly vcpus: number;
  /** Undefined when memory is not measured and rightsizing.memory is ignore. */
  readonly memoryMiB?: number;
  readonly text: string;
}

export function needOf(size: TypeSize, usage: InstanceUsage, settings: RightsizingConfig): Need | string {
  const expected = (settings.windowDays * 86_400) / USAGE_PERIOD_SECONDS;
  const days = (count: number) => ((count * USAGE_PERIOD_SECONDS) / 86_400).toFixed(1);
  if (usage.cpu.length < MIN_COVERAGE * expected) return `only ${days(usage.cpu.length)} of ${settings.windowDays} days of CPU datapoints`;
  const cpu = percentileOf(usage.cpu, settings.percentile);
  const vcpus = (cpu / 100) * size.vcpus;
  const p = `p${settings.percentile}`;
  const cpuText = `${p} CPU ${cpu.toFixed(1)}% (${vcpus.toFixed(2)} of ${size.vcpus} vCPUs)`;
  const memory = usage.memory ?? [];
  if (memory.length < MIN_COVERAGE * expected) {
    if (settings.memory === 'ignore') return { vcpus, text: `${cpuText}, memory not measured (rightsizing.memory: ignore)` };
    return `only ${days(memory.length)} of ${settings.windowDays} days of memory datapoints (${settings.memoryMetric.namespace} ${settings.memoryMetric.name}); rightsizing.memory: ignore sizes on CPU alone`;
  }
  const used = percentileOf(memory, settings.percentile);
  const memoryMiB = (used / 100) * size.memoryMiB;
  return { vcpus, memoryMiB, text: `${cpuText}, memory ${used.toFixed(1)}% (${(memoryMiB / 1024).toFixed(1)} of ${(size.memoryMiB / 1024).toFixed(1)} GiB)` };
}

/** The share (percent) of `size` that `need` uses, the larger of vCPUs and memory (unless memory is not measured). */
export function loadOn(need: Need, size: TypeSize): number {
  const cpu = (100 * need.vcpus) / size.vcpus;
  return need.memoryMiB === undefined ? cpu : Math.max(cpu, (100 * need.memoryMiB) / size.memoryMiB);
}

/** The verdict for an instance of `instanceType` among the fleet's listed `candidates`. */
export function rightsize(instanceType: string, usage: InstanceUsage | undefined, candidates: readonly string[], view: RightsizingView, settings: RightsizingConfig): ResizeVerdict {
  const size = view.sizes[instanceType];
  const price = view.hourlyUsd[instanceType];
  if (size === undefined) return { kind: 'unknown', reason: `the size of ${instanceType} is unknown (DescribeInstanceTypes did not describe it)` };
  if (price === undefined) return { kind: 'unknown', reason: `${instanceType} has no on-demand price in ${view.priceSource}` };
  if (usage === undefined) return { kind: 'unknown', reason: `no utilisation datapoints over ${settings.windowDays} days` };
  const need = needOf(size, usage, settings);
  if (typeof need === 'string') return { kind: 'unknown', reason: need };
  const limit = settings.maxUtilizationPercent;
  const fits = candidates
    .filter((type) => type !== instanceType)
    .flatMap((type) => {
      const candidate = view.sizes[type];
      const hourly = view.hourlyUsd[type];
      if (candidate === undefined || hourly === undefined || hourly >= price) return [];
      const load = loadOn(need, candidate);
      return load <= limit ? [{ type, hourly, load }] : [];
    })
    .sort((a, b) => a.hourly - b.hourly || (a.type < b.type ? -1 : 1));
  const over = `${instanceType} ${need.text} over ${settings.windowDays} days`;
  const best = fits[0];
  if (best === undefined) return { kind: 'keep', reason: `${over}: no cheaper listed type holds it at <= ${limit}% (rightsizing.maxUtilizationPercent)` };
  const monthlySavingUsd = (price - best.hourly) * HOURS_PER_MONTH;
  return {
    kind: 'resize',
    toType: best.type,
    monthlySavingUsd,
    reason: `${over}: ${best.type} holds it at ${best.load.toFixed(1)}% (<= ${limit}%), ${dollars(best.hourly * HOURS_PER_MONTH)} instead of ${dollars(price * HOURS_PER_MONTH)} a month (${view.priceSource})`,
  };
}
