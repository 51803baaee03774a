/**
 * The voluntary disruption loop at fleet scale: decideStep over fleets of 100 to 7,000 instances
 * (up to 9,334 units, within capacity.max) in three zones, 10% above desired and one zone fuller
 * than the others, without an optimization section and with one in act mode (consolidation and
 * zone rebalance proposing, every move through the gates). Prints the median and max step time
 * of 15 runs each, to show the methods and gates add nothing quadratic in instances.
 */
import { performance } from 'node:perf_hooks';
import { validateConfig } from '../functions/core/config.ts';
import { NO_IDENTITY, type ObservedInstance } from '../functions/core/model.ts';
import { decideStep } from '../functions/core/step/index.ts';
import type { StepInput } from '../functions/core/step/index.ts';

const RUNS = 15;
const NOW = 2_000_000_000;
const SUBNETS = ['a', 'b', 'c'].map((zone, i) => ({ subnetId: `subnet-0${i}`, availabilityZone: `us-east-1${zone}` }));
const OWNER = 'bench';

function fleetConfig(instances: number, optimization: boolean) {
  return validateConfig({
    fleets: [
      {
        name: 'web',
        launchTemplate: { name: 'web' },
        subnets: SUBNETS.map((s) => s.subnetId),
        instanceTypes: [{ type: 'm7g.large' }, { type: 'm7g.xlarge', weight: 2 }],
        capacity: { min: 0, max: 10_000 },
        scaling: { metric: { namespace: 'N', name: 'M', statistic: 'Average' }, metricType: 'total', target: 1, warmupSeconds: 0, scaleIn: { stabilizationSeconds: 0, cooldownSeconds: 0 } },
        disruption: { budgets: [{ max: '10%' }] },
        ...(optimization ? { optimization: { mode: 'act', minSavings: { monthlyUsd: 1, percent: 0 } } } : {}),
      },
    ],
  }).fleets[0];
}

function observed(count: number): ObservedInstance[] {
  return Array.from({ length: count }, (_, i) => {
    // Half the instances in the first zone, the rest split: zones drift apart.
    const subnet = SUBNETS[i % 2 === 0 ? 0 : 1 + (i % 4 === 1 ? 0 : 1)] ?? SUBNETS[0];
    return {
      instanceId: `i-${i.toString(16).padStart(17, '0')}`,
      state: 'running',
      health: 'ok',
      instanceType: i % 3 === 0 ? 'm7g.xlarge' : 'm7g.large',
      subnetId: subnet?.subnetId ?? '',
      availabilityZone: subnet?.availabilityZone ?? '',
      launchTimeMs: NOW - 3_600_000 - i,
      protected: false,
      targetHealth: 'unknown',
      identity: NO_IDENTITY,
      commandId: `launched/${i}`,
      owner: OWNER,
    };
  });
}

function input(count: number, optimization: boolean): StepInput {
  const fleet = fleetConfig(count, optimization);
  if (fleet === undefined) throw new Error('no fleet');
  const instances = observed(count);
  const units = instances.reduce((total, i) => total + (i.instanceType === 'm7g.xlarge' ? 2 : 1), 0);
  const desired = Math.floor(units * 0.9);
  return {
    fleet,
    owner: OWNER,
    status: { step: 1, desiredCapacity: desired, recommendations: [], version: 1 },
    records: instances.map((i) => ({ instanceId: i.instanceId, lifecycle: 'in-service', launchedAtMs: i.launchTimeMs, version: 1, reason: 'launched' })),
    observed: instances,
    subnets: SUBNETS,
    metric: { kind: 'value', value: desired, timestampMs: NOW - 60_000, label: 'load' },
    nowMs: NOW,
  };
}

function measure(count: number, optimization: boolean): { median: number; max: number; notes: number; drains: number } {
  const step = input(count, optimization);
  const times: number[] = [];
  let decision = decideStep(step);
  for (let run = 0; run < RUNS; run += 1) {
    const start = performance.now();
    decision = decideStep(step);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const drains = decision.commands.filter((c) => c.kind === 'advance').length;
  return { median: times[Math.floor(RUNS / 2)] ?? 0, max: times.at(-1) ?? 0, notes: decision.notes.length, drains };
}

console.log('instances | optimization | median ms | max ms | drains | notes');
for (const count of [100, 1_000, 3_000, 7_000]) {
  for (const optimization of [false, true]) {
    const { median, max, notes, drains } = measure(count, optimization);
    console.log(`${String(count).padStart(9)} | ${(optimization ? 'act' : 'absent').padEnd(12)} | ${median.toFixed(1).padStart(9)} | ${max.toFixed(1).padStart(6)} | ${String(drains).padStart(6)} | ${notes}`);
  }
}
