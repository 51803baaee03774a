import { describe, expect, it } from 'vitest';
import { rightsizingSchema } from '../../functions/core/rightsizing/config.ts';
import { rightsize } from '../../functions/core/rightsizing/fit.ts';
import type { InstanceUsage, RightsizingView } from '../../functions/core/rightsizing/view.ts';

const WINDOW = 14 * 288;
const steady = (percent: number, count = WINDOW) => Array.from({ length: count }, () => percent);
const VIEW: RightsizingView = {
  sizes: {
    'm5.2xlarge': { vcpus: 8, memoryMiB: 32_768 },
    'm5.xlarge': { vcpus: 4, memoryMiB: 16_384 },
    'm5.large': { vcpus: 2, memoryMiB: 8192 },
    'c5.large': { vcpus: 2, memoryMiB: 4096 },
  },
  hourlyUsd: { 'm5.2xlarge': 0.384, 'm5.xlarge': 0.192, 'm5.large': 0.096, 'c5.large': 0.085 },
  usage: {},
  priceSource: 'test prices',
};
const LISTED = ['m5.2xlarge', 'm5.xlarge', 'm5.large', 'c5.large'];
const DEFAULTS = rightsizingSchema.parse({});
const IGNORE_MEMORY = rightsizingSchema.parse({ memory: 'ignore' });

describe('rightsize', () => {
  it.each<[string, string, InstanceUsage | undefined, typeof DEFAULTS, ReturnType<typeof rightsize>]>([
    [
      'the cheapest listed type that holds CPU and memory within the limit',
      'm5.2xlarge',
      { cpu: steady(10), memory: steady(20) },
      DEFAULTS,
      {
        kind: 'resize',
        toType: 'm5.xlarge',
        monthlySavingUsd: (0.384 - 0.192) * 730,
        reason: 'm5.2xlarge p95 CPU 10.0% (0.80 of 8 vCPUs), memory 20.0% (6.4 of 32.0 GiB) over 14 days: m5.xlarge holds it at 40.0% (<= 70%), $140.16 instead of $280.32 a month (test prices)',
      },
    ],
    [
      'a burst in 4% of the window is above the 95th percentile',
      'm5.2xlarge',
      { cpu: [...steady(10, WINDOW - 161), ...steady(95, 161)], memory: steady(20) },
      DEFAULTS,
      {
        kind: 'resize',
        toType: 'm5.xlarge',
        monthlySavingUsd: (0.384 - 0.192) * 730,
        reason: 'm5.2xlarge p95 CPU 10.0% (0.80 of 8 vCPUs), memory 20.0% (6.4 of 32.0 GiB) over 14 days: m5.xlarge holds it at 40.0% (<= 70%), $140.16 instead of $280.32 a month (test prices)',
      },
    ],
    [
      'CPU alone with memory: ignore, down to a type with less memory',
      'm5.2xlarge',
      { cpu: steady(10) },
      IGNORE_MEMORY,
      {
        kind: 'resize',
        toType: 'c5.large',
        monthlySavingUsd: (0.384 - 0.085) * 730,
        reason: 'm5.2xlarge p95 CPU 10.0% (0.80 of 8 vCPUs), memory not measured (rightsizing.memory: ignore) over 14 days: c5.large holds it at 40.0% (<= 70%), $62.05 instead of $280.32 a month (test prices)',
      },
    ],
    [
      'keeps a type no cheaper one holds within the limit',
      'm5.large',
      { cpu: steady(80), memory: steady(20) },
      DEFAULTS,
      { kind: 'keep', reason: 'm5.large p95 CPU 80.0% (1.60 of 2 vCPUs), memory 20.0% (1.6 of 8.0 GiB) over 14 days: no cheaper listed type holds it at <= 70% (rightsizing.maxUtilizationPercent)' },
    ],
    [
      'no memory datapoints while memory is required',
      'm5.2xlarge',
      { cpu: steady(10) },
      DEFAULTS,
      { kind: 'unknown', reason: 'only 0.0 of 14 days of memory datapoints (CWAgent mem_used_percent); rightsizing.memory: ignore sizes on CPU alone' },
    ],
    ['a window not yet covered', 'm5.2xlarge', { cpu: steady(10, 1000), memory: steady(20, 1000) }, DEFAULTS, { kind: 'unknown', reason: 'only 3.5 of 14 days of CPU datapoints' }],
    ['no datapoints at all', 'm5.2xlarge', undefined, DEFAULTS, { kind: 'unknown', reason: 'no utilisation datapoints over 14 days' }],
    ['a type EC2 did not describe', 'm6i.large', { cpu: steady(10) }, DEFAULTS, { kind: 'unknown', reason: 'the size of m6i.large is unknown (DescribeInstanceTypes did not describe it)' }],
  ])('%s', (_what, type, usage, settings, expected) => {
    expect(rightsize(type, usage, LISTED, VIEW, settings)).toEqual(expected);
  });

  it('says which type has no price', () => {
    const view = { ...VIEW, sizes: { ...VIEW.sizes, 'm6i.large': { vcpus: 2, memoryMiB: 8192 } } };
    expect(rightsize('m6i.large', { cpu: steady(10) }, LISTED, view, DEFAULTS)).toEqual({ kind: 'unknown', reason: 'm6i.large has no on-demand price in test prices' });
  });
});
