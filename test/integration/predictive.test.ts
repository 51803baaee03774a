/**
 * Predictive scaling through the real handler: the step reads the load history and cached model
 * from DynamoDB, decides from the forecast, adds its own point and caches a new model.
 */
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it, vi } from 'vitest';
import { DynamoLoadHistoryStore } from '../../functions/aws/state/load-history-store.ts';
import { run } from '../../bin/fleetward.ts';
import type { LoadPoint } from '../../functions/core/load-history.ts';
import { FleetHarness, METRIC_NAMESPACE } from './harness.ts';

const MINUTE = 60_000;
const PREDICTIVE_DEFAULTS = { coverage: 0.993, coverageGain: 0.0003, backtestDays: 3, minHistoryHours: 4, refitMinutes: 360 };

/** `fleetward status` against the harness's table, config and clock. */
async function status(fleet: FleetHarness, ...argv: string[]): Promise<string> {
  let stdout = '';
  const code = await run(['status', ...argv, '--table', fleet.tableName], { stdout: (text) => void (stdout += text), stderr: () => undefined }, { config: fleet.config, clock: fleet.clock, env: {} });
  expect(code).toBe(0);
  return stdout;
}

/** Datapoints of the fleet's metric for the minutes before now, as CloudWatch would hold them. */
async function publishPast(fleet: FleetHarness, value: number, minutes: number): Promise<void> {
  const now = fleet.clock.now();
  const datapoints = Array.from({ length: minutes }, (_, i) => ({ MetricName: fleet.metricName, Value: value, Timestamp: new Date(now - (i + 1) * MINUTE) }));
  for (let start = 0; start < datapoints.length; start += 500) {
    await fleet.cloudwatch.send(new PutMetricDataCommand({ Namespace: METRIC_NAMESPACE, MetricData: datapoints.slice(start, start + 500) }));
  }
}

/** Points of a flat load for the minutes before now, as earlier steps would have stored them. */
async function seedHistory(fleet: FleetHarness, load: number, minutes: number): Promise<void> {
  const store = fleet.history();
  const nowPeriod = Math.floor(fleet.clock.now() / MINUTE) * MINUTE;
  for (let i = minutes; i >= 1; i--) await store.recordLoad(fleet.fleet.name, 60, { periodStartMs: nowPeriod - i * MINUTE, load });
}

describe('predictive scaling with a stored load history', () => {
  it('stores load points per period, replacing a period written again, across items', async () => {
    const fleet = await FleetHarness.create();
    const store = fleet.history();
    const start = 1_800_000_000_000 - 3 * MINUTE;
    const points: LoadPoint[] = Array.from({ length: 65 }, (_, i) => ({ periodStartMs: start + i * MINUTE, load: i / 2 }));
    for (const point of points) await store.recordLoad(fleet.name, 60, point);
    await store.recordLoad(fleet.name, 60, { periodStartMs: start + 10 * MINUTE, load: 99 });
    await store.recordLoad(fleet.name, 300, { periodStartMs: 1_800_000_000_000, load: 7 });

    const listed = await store.listLoad(fleet.name, 60, start + 2 * MINUTE);
    expect(listed).toHaveLength(63);
    expect(listed[0]).toEqual({ periodStartMs: start + 2 * MINUTE, load: 1 });
    expect(listed.find((p) => p.periodStartMs === start + 10 * MINUTE)?.load).toBe(99);
    expect(listed.at(-1)).toEqual({ periodStartMs: start + 64 * MINUTE, load: 32 });
    expect(await store.listLoad(fleet.name, 300, 0)).toEqual([{ periodStartMs: 1_800_000_000_000, load: 7 }]);
    expect(await store.listLoad('other', 60, 0)).toEqual([]);

    await store.recordLoad(fleet.name, 60, { periodStartMs: start + 20 * MINUTE, load: 5, saturated: true });
    expect((await store.listLoad(fleet.name, 60, start + 20 * MINUTE))[0]).toEqual({ periodStartMs: start + 20 * MINUTE, load: 5, saturated: true });
    await store.recordLoad(fleet.name, 60, { periodStartMs: start + 20 * MINUTE, load: 4 });
    expect((await store.listLoad(fleet.name, 60, start + 20 * MINUTE))[0]).toEqual({ periodStartMs: start + 20 * MINUTE, load: 4 });
    const atMax = { periodStartMs: start + 21 * MINUTE, load: 6, saturated: true, atMaxCapacity: true };
    await store.recordLoad(fleet.name, 60, atMax);
    expect((await store.listLoad(fleet.name, 60, start + 21 * MINUTE))[0]).toEqual(atMax);
    await store.putLoadHistory('backfilled', 60, [atMax]);
    expect(await store.listLoad('backfilled', 60, 0)).toEqual([atMax]);
  });

  it('decides from the forecast once there is history, then reuses the cached model', async () => {
    const fleet = await FleetHarness.create({ scaling: { predictive: PREDICTIVE_DEFAULTS } });
    await seedHistory(fleet, 3, 300);

    const first = await fleet.step(30);

    expect(first.fleets[0]?.desiredCapacity).toBe(3);
    expect(first.fleets[0]?.reason).toMatch(/^scale out 0 -> 3: forecast 3 units in the next 1 min from .+ recommends 3$/);
    const store = fleet.history();
    const model = await store.getForecastModel(fleet.name);
    expect(model?.builtAtMs).toBe(fleet.clock.now());
    const stored = await store.listLoad(fleet.name, 60, fleet.clock.now() - 2 * MINUTE);
    expect(stored.at(-1)?.load).toBe(3);

    const second = await fleet.step(30);
    expect(second.fleets[0]?.reason).toMatch(/^hold at 3: forecast 3 units/);
    expect((await store.getForecastModel(fleet.name))?.builtAtMs).toBe(model?.builtAtMs);
    expect(await store.listLoad(fleet.name, 60, 0)).toHaveLength(302);
  });

  it('scales by target tracking and starts the history when there is none', async () => {
    const fleet = await FleetHarness.create({ scaling: { predictive: PREDICTIVE_DEFAULTS } });

    const result = await fleet.step(42);

    expect(result.fleets[0]?.reason).toBe(
      `scale out 0 -> 5: Average Test/Load/${fleet.metricName} = 42 total at target 10 per unit recommends 5 (no forecast yet: 0 h of load history, 4 h needed)`,
    );
    const stored = await fleet.history().listLoad(fleet.name, 60, 0);
    expect(stored.map((p) => p.load)).toEqual([4.2]);
    expect(await fleet.history().getForecastModel(fleet.name)).toBeUndefined();
  });

  it('reads a cached model stored by another version as none, and fits a new one', async () => {
    const fleet = await FleetHarness.create({ scaling: { predictive: PREDICTIVE_DEFAULTS } });
    await seedHistory(fleet, 3, 300);
    await fleet.history().putForecastModel(fleet.name, { unexpected: true } as never);

    const result = await fleet.step(30);

    expect(result.fleets[0]?.reason).toMatch(/^scale out 0 -> 3: forecast 3 units/);
    expect((await fleet.history().getForecastModel(fleet.name))?.builtAtMs).toBe(fleet.clock.now());
  });

  it('keeps a linear model\'s weights, and reads a linear model without them as none', async () => {
    const fleet = await FleetHarness.create({ scaling: { predictive: PREDICTIVE_DEFAULTS } });
    const store = fleet.history();
    const weights = [[0.5, 1, ...Array<number>(9).fill(0)]];
    const linear = {
      builtAtMs: 1,
      stepMs: MINUTE,
      method: 'linear',
      errorScale: 'absolute',
      errorTails: [[0.5, 1]],
      errorCount: 140,
      floor: 0.01,
      coverage: 0.993,
      coverageGain: 0.0003,
      backtestSteps: 100,
    } as const;
    await store.putForecastModel(fleet.name, { ...linear, weights });
    expect(await store.getForecastModel(fleet.name)).toEqual({ ...linear, weights });
    await store.putForecastModel(fleet.name, { ...linear, method: 'hourly' } as never);
    expect(await store.getForecastModel(fleet.name)).toBeUndefined();
  });

  it('shows the history and the current forecast in fleetward status', async () => {
    const fleet = await FleetHarness.create({ scaling: { predictive: PREDICTIVE_DEFAULTS } });
    expect((await status(fleet)).split('\n')[1]).toBe('forecast: none fitted yet, 0 h of load history (0 periods)');
    await seedHistory(fleet, 3, 300);
    await fleet.step(30);
    fleet.clock.advance(7200);
    const saturatedAt = Math.floor(fleet.clock.now() / MINUTE) * MINUTE - 7260 * 1000 - 10 * MINUTE;
    await fleet.history().recordLoad(fleet.name, 60, { periodStartMs: saturatedAt, load: 3, saturated: true });

    const line = (await status(fleet)).split('\n')[1];
    // A total metric has no ceiling to show a shortfall: the coverage stays at 99.3%.
    expect(line).toMatch(/^forecast: 3 units, up to 3, from .+ \(covers 99\.3% of its .+ errors over .+\); fitted 2h ago, 5 h of load history \(301 periods, saturated in 0\.33% of them\)$/);
    const data = JSON.parse(await status(fleet, '--json')) as { fleets: Array<{ forecast: { historyPoints: number; model: { point: number; fittedAtMs: number } } }> };
    expect(data.fleets[0]?.forecast).toMatchObject({ historyPoints: 301, saturatedShare: 1 / 301, model: { point: 3, fittedAtMs: fleet.clock.now() - 7_200_000 } });
  });

  it("starts a total metric's history from CloudWatch, so it forecasts at once; a plan reads it but stores nothing", async () => {
    const fleet = await FleetHarness.create({ scaling: { predictive: PREDICTIVE_DEFAULTS } });
    await publishPast(fleet, 30, 300);

    let planned = '';
    const plan = await run(['plan', fleet.name, '--table', fleet.tableName], { stdout: (text) => void (planned += text), stderr: () => undefined }, { config: fleet.config, clock: fleet.clock, env: {} });
    expect(plan).toBe(0);
    expect(planned).toContain('forecast 3 units in the next 1 min from ');
    expect(await fleet.history().listLoad(fleet.name, 60, 0)).toEqual([]);

    const result = await fleet.step(30);

    expect(result.fleets[0]?.reason).toMatch(/^scale out 0 -> 3: forecast 3 units in the next 1 min from /);
    const stored = await fleet.history().listLoad(fleet.name, 60, 0);
    expect(stored.length).toBeGreaterThanOrEqual(300);
    expect(stored.every((p) => p.load === 3)).toBe(true);
  });

  it('still steps, by target tracking, when reading the history fails, and keeps its own point', async () => {
    const fleet = await FleetHarness.create({ scaling: { predictive: PREDICTIVE_DEFAULTS } });
    await seedHistory(fleet, 3, 300);
    // Every read of this step fails: the one without the lease and the one under it.
    const failing = vi.spyOn(DynamoLoadHistoryStore.prototype, 'readHistory').mockRejectedValue(new Error('Rate of requests exceeds the allowed throughput'));
    try {
      const result = await fleet.step(30);

      expect(result.fleets[0]).toMatchObject({ outcome: 'done', desiredCapacity: 3 });
      expect(result.fleets[0]?.reason).toBe(
        `scale out 0 -> 3: Average Test/Load/${fleet.metricName} = 30 total at target 10 per unit recommends 3 (no forecast yet: reading the load history failed (Rate of requests exceeds the allowed throughput))`,
      );
    } finally {
      failing.mockRestore();
    }
    expect(await fleet.history().listLoad(fleet.name, 60, 0)).toHaveLength(301);
  });
});
