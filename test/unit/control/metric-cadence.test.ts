/** The metric read cadence in the shell: a steady step off its read minute sends no metric read and writes nothing; an unsteady one reads. */
import { describe, expect, it } from 'vitest';
import { minutesToRead } from '../../../functions/core/metric-cadence.ts';
import { ControlWorld } from './world.ts';

const WRITES = ['putStatus', 'appendDecision', 'putInstance', 'updateInstance', 'deleteInstance', 'deleteRequest'] as const;
const EVERY = 5;

/** Two instances at a load well inside their band (15 of 20), stepped to steadiness and then to the minute after a read minute, fakes reset. */
async function steadyWorld(): Promise<ControlWorld> {
  const world = new ControlWorld({ fleet: { scaling: { metricReads: { steadyEveryMinutes: EVERY } } } });
  await world.seedInService(2);
  world.setLoad(15);
  for (let k = 0; k < 3; k++) {
    await world.step();
    world.clock.advance(60_000);
  }
  world.clock.advance(minutesToRead('web', EVERY, world.clock.now()) * 60_000);
  await world.step();
  world.clock.advance(60_000);
  for (const faulty of Object.values(world.faults)) faulty.reset();
  return world;
}

const writes = (world: ControlWorld) => WRITES.flatMap((method) => world.faults.records.callsOf(method).map(() => method));
const reads = (world: ControlWorld) => world.faults.metrics.callsOf('latest').length;

describe('the metric read cadence in a step', () => {
  it('a steady step off its read minute reads no metric, takes no lease and writes nothing, however the load moves', async () => {
    const world = await steadyWorld();
    world.setLoad(30);
    const outcomes = [];
    for (let k = 1; k < EVERY; k++) {
      outcomes.push(await world.step());
      world.clock.advance(60_000);
    }
    expect(reads(world)).toBe(0);
    expect(writes(world)).toEqual([]);
    expect(world.faults.leases.calls).toEqual([]);
    expect(outcomes.map((o) => o.desiredCapacity)).toEqual([2, 2, 2, 2]);
    expect(outcomes[0]?.reason).toBe('hold at 2: Test/Load not read (steady: read every 5 min (scaling.metricReads.steadyEveryMinutes), the next in 4 min): the standing recommendation 2');
  });

  it('the read minute reads once and acts on it: one GetMetricData for the step, though it observes twice', async () => {
    const world = await steadyWorld();
    world.setLoad(30);
    world.clock.advance((EVERY - 1) * 60_000);
    const outcome = await world.step();
    expect(reads(world)).toBe(1);
    expect(outcome).toMatchObject({ desiredCapacity: 3 });
  });

  it('a step an event triggers reads off its read minute, and so does the next, its reading at the value that scales out', async () => {
    const world = await steadyWorld();
    world.setLoad(30);
    const triggered = await world.step({ event: 'alarm web-high' });
    expect(reads(world)).toBe(1);
    expect(triggered).toMatchObject({ desiredCapacity: 3, launched: [expect.any(String)] });
    world.clock.advance(60_000);
    await world.step();
    expect(reads(world)).toBe(2);
    expect((await world.lastDecision())?.decision.reason).toBe('hold at 3: Sum Test/Load = 30 total at target 10 per unit recommends 3');
  });
});
