// What the shell reads for rightsizing: a fleet of more than one reads one minute in
// READ_EVERY_MINUTES, only instances started long enough ago to be sized, at most
// MAX_SIZED_PER_STEP a read (a different slice each time), a fleet with a mix too (its verdict
// feeds the mix), nothing outside its window with inMaintenanceWindow; a failed read leaves rightsizing without a view
// and logs why.
import { describe, expect, it } from 'vitest';
import type { StepDependencies } from '../../../functions/control/journal.ts';
import { MAX_SIZED_PER_STEP, READ_EVERY_MINUTES, readRightsizingView } from '../../../functions/control/rightsizing-view.ts';
import type { FleetConfig, MetricConfig } from '../../../functions/core/config.ts';
import { mixConfigSchema } from '../../../functions/core/mix/config.ts';
import { rightsizingSchema } from '../../../functions/core/rightsizing/config.ts';
import { SUBNET_A, fleet, instance } from '../step-fixtures.ts';

const DAY_MS = 86_400_000;
const NOW = 100 * DAY_MS;

/** Ports that record each metric read (its instance) and answer one datapoint; `fail` makes sizes throw. */
function recordingDeps(fail = false) {
  const reads: string[] = [];
  const warnings: string[] = [];
  const deps = {
    compute: {
      describeInstanceTypes: async (types: readonly string[]) => {
        if (fail) throw new Error('throttled');
        return Object.fromEntries(types.map((t) => [t, { vcpus: 2, memoryMiB: 8192 }]));
      },
    },
    metrics: {
      history: async (metric: MetricConfig) => {
        reads.push(`${metric.name}:${metric.dimensions?.InstanceId ?? ''}`);
        return [{ timestampMs: NOW - 300_000, value: 10 }];
      },
    },
    log: { warn: (message: string) => void warnings.push(message) },
  } as unknown as StepDependencies;
  return { deps, reads, warnings };
}

const web = (overrides: Partial<FleetConfig> = {}, settings: object = {}): FleetConfig => ({
  ...fleet({ capacity: { min: 1, max: 100 } }),
  rightsizing: rightsizingSchema.parse({ windowDays: 1, ...settings }),
  ...overrides,
});
const aged = (count: number, startedMs = NOW - 2 * DAY_MS) => Array.from({ length: count }, (_, i) => instance(`i-${String(i).padStart(3, '0')}`, SUBNET_A, { launchTimeMs: startedMs }));

describe('reading for rightsizing a fleet', () => {
  it('reads CPU and memory of the instances old enough to be sized, not the young ones', async () => {
    const { deps, reads } = recordingDeps();
    const young = instance('i-young', SUBNET_A, { launchTimeMs: NOW - 0.5 * DAY_MS });
    const view = await readRightsizingView(deps, web(), [...aged(2), young], NOW);
    expect(Object.keys(view?.usage ?? {})).toEqual(['i-000', 'i-001']);
    expect(reads.sort()).toEqual(['CPUUtilization:i-000', 'CPUUtilization:i-001', 'mem_used_percent:i-000', 'mem_used_percent:i-001']);
  });

  it(`reads at most ${MAX_SIZED_PER_STEP} instances a read, the next slice ${READ_EVERY_MINUTES} minutes later, nothing between`, async () => {
    const fleetOf = aged(45);
    const { deps, reads } = recordingDeps();
    expect(await readRightsizingView(deps, web(), fleetOf, NOW + 60_000)).toBeUndefined();
    expect(reads).toEqual([]);
    const slices = await Promise.all([0, 10, 20, 30].map(async (minute) => Object.keys((await readRightsizingView(recordingDeps().deps, web({}, { memory: 'ignore' }), fleetOf, NOW + minute * 60_000))?.usage ?? {})));
    expect(slices.map((ids) => [ids.length, ids[0], ids.at(-1)])).toEqual([
      [20, 'i-000', 'i-019'],
      [20, 'i-020', 'i-039'],
      [5, 'i-040', 'i-044'],
      [20, 'i-000', 'i-019'],
    ]);
    expect(slices[3]).toEqual(slices[0]);
  });

  it('reads a fleet with a mix too: its verdict leaves the types that cannot hold the load out of the mix', async () => {
    const { deps, reads } = recordingDeps();
    const view = await readRightsizingView(deps, web({ mix: mixConfigSchema.parse({}) }), aged(1), NOW);
    expect(Object.keys(view?.usage ?? {})).toEqual(['i-000']);
    expect(reads.sort()).toEqual(['CPUUtilization:i-000', 'mem_used_percent:i-000']);
  });

  it.each<[string, FleetConfig]>([
    ['outside its maintenance windows with inMaintenanceWindow', web({ maintenanceWindows: [{ name: 'nightly', start: '0 3 * * *', end: '1h', timeZone: 'UTC' }] }, { inMaintenanceWindow: true })],
  ])('reads nothing for %s', async (_name, config) => {
    const { deps, reads } = recordingDeps();
    expect(await readRightsizingView(deps, config, aged(2), NOW + 12 * 3_600_000)).toBeUndefined();
    expect(reads).toEqual([]);
  });

  it('goes on without a view when a read fails, and logs it', async () => {
    const { deps, warnings } = recordingDeps(true);
    expect(await readRightsizingView(deps, web(), aged(2), NOW)).toBeUndefined();
    expect(warnings).toEqual(['reading sizes or utilisation for rightsizing failed; rightsizing waits']);
  });
});
