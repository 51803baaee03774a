// The simulated fleet and loop: boot delay, per-second billing with its minimum, victim order, metrics, and the oracle's cost on a known series.
import { describe, expect, it } from 'vitest';
import { simulate, type Observation, type Policy, type SimSettings } from '../../../sim/engine.ts';
import { SimFleet, VirtualClock } from '../../../sim/fleet.ts';
import { MetricsAccumulator } from '../../../sim/metrics.ts';
import { createPolicy } from '../../../sim/policies/index.ts';
import { oracleSchedule } from '../../../sim/policies/reference.ts';
import type { Demand } from '../../../sim/trace.ts';

const demandOf = (values: number[], stepS = 60): Demand => ({ stepS, values: Float64Array.from(values), scale: 1, peak: Math.max(...values) });

const settings = (extra: Partial<SimSettings> = {}): SimSettings => ({
  stepS: 60,
  bootS: 120,
  instanceCapacity: 1,
  warmupSteps: 0,
  minInstances: 1,
  maxInstances: 100,
  ...extra,
});

/** A policy that asks for a fixed schedule and records what it saw. */
function scripted(desired: number[], seen: Observation[] = []): Policy {
  return {
    name: 'scripted',
    decide(observation) {
      seen.push(observation);
      return desired[observation.step] ?? observation.alive;
    },
  };
}

describe('SimFleet', () => {
  it('serves only after the boot delay, and removes booting instances first (newest first), then the oldest serving', () => {
    const clock = new VirtualClock(0);
    const fleet = new SimFleet(clock, 120);
    fleet.seed(2);
    expect([fleet.aliveCount, fleet.inService, fleet.booting]).toEqual([2, 2, 0]);
    fleet.launch(3);
    clock.set(60_000);
    fleet.advance();
    fleet.launch(1);
    expect([fleet.aliveCount, fleet.inService, fleet.booting]).toEqual([6, 2, 4]);
    clock.set(120_000);
    fleet.advance();
    expect([fleet.aliveCount, fleet.inService, fleet.booting]).toEqual([6, 5, 1]);
    expect(fleet.terminate(2)).toBe(0);
    expect([fleet.aliveCount, fleet.inService, fleet.booting]).toEqual([4, 4, 0]);
  });

  it('bills at least 60 seconds for an instance terminated sooner', () => {
    const clock = new VirtualClock(0);
    const fleet = new SimFleet(clock, 10);
    fleet.launch(2);
    clock.set(20_000);
    fleet.advance();
    expect(fleet.terminate(1)).toBe(40);
    clock.set(75_000);
    expect(fleet.terminate(1)).toBe(0);
  });
});

describe('simulate', () => {
  it('shows the policy the last step utilisation of the instances that served it, saturating at 100%', async () => {
    const seen: Observation[] = [];
    await simulate(demandOf([2, 6, 6, 6, 3]), scripted([4, 6, 6, 6, 6], seen), settings(), { initialInstances: 4 });
    expect(seen.map((o) => [o.utilisation, o.warmed, o.alive, o.inService])).toEqual([
      [0.5, 4, 4, 4],
      [0.5, 4, 4, 4],
      [1, 4, 6, 4],
      [1, 4, 6, 6],
      [1, 6, 6, 6],
    ]);
  });

  it('counts cost, shortfall and excess only after the warm-up', async () => {
    // Demand 2, 6, 6, 6, 3 with 4 instances, raised to 6 at step 1 (serving from step 3).
    const result = await simulate(demandOf([2, 6, 6, 6, 3]), scripted([4, 6, 6, 6, 6]), settings({ warmupSteps: 1 }), { initialInstances: 4 });
    const m = result.metrics;
    expect(Array.from(result.supply)).toEqual([4, 4, 4, 6, 6]);
    expect(m.steps).toBe(4);
    expect(m.instanceHours).toBeCloseTo((4 * 6 * 60) / 3600, 9);
    expect(m.launches).toBe(2);
    expect(m.terminations).toBe(0);
    expect(m.underTimeshare).toBe(50);
    expect(m.underAccuracy).toBeCloseTo(100 * ((2 / 6 + 2 / 6) / 4), 9);
    expect(m.overTimeshare).toBe(25);
    expect(m.overAccuracy).toBeCloseTo(100 * (3 / 3 / 4), 9);
    expect(m.unservedPercent).toBeCloseTo((100 * 4) / 21, 9);
  });
});

describe('the oracle', () => {
  it('launches one boot delay ahead and keeps what is needed again within a boot delay', () => {
    expect(Array.from(oracleSchedule(demandOf([1, 1, 1, 3, 3, 1, 1, 1, 1, 1]), 120, 1))).toEqual([1, 3, 3, 3, 3, 1, 1, 1, 1, 1]);
    expect(Array.from(oracleSchedule(demandOf([1, 1, 1, 2, 1, 2, 1, 1, 1, 1]), 120, 1))).toEqual([1, 2, 2, 2, 2, 2, 1, 1, 1, 1]);
    // A dip longer than the boot: terminate and relaunch.
    expect(Array.from(oracleSchedule(demandOf([2, 1, 1, 1, 1, 2, 2]), 120, 1))).toEqual([2, 1, 1, 2, 2, 2, 2]);
  });

  it('costs exactly the instance-seconds of its schedule and is never short', async () => {
    const demand = demandOf([1, 1, 1, 3, 2.5, 0.4, 1, 1, 1, 1]);
    const s = settings();
    const { policy, initialInstances } = createPolicy('oracle', 1, demand, s);
    const result = await simulate(demand, policy, s, { initialInstances });
    expect(Array.from(result.supply)).toEqual([1, 1, 1, 3, 3, 1, 1, 1, 1, 1]);
    expect(result.metrics.instanceHours).toBeCloseTo(((1 + 3 + 3 + 3 + 3 + 1 + 1 + 1 + 1 + 1) * 60) / 3600, 9);
    expect(result.metrics.underTimeshare).toBe(0);
    expect(result.metrics.launches).toBe(2);
    expect(result.metrics.terminations).toBe(2);
  });
});

describe('MetricsAccumulator', () => {
  it('measures instability as the share of transitions where supply and demand do not move alike', () => {
    const metrics = new MetricsAccumulator(1);
    for (const [demand, supply] of [
      [1, 1],
      [2, 2],
      [2, 3],
      [1, 3],
      [1, 1],
    ] as const) {
      metrics.addStep(demand, supply, 60);
    }
    // Transitions: both up (alike), supply up alone, demand down alone, supply down alone.
    expect(metrics.result().instability).toBe(75);
  });
});
