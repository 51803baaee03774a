// fleetward in the simulator is the product's control step over in-memory ports: its instances boot
// for the configured delay, and an instance told to fail is failed over, and an operator's drain
// is carried out, exactly as the Lambda would do it.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../sim/fleet.ts';
import type { Observation } from '../../../sim/engine.ts';
import { simulatedFleetward } from '../../../sim/fleetward-world.ts';
import { simFleetConfig } from '../../../sim/policies/fleetward.ts';

const STEP_MS = 60_000;

/** A fleet of `instances` at 50% of a 70% target, stepped minute by minute from t = 0. */
function world(instances: number) {
  const clock = new VirtualClock(0);
  const fleet = simFleetConfig({ target: 0.7, stepS: 60, bootS: 120, minInstances: 1, maxInstances: 20 });
  const simulated = simulatedFleetward(fleet, clock, { bootMs: 120_000, stepMs: STEP_MS, initialInstances: instances });
  let step = 0;
  const next = async (utilisation = 0.7) => {
    clock.set(step * STEP_MS);
    const observation: Observation = { step, nowMs: step * STEP_MS, utilisation, warmed: instances, alive: simulated.fleet.aliveCount, inService: simulated.fleet.inService };
    step += 1;
    return simulated.step(observation);
  };
  return { clock, fleet, simulated, next };
}

const alive = (compute: ReturnType<typeof world>['simulated']['compute']) =>
  compute.instances().filter((i) => i.state === 'pending' || i.state === 'running');

describe('fleetward in the simulator', () => {
  it('runs the real step: adopts the instances it starts with, launches what it needs, and they serve only after booting', async () => {
    const { simulated, next } = world(4);
    const first = await next(1);
    expect(first.outcome.actions.filter((a) => a.kind === 'adopt')).toHaveLength(4);
    expect(first.reason).toBe('scale out 4 -> 6: utilisation % = 100 per unit over 4 warmed units at target 70 recommends 6 (no forecast yet: 0 h of load history, 4 h needed)');
    expect(first.activity).toEqual({ launched: 2, terminated: 0, minimumChargeS: 0 });
    expect([simulated.fleet.aliveCount, simulated.fleet.inService]).toEqual([6, 4]);
    await next(0.7);
    await next(0.7);
    expect([simulated.fleet.aliveCount, simulated.fleet.inService]).toEqual([6, 6]);
  });

  it('fails over an instance that someone terminated: a replacement is launched in the same step', async () => {
    const { simulated, next } = world(3);
    await next();
    const [victim] = alive(simulated.compute);
    simulated.compute.fail(victim?.instanceId ?? '', 'terminated');
    const step = await next();
    const failover = step.outcome.actions.find((a) => a.kind === 'failover');
    expect(failover?.reason).toMatch(/^EC2 no longer reports it: replace it in sim-1a to balance zones$/);
    expect(step.activity.launched).toBe(1);
    expect(alive(simulated.compute)).toHaveLength(3);
  });

  it("carries out an operator's drain: replacement first, then the drained instance is terminated", async () => {
    const { fleet, simulated, next } = world(2);
    await next(0.5);
    const [drained] = alive(simulated.compute);
    const instanceId = drained?.instanceId ?? '';
    await simulated.state.records.putRequest(fleet.name, { requestId: 'r-1', kind: 'drain', instanceId, requestedAtMs: STEP_MS, requestedBy: 'alice' });
    const settled = await next(0.5);
    expect(settled.outcome.actions.map((a) => [a.kind, a.outcome])).toEqual([
      ['settle', 'applied'],
      ['launch', expect.stringMatching(/^launched i-/)],
      ['advance', 'draining'],
    ]);
    await next(0.5);
    const done = await next(0.5);
    expect(done.outcome.terminated).toEqual([instanceId]);
    expect(alive(simulated.compute).map((i) => i.instanceId)).not.toContain(instanceId);
    expect(alive(simulated.compute)).toHaveLength(2);
  });
});
