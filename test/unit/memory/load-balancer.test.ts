// Tests of the in-memory load balancer: target states on the clock, health marks, draining, and the ELBv2 adapter's mapping and errors.
import { describe, expect, it } from 'vitest';
import type { Ec2State } from '../../../functions/core/model.ts';
import { MemoryLoadBalancer, type MemoryLoadBalancerOptions } from '../../../functions/memory/load-balancer.ts';
import { TestClock } from './fixtures.ts';

const WEB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/1';
const API = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/2';

function loadBalancer(options: Partial<MemoryLoadBalancerOptions> = {}) {
  const clock = new TestClock();
  return { clock, lb: new MemoryLoadBalancer({ clock, targetGroups: [WEB, API], ...options }) };
}

describe('MemoryLoadBalancer', () => {
  it('reports a registered target initial (unknown) until its health checks pass, then healthy', async () => {
    const { clock, lb } = loadBalancer({ healthyAfterMs: 30_000 });
    await lb.register([WEB], 'i-1');
    const seen: Array<[string | undefined, string | undefined]> = [];
    for (const step of [29_999, 1]) {
      seen.push([lb.targetState(WEB, 'i-1'), (await lb.targetHealth([WEB])).get('i-1')]);
      clock.advance(step);
    }
    seen.push([lb.targetState(WEB, 'i-1'), (await lb.targetHealth([WEB])).get('i-1')]);
    expect(seen).toEqual([
      ['initial', 'unknown'],
      ['initial', 'unknown'],
      ['healthy', 'healthy'],
    ]);
  });

  it('leaves a deregistered target draining for the deregistration delay, reported draining as the ELBv2 adapter reads it, then gone', async () => {
    const { clock, lb } = loadBalancer({ deregistrationDelayMs: 300_000 });
    await lb.register([WEB], 'i-1');
    await lb.deregister([WEB], 'i-1');
    clock.advance(299_999);
    await lb.deregister([WEB], 'i-1');
    expect([lb.targetState(WEB, 'i-1'), (await lb.targetHealth([WEB])).get('i-1')]).toEqual(['draining', 'draining']);
    clock.advance(1);
    expect([lb.targetState(WEB, 'i-1'), [...lb.targets(WEB)], (await lb.targetHealth([WEB])).has('i-1')]).toEqual([undefined, [], false]);
  });

  it('reports a target draining in one group and gone from another as draining: still registered somewhere', async () => {
    const { lb } = loadBalancer();
    await lb.register([WEB, API], 'i-1');
    await lb.register([WEB, API], 'i-2');
    await lb.deregister([WEB, API], 'i-1');
    await lb.deregister([WEB], 'i-2');
    expect([...(await lb.targetHealth([WEB, API]))]).toEqual([
      ['i-1', 'draining'],
      ['i-2', 'healthy'],
    ]);
  });

  it('registers a draining target again as a new one', async () => {
    const { lb } = loadBalancer();
    await lb.register([WEB], 'i-1');
    await lb.deregister([WEB], 'i-1');
    await lb.register([WEB], 'i-1');
    expect(lb.targetState(WEB, 'i-1')).toBe('healthy');
  });

  it('removes a deregistered target at once without a deregistration delay, and treats deregistering an unknown target as done', async () => {
    const { lb } = loadBalancer({ deregistrationDelayMs: 0 });
    await lb.register([WEB], 'i-1');
    await lb.deregister([WEB, API], 'i-1');
    await lb.deregister([WEB], 'i-2');
    expect([...lb.targets(WEB)]).toEqual([]);
  });

  it('merges the target groups as the adapter does: unhealthy in any wins', async () => {
    const { lb } = loadBalancer();
    for (const id of ['i-1', 'i-2', 'i-3']) await lb.register([WEB, API], id);
    lb.setHealth('i-1', 'unhealthy', API);
    lb.setHealth('i-2', 'unhealthy');
    lb.setHealth('i-2', 'healthy', WEB);
    await lb.deregister([WEB], 'i-3');
    expect([...(await lb.targetHealth([WEB, API]))]).toEqual([
      ['i-1', 'unhealthy'],
      ['i-2', 'unhealthy'],
      ['i-3', 'healthy'],
    ]);
  });

  it('throws ELBv2’s TargetGroupNotFoundException for a target group that does not exist, in every call', async () => {
    const { lb } = loadBalancer();
    const error = { name: 'TargetGroupNotFoundException', message: 'One or more target groups not found: arn:missing' };
    await expect(lb.targetHealth([WEB, 'arn:missing'])).rejects.toMatchObject(error);
    await expect(lb.register(['arn:missing'], 'i-1')).rejects.toMatchObject(error);
    await expect(lb.deregister(['arn:missing'], 'i-1')).rejects.toMatchObject(error);
  });

  it('follows the instances when told their states: only a running one registers, a stopped one is unused', async () => {
    const states = new Map<string, Ec2State>([
      ['i-1', 'running'],
      ['i-2', 'pending'],
    ]);
    const { lb } = loadBalancer({ instanceState: (id) => states.get(id) });
    await lb.register([WEB], 'i-1');
    await expect(lb.register([WEB], 'i-2')).rejects.toMatchObject({
      name: 'InvalidTargetException',
      message: "The following targets are not in a running state and can not be registered: 'i-2'",
    });
    states.set('i-1', 'stopped');
    expect([lb.targetState(WEB, 'i-1'), (await lb.targetHealth([WEB])).get('i-1')]).toEqual(['unused', undefined]);
    states.set('i-1', 'pending');
    expect(lb.targetState(WEB, 'i-1')).toBe('initial');
  });

  it('registers a batch in one group, or none of it when one instance does not run', async () => {
    const states = new Map<string, Ec2State>([
      ['i-1', 'running'],
      ['i-2', 'running'],
      ['i-3', 'pending'],
    ]);
    const { lb } = loadBalancer({ instanceState: (id) => states.get(id) });
    await lb.registerTargets(WEB, ['i-1', 'i-2']);
    await expect(lb.registerTargets(API, ['i-1', 'i-3'])).rejects.toMatchObject({ name: 'InvalidTargetException' });
    expect([[...lb.targets(WEB).keys()], [...lb.targets(API).keys()]]).toEqual([['i-1', 'i-2'], []]);
  });
});
