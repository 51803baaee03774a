// A warm pool in the simulator, through the product's own step: the pool fills (launched, booted,
// stopped, its stopped seconds counted, not capacity), then a scale-out starts its members, which
// serve after the start delay (30 s) instead of the boot (120 s), launches only the rest, and the
// pool is refilled.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../sim/fleet.ts';
import type { Observation } from '../../../sim/engine.ts';
import { simulatedFleetward } from '../../../sim/fleetward-world.ts';
import { simFleetConfig } from '../../../sim/policies/fleetward.ts';

const STEP_MS = 60_000;

function pooledWorld(instances: number) {
  const clock = new VirtualClock(0);
  const fleet = simFleetConfig({ target: 0.7, stepS: 60, bootS: 120, minInstances: 1, maxInstances: 20, warmPool: { size: 2, startS: 30 } });
  const simulated = simulatedFleetward(fleet, clock, { bootMs: 120_000, startMs: 30_000, stepMs: STEP_MS, initialInstances: instances });
  let step = 0;
  const next = async (utilisation: number) => {
    clock.set(step * STEP_MS);
    const observation: Observation = { step, nowMs: step * STEP_MS, utilisation, warmed: instances, alive: simulated.fleet.aliveCount, inService: simulated.fleet.inService };
    step += 1;
    return simulated.step(observation);
  };
  return { fleet, simulated, next };
}

describe('a warm pool in the simulator', () => {
  it('fills the pool, then starts its members on scale-out: they serve a step after the start, and the pool is refilled', async () => {
    const { simulated, next } = pooledWorld(4);
    const filling = await next(0.7);
    expect(filling.outcome.actions.filter((a) => a.kind === 'launch').map((a) => a.reason)).toEqual([
      'the warm pool holds 0 of its size 2: 2 instance(s) in sim-1a to prepare and stop',
    ]);
    await next(0.7);
    const stopping = await next(0.7);
    expect(stopping.outcome.actions.filter((a) => a.kind === 'pool').map((a) => a.reason)).toEqual([
      'prepared: running, status checks passed, 0 s (warmPool.prepareSeconds) since launch: stopping 2 into the warm pool of size 2',
    ]);
    expect([simulated.fleet.aliveCount, simulated.fleet.inService, simulated.compute.stoppedCount]).toEqual([4, 4, 2]);
    const ready = await next(0.7);
    expect(ready.activity).toEqual({ launched: 0, terminated: 0, minimumChargeS: 0, stoppedS: 120 });

    const out = await next(1);
    expect(out.desiredCapacity).toBe(6);
    expect(out.outcome.actions.filter((a) => a.kind === 'pool' || a.kind === 'launch').map((a) => a.reason)).toEqual([
      'capacity 4 is below desired 6: starting 2 stopped instance(s) (2 units) from the warm pool (2 ready of its size 2)',
      'the warm pool holds 0 of its size 2: 2 instance(s) in sim-1a to prepare and stop',
    ]);
    await next(0.7);
    expect(simulated.fleet.inService).toBe(6);
  });
});
