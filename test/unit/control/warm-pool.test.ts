// The warm pool's executor over the in-memory ports with injected faults: a refused start
// terminates the members it named, so that the next step launches in their place; a failed
// stop is retried by the next step; neither fails the step.
import { describe, expect, it } from 'vitest';
import { AwsApiError } from '../../../functions/memory/aws-error.ts';
import { ControlWorld } from './world.ts';

const pooledWorld = () => new ControlWorld({ fleet: { warmPool: { size: 2, prepareSeconds: 0 } } });

/** Steps until the pool of 2 is launched and stopped, at a load of 10 (desired 1). */
async function withReadyPool(world: ControlWorld): Promise<string[]> {
  world.setLoad(10);
  await world.step();
  world.clock.advance(60_000);
  await world.step();
  const pooled = (await world.records()).filter((r) => r.lifecycle === 'pooled').map((r) => r.instanceId);
  expect(pooled.map((id) => world.compute.instance(id)?.state)).toEqual(['stopped', 'stopped']);
  return pooled;
}

describe('the warm pool executor', () => {
  it('terminates the members of a start EC2 refuses, and the next step launches in their place', async () => {
    const world = pooledWorld();
    const pooled = await withReadyPool(world);
    world.faults.compute.failNext(new AwsApiError('InsufficientInstanceCapacity', 'There is not enough m7g.large capacity in us-east-1a.'), { method: 'start' });
    world.setLoad(30);
    world.clock.advance(60_000);

    const refused = await world.step();

    expect(refused).toMatchObject({ outcome: 'done', desiredCapacity: 3 });
    const decision = await world.lastDecision();
    const start = decision?.actions.find((a) => a.kind === 'pool');
    expect(start?.outcome).toBe(`failed: There is not enough m7g.large capacity in us-east-1a.; terminated ${pooled.join(', ')}: the next step launches in their place`);
    expect(pooled.map((id) => world.compute.instance(id)?.state)).toEqual(['terminated', 'terminated']);
    expect(world.logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual(['warm pool action failed']);

    world.clock.advance(60_000);
    await world.step();
    const next = await world.lastDecision();
    expect(next?.actions.filter((a) => a.kind === 'launch').map((a) => a.reason)).toContainEqual(expect.stringMatching(/^capacity 1 is below desired 3: 1 instance\(s\) in /));
    expect((await world.records()).filter((r) => r.lifecycle === 'in-service')).toHaveLength(3);
  });

  it('leaves a member whose stop failed to the next step, which stops it', async () => {
    const world = pooledWorld();
    world.setLoad(10);
    await world.step();
    world.faults.compute.failNext(new AwsApiError('RequestLimitExceeded', 'Request limit exceeded.'), { method: 'stop' });
    world.clock.advance(60_000);

    expect(await world.step()).toMatchObject({ outcome: 'done' });
    expect((await world.lastDecision())?.actions.find((a) => a.kind === 'pool')?.outcome).toBe('failed: Request limit exceeded.; the next step tries again');

    world.clock.advance(60_000);
    await world.step();
    const pooled = (await world.records()).filter((r) => r.lifecycle === 'pooled').map((r) => r.instanceId);
    expect(pooled.map((id) => world.compute.instance(id)?.state)).toEqual(['stopped', 'stopped']);
  });
});
