// Tests of the fault-injecting recorder: the record of calls, every way of failing them, reset, and a crash shared by several ports.
import { describe, expect, it } from 'vitest';
import type { ComputePort, LoadBalancerPort } from '../../../functions/ports/index.ts';
import { MemoryLoadBalancer } from '../../../functions/memory/load-balancer.ts';
import { Crash, SimulatedCrash, crashAfter, withFaults } from '../../fakes/faults.ts';
import { TestClock, launchCommand, launchRequest, memoryCompute } from '../memory/fixtures.ts';

/** A port whose effects are visible: a running total. */
interface Counter {
  add(n: number): Promise<number>;
  reject(why: string): Promise<void>;
}

function counter() {
  const state = { total: 0 };
  const port: Counter = {
    add: async (n) => (state.total += n),
    reject: async (why) => {
      throw new Error(why);
    },
  };
  return { state, port };
}

const outcomes = (calls: ReadonlyArray<{ method: string; outcome: string }>) => calls.map((c) => `${c.method}:${c.outcome}`);

describe('withFaults', () => {
  it('records every call in order with its arguments and outcome, errors the port threw included', async () => {
    const { port } = counter();
    const faulty = withFaults<Counter>(port);
    await faulty.port.add(2);
    await expect(faulty.port.reject('no')).rejects.toThrow('no');
    await faulty.port.add(3);
    expect(faulty.calls.map(({ method, args, outcome, injected }) => [method, args, outcome, injected])).toEqual([
      ['add', [2], 'returned', false],
      ['reject', ['no'], 'threw', false],
      ['add', [3], 'returned', false],
    ]);
    expect(faulty.callsOf('add').map((c) => c.args)).toEqual([[2], [3]]);
  });

  it('fails the next call of any method, before it takes effect', async () => {
    const { state, port } = counter();
    const faulty = withFaults<Counter>(port).failNext(new Error('throttled'));
    await expect(faulty.port.add(1)).rejects.toThrow('throttled');
    await faulty.port.add(2);
    expect([state.total, outcomes(faulty.calls)]).toEqual([2, ['add:threw', 'add:returned']]);
    expect(faulty.calls[0]).toMatchObject({ injected: true, error: new Error('throttled') });
  });

  it('fails the next call of a named method only, or of matching arguments only', async () => {
    const { state, port } = counter();
    const faulty = withFaults<Counter>(port)
      .failNext(new Error('reject fails'), { method: 'reject' })
      .failNext(new Error('big fails'), { method: 'add', when: ([n]) => (n as number) > 10 });
    await faulty.port.add(1);
    await faulty.port.add(20).catch(() => undefined);
    await faulty.port.add(30);
    await expect(faulty.port.reject('own')).rejects.toThrow('reject fails');
    await expect(faulty.port.reject('own')).rejects.toThrow('own');
    expect([state.total, outcomes(faulty.calls)]).toEqual([31, ['add:returned', 'add:threw', 'add:returned', 'reject:threw', 'reject:threw']]);
  });

  it.each([
    ['counting all calls', undefined, ['add:returned', 'reject:threw', 'add:threw', 'add:threw'], 1],
    ['counting the calls of one method', 'add' as const, ['add:returned', 'reject:threw', 'add:returned', 'add:threw'], 3],
  ])('fails every call after the n-th, %s', async (_what, method, expected, total) => {
    const { state, port } = counter();
    const faulty = withFaults<Counter>(port).failAfter(2, () => new Error('down'), method === undefined ? {} : { method });
    await faulty.port.add(1).catch(() => undefined);
    await faulty.port.reject('own').catch(() => undefined);
    await faulty.port.add(2).catch(() => undefined);
    await faulty.port.add(4).catch(() => undefined);
    expect(outcomes(faulty.calls)).toEqual(expected);
    expect(state.total).toBe(total);
  });

  it('fails a call after it took effect: the answer is lost', async () => {
    const { state, port } = counter();
    const faulty = withFaults<Counter>(port).failNext(new Error('timed out'), { afterApplying: true });
    await expect(faulty.port.add(5)).rejects.toThrow('timed out');
    expect([state.total, faulty.calls[0]?.outcome, faulty.calls[0]?.injected]).toEqual([5, 'lost', true]);
  });

  it('makes a fresh error for each failure from a factory, told the call', async () => {
    const { port } = counter();
    const faulty = withFaults<Counter>(port).failAfter(0, ({ method, args }) => new Error(`${method}(${args.join()}) failed`));
    await expect(faulty.port.add(7)).rejects.toThrow('add(7) failed');
    await expect(faulty.port.add(8)).rejects.toThrow('add(8) failed');
  });

  it('forgets calls and faults on reset', async () => {
    const { port } = counter();
    const faulty = withFaults<Counter>(port).failAfter(0, new Error('down'));
    await faulty.port.add(1).catch(() => undefined);
    faulty.reset();
    await faulty.port.add(1);
    expect(outcomes(faulty.calls)).toEqual(['add:returned']);
  });

  it('keeps the port’s type: wraps the ports, and refuses an object with a method that returns no promise', () => {
    const compute: ComputePort = memoryCompute().compute;
    expect(typeof withFaults<ComputePort>(compute).port.launch).toBe('function');
    // @ts-expect-error now() returns a number, not a promise: wrapping it would change its type.
    withFaults({ now: () => 1 });
  });
});

describe('Crash', () => {
  it('counts the calls of every port wrapped with it and throws SimulatedCrash from every call after the n-th, applying none of them', async () => {
    const first = counter();
    const second = counter();
    const crash = crashAfter(2);
    const a = withFaults<Counter>(first.port, { crash });
    const b = withFaults<Counter>(second.port, { crash });
    await a.port.add(1);
    await b.port.add(1);
    await expect(a.port.add(1)).rejects.toThrow(SimulatedCrash);
    await expect(b.port.add(1)).rejects.toThrow('simulated crash: the process died after port call 2');
    expect([first.state.total, second.state.total, crash.calls, crash.crashed]).toEqual([1, 1, 4, true]);
    expect(b.calls[1]).toMatchObject({ outcome: 'threw', injected: true });
  });

  it('lets calls through again once disarmed, counting them, and counts from zero when armed again', async () => {
    const { port } = counter();
    const crash = new Crash();
    const faulty = withFaults<Counter>(port, { crash });
    await faulty.port.add(1);
    expect([crash.calls, crash.crashed]).toEqual([1, false]);
    crash.arm(0);
    await expect(faulty.port.add(1)).rejects.toThrow(SimulatedCrash);
    crash.disarm();
    await faulty.port.add(1);
    expect([crash.calls, crash.crashed]).toEqual([2, false]);
  });

  it('drives a crash matrix: crash after each call k of a sequence, then a fresh run finishes what is left', async () => {
    const run = async (compute: ComputePort, lb: LoadBalancerPort, command = launchCommand(1)) => {
      const [existing] = await compute.describeFleetInstances('web');
      const id = existing?.instanceId ?? (await compute.launch(launchRequest(command))).instanceIds[0] ?? '';
      await lb.register(['tg'], id);
    };
    const outcomes: Array<[number, number, string | undefined]> = [];
    for (let k = 1; k <= 3; k++) {
      const { compute } = memoryCompute();
      const lb = new MemoryLoadBalancer({ clock: new TestClock(), targetGroups: ['tg'] });
      const crash = crashAfter(k);
      await run(withFaults<ComputePort>(compute, { crash }).port, withFaults<LoadBalancerPort>(lb, { crash }).port).catch(() => undefined);
      crash.disarm();
      await run(compute, lb);
      outcomes.push([k, compute.aliveCount, lb.targetState('tg', 'i-00000000000000001')]);
    }
    expect(outcomes).toEqual([
      [1, 1, 'healthy'],
      [2, 1, 'healthy'],
      [3, 1, 'healthy'],
    ]);
  });
});
