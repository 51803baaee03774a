// Tests of the in-memory compute: EC2's states on a virtual clock, launches with the EC2 adapter's type fallback, tags and fleets, failures, billing.
import { describe, expect, it } from 'vitest';
import { FLEET_TAG } from '../../../functions/core/tags.ts';
import { CapacityUnavailableError, ResourceNotFoundError } from '../../../functions/ports/errors.ts';
import { A, B, START_MS, fleetConfig, launchCommand, launchRequest, memoryCompute } from './fixtures.ts';

const summary = (instances: ReadonlyArray<{ instanceId: string; state: string; health: string }>) => instances.map((i) => [i.instanceId, i.state, i.health]);

describe('MemoryCompute instance states', () => {
  it('keeps a launched instance pending for the boot delay, then running with status checks passing after their delay', async () => {
    const { clock, compute } = memoryCompute({ bootMs: 30_000, statusChecksMs: 60_000 });
    const { instanceIds } = await compute.launch(launchRequest(launchCommand(1)));
    const id = instanceIds[0] ?? '';
    const seen: Array<[number, string, string, number, number]> = [];
    for (const atMs of [0, 29_999, 30_000, 89_999, 90_000]) {
      clock.advance(atMs - (clock.now() - START_MS));
      const [instance] = await compute.describeFleetInstances('web');
      seen.push([atMs, instance?.state ?? '', instance?.health ?? '', compute.aliveCount, compute.servingCount]);
    }
    expect(id).toBe('i-00000000000000001');
    expect(seen).toEqual([
      [0, 'pending', 'unknown', 1, 0],
      [29_999, 'pending', 'unknown', 1, 0],
      [30_000, 'running', 'unknown', 1, 1],
      [89_999, 'running', 'unknown', 1, 1],
      [90_000, 'running', 'ok', 1, 1],
    ]);
  });

  it('runs at the next call without a boot delay', async () => {
    const { compute } = memoryCompute();
    await compute.launch(launchRequest(launchCommand(2)));
    expect(summary(await compute.describeFleetInstances('web'))).toEqual([
      ['i-00000000000000001', 'running', 'ok'],
      ['i-00000000000000002', 'running', 'ok'],
    ]);
  });

  it('stops, starts (a new launch time) and terminates through the transitional states, each taking its delay', async () => {
    const { clock, compute } = memoryCompute({ bootMs: 10_000, stopMs: 5_000, terminateMs: 2_000 });
    const id = compute.seedInstance({ fleet: 'web', subnetId: A.subnetId, launchTimeMs: START_MS - 3_600_000 });
    const states: string[] = [];
    const look = async (ms: number) => {
      clock.advance(ms);
      states.push(compute.instance(id)?.state ?? 'gone');
    };
    await compute.stop([id], false);
    await look(4_999);
    await look(1);
    await compute.start([id]);
    expect(compute.instance(id)?.launchTimeMs).toBe(clock.now());
    await look(9_999);
    await look(1);
    await compute.terminate([id]);
    await look(1_999);
    await look(1);
    expect(states).toEqual(['stopping', 'stopped', 'pending', 'running', 'shutting-down', 'terminated']);
    expect(compute.instance(id)?.terminatedAtMs).toBe(clock.now());
  });

  it('keeps describing a terminated instance for the visibility window, then forgets it', async () => {
    const { clock, compute } = memoryCompute({ terminatedVisibleMs: 60_000 });
    const id = compute.seedInstance({ fleet: 'web', subnetId: A.subnetId });
    await compute.terminate([id]);
    clock.advance(59_999);
    expect(summary(await compute.describeFleetInstances('web'))).toEqual([[id, 'terminated', 'unknown']]);
    clock.advance(1);
    expect(await compute.describeFleetInstances('web')).toEqual([]);
    expect(compute.instance(id)).toBeUndefined();
    expect(compute.instances()).toEqual([]);
  });

  it('does not let a transition scheduled from one state apply after the instance moved on', async () => {
    const { clock, compute } = memoryCompute({ bootMs: 10_000, stopMs: 10_000 });
    const id = compute.seedInstance({ fleet: 'web', subnetId: A.subnetId });
    await compute.stop([id], false);
    clock.advance(10_000);
    await compute.start([id]);
    clock.advance(5_000);
    await compute.terminate([id]);
    clock.advance(10_000);
    // The boot of the start would have ended now: the termination came first.
    expect(compute.instance(id)?.state).toBe('terminated');
  });

  it.each([
    ['stop a pending instance', 'pending', (c: Calls, id: string) => c.stop([id], false), 'IncorrectInstanceState', "The instance '{id}' is not in a state from which it can be stopped."],
    ['start a terminated instance', 'terminated', (c: Calls, id: string) => c.start([id]), 'IncorrectInstanceState', "The instance '{id}' is not in a state from which it can be started."],
    ['stop a terminated instance', 'terminated', (c: Calls, id: string) => c.stop([id], true), 'IncorrectInstanceState', "The instance '{id}' is not in a state from which it can be stopped."],
    ['change the type of a running instance', 'running', (c: Calls, id: string) => c.modifyInstanceType(id, 't3.small'), 'IncorrectInstanceState', "The instance '{id}' is not in a state from which it can be modified."],
    ['terminate an unknown instance', 'unknown', (c: Calls) => c.terminate(['i-404']), 'InvalidInstanceID.NotFound', "The instance ID 'i-404' does not exist"],
  ] as const)('refuses to %s as EC2 does', async (_what, state, call, name, message) => {
    const { compute } = memoryCompute({ bootMs: 10_000 });
    const id = compute.seedInstance({ fleet: 'web', subnetId: A.subnetId, state: state === 'pending' ? 'pending' : 'running' });
    if (state === 'terminated') await compute.terminate([id]);
    await expect(call(compute, id)).rejects.toMatchObject({ name, message: message.replace('{id}', id) });
  });

  it('treats terminating a terminated instance, stopping a stopped one and starting a running one as done', async () => {
    const { compute } = memoryCompute();
    const [running, stopped, terminated] = ['running', 'stopped', 'running'].map((state) =>
      compute.seedInstance({ fleet: 'web', subnetId: A.subnetId, state: state as 'running' | 'stopped' }),
    ) as [string, string, string];
    await compute.terminate([terminated]);
    await compute.terminate([terminated]);
    await compute.stop([stopped], false);
    await compute.start([running]);
    expect(compute.instances().map((i) => i.state)).toEqual(['running', 'stopped', 'terminated']);
  });

  it('acts on none of the instances a call names when one of them is unknown', async () => {
    const { compute } = memoryCompute();
    const id = compute.seedInstance({ fleet: 'web', subnetId: A.subnetId });
    await expect(compute.terminate([id, 'i-404'])).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound' });
    expect(compute.instance(id)?.state).toBe('running');
  });
});

type Calls = ReturnType<typeof memoryCompute>['compute'];

describe('MemoryCompute launches', () => {
  const large = { type: 'm7g.large', weight: 1 };
  const xlarge = { type: 'm7g.xlarge', weight: 2 };
  const metal = { type: 'm7g.metal', weight: 8 };

  it('launches capacity units as instances of the first type, tagged with the fleet, the command and the fleet tags', async () => {
    const { compute } = memoryCompute();
    const result = await compute.launch(launchRequest(launchCommand(5, [xlarge, large], B), fleetConfig('web', { team: 'search' })));
    expect(result).toEqual({ instanceIds: ['i-00000000000000001', 'i-00000000000000002'], instanceType: 'm7g.xlarge', skipped: [] });
    expect(compute.instance('i-00000000000000001')).toMatchObject({
      instanceType: 'm7g.xlarge',
      subnetId: B.subnetId,
      availabilityZone: B.availabilityZone,
      launchTimeMs: START_MS,
      commandId: 'web/1/launch/subnet-b',
      fleetTag: 'web',
      tags: { [FLEET_TAG]: 'web', 'fleetward:command-id': 'web/1/launch/subnet-b', team: 'search' },
    });
  });

  it.each([
    ['a type whose weight exceeds the units', [metal, large], [], { type: 'm7g.large', count: 3, skipped: ['m7g.metal (weight 8 exceeds 3 units)'] }],
    ['a type without capacity anywhere', [xlarge, large], [['m7g.xlarge']], { type: 'm7g.large', count: 3, skipped: ['m7g.xlarge (InsufficientInstanceCapacity)'] }],
    ['a type without capacity in this zone', [xlarge, large], [['m7g.xlarge', A.availabilityZone]], { type: 'm7g.large', count: 3, skipped: ['m7g.xlarge (InsufficientInstanceCapacity)'] }],
    ['a type without capacity in another zone only', [xlarge, large], [['m7g.xlarge', B.availabilityZone]], { type: 'm7g.xlarge', count: 1, skipped: [] }],
    ['a type over the account limit', [xlarge, large], [['m7g.xlarge', undefined, 'VcpuLimitExceeded']], { type: 'm7g.large', count: 3, skipped: ['m7g.xlarge (VcpuLimitExceeded)'] }],
  ] as const)('falls back past %s as the EC2 adapter does', async (_what, types, shortages, expected) => {
    const { compute } = memoryCompute();
    for (const [type, zone, code] of shortages as ReadonlyArray<readonly [string, string?, 'VcpuLimitExceeded'?]>) compute.removeCapacity(type, zone, code);
    const result = await compute.launch(launchRequest(launchCommand(3, types)));
    expect({ type: result.instanceType, count: result.instanceIds.length, skipped: result.skipped }).toEqual(expected);
  });

  it('throws CapacityUnavailableError naming every type when none has capacity, launching nothing', async () => {
    const { compute } = memoryCompute();
    compute.removeCapacity('m7g.large', A.availabilityZone);
    const launching = compute.launch(launchRequest(launchCommand(1, [metal, large])));
    await expect(launching).rejects.toThrow(CapacityUnavailableError);
    await expect(launching).rejects.toThrow('no capacity in subnet-a for any allowed type: m7g.metal (weight 8 exceeds 1 units), m7g.large (InsufficientInstanceCapacity)');
    expect(compute.aliveCount).toBe(0);
  });

  it('launches a type again once its capacity is back', async () => {
    const { compute } = memoryCompute();
    compute.removeCapacity('m7g.large');
    await expect(compute.launch(launchRequest(launchCommand(1)))).rejects.toThrow(CapacityUnavailableError);
    compute.restoreCapacity('m7g.large');
    expect((await compute.launch(launchRequest(launchCommand(1)))).instanceIds).toHaveLength(1);
  });

  it('names a subnet that does not exist as the EC2 adapter does', async () => {
    const { compute } = memoryCompute();
    const launching = compute.launch(launchRequest(launchCommand(1, [large], { subnetId: 'subnet-x', availabilityZone: 'us-east-1x' })));
    await expect(launching).rejects.toThrow(ResourceNotFoundError);
    await expect(launching).rejects.toThrow("subnet not found: The subnet ID 'subnet-x' does not exist (InvalidSubnetID.NotFound)");
  });
});

describe('MemoryCompute describing', () => {
  it('describes only the fleet’s own instances; a tag change moves an instance in or out', async () => {
    const { compute } = memoryCompute();
    const ours = compute.seedInstance({ fleet: 'web', subnetId: A.subnetId });
    const foreign = compute.seedInstance({ subnetId: A.subnetId });
    const other = compute.seedInstance({ fleet: 'batch', subnetId: B.subnetId });
    expect((await compute.describeFleetInstances('web')).map((i) => i.instanceId)).toEqual([ours]);
    compute.setTag(foreign, FLEET_TAG, 'web');
    compute.untag(ours);
    expect((await compute.describeFleetInstances('web')).map((i) => i.instanceId)).toEqual([foreign]);
    expect((await compute.describeFleetInstances('batch')).map((i) => i.instanceId)).toEqual([other]);
  });

  it('shows protection from the tag, set and removed', async () => {
    const { compute } = memoryCompute();
    const id = compute.seedInstance({ fleet: 'web', subnetId: A.subnetId, protected: true });
    expect((await compute.describeFleetInstances('web'))[0]?.protected).toBe(true);
    compute.protect(id, false);
    expect((await compute.describeFleetInstances('web'))[0]?.protected).toBe(false);
  });

  it('returns a fresh array of the same immutable views while nothing changed, and a new view only of what changed', async () => {
    const { compute } = memoryCompute();
    const [first, second] = [0, 1].map(() => compute.seedInstance({ fleet: 'web', subnetId: A.subnetId }));
    const before = await compute.describeFleetInstances('web');
    const again = await compute.describeFleetInstances('web');
    expect(again).not.toBe(before);
    expect(again[0]).toBe(before[0]);
    expect(Object.isFrozen(before[0])).toBe(true);
    compute.fail(second ?? '', 'impaired');
    const after = await compute.describeFleetInstances('web');
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect([after[0]?.instanceId, after[1]?.health]).toEqual([first, 'impaired']);
  });

  it('describes instances by id with their fleet tag and no identity, as the EC2 adapter, leaving unknown ids out', async () => {
    const { compute } = memoryCompute();
    const pet = compute.seedInstance({ fleet: 'web', subnetId: A.subnetId, identity: { elasticIps: 1 } });
    const foreign = compute.seedInstance({ subnetId: A.subnetId });
    const described = await compute.describeInstances([foreign, 'i-404', pet]);
    expect(described.map((i) => [i.instanceId, i.fleetTag, i.identity.elasticIps.length])).toEqual([
      [foreign, undefined, 0],
      [pet, 'web', 0],
    ]);
  });

  it('gives the subnets’ zones, and names every subnet that does not exist', async () => {
    const { compute } = memoryCompute();
    expect(await compute.describeSubnets([B.subnetId, A.subnetId])).toEqual([B, A]);
    await expect(compute.describeSubnets([A.subnetId, 'subnet-x', 'subnet-y'])).rejects.toThrow(
      new ResourceNotFoundError('subnet', 'subnet-x, subnet-y (not in this account and region)'),
    );
  });
});

describe('MemoryCompute failures', () => {
  it.each([
    ['impaired', 'running', 'impaired', 1, 0],
    ['stopped', 'stopped', 'unknown', 0, 0],
    ['terminated', 'terminated', 'unknown', 0, 0],
  ] as const)('fails an instance as %s', async (how, state, health, alive, serving) => {
    const { compute } = memoryCompute();
    const id = compute.seedInstance({ fleet: 'web', subnetId: A.subnetId });
    compute.fail(id, how);
    expect([compute.instance(id)?.state, compute.instance(id)?.health, compute.aliveCount, compute.servingCount]).toEqual([state, health, alive, serving]);
  });

  it('recovers an impaired instance', async () => {
    const { compute } = memoryCompute();
    const id = compute.seedInstance({ fleet: 'web', subnetId: A.subnetId });
    compute.fail(id, 'impaired');
    compute.recover(id);
    expect([compute.instance(id)?.health, compute.servingCount]).toEqual(['ok', 1]);
  });

  it('refuses, as the IAM policy does, to act on what does not carry one of the deployment’s fleet tags', async () => {
    const { compute } = memoryCompute({ authorizedFleets: ['web'] });
    const foreign = compute.seedInstance({ subnetId: A.subnetId });
    const ours = compute.seedInstance({ fleet: 'web', subnetId: A.subnetId });
    await expect(compute.terminate([ours, foreign])).rejects.toMatchObject({
      name: 'UnauthorizedOperation',
      message: `You are not authorized to perform TerminateInstances on ${foreign}: it does not carry a fleet tag this role may act on.`,
    });
    await expect(compute.launch(launchRequest(launchCommand(1), fleetConfig('batch')))).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
    expect(compute.instances().map((i) => i.state)).toEqual(['running', 'running']);
  });

  it('refuses, as the IAM policy does, to launch without the owner tag or act on an instance of another owner', async () => {
    const { compute } = memoryCompute({ authorizedOwner: 'fleetward-test' });
    const theirs = compute.seedInstance({ fleet: 'web', owner: 'other-stack', subnetId: A.subnetId });
    const ours = compute.seedInstance({ fleet: 'web', owner: 'fleetward-test', subnetId: A.subnetId });
    await expect(compute.stop([ours, theirs], false)).rejects.toMatchObject({
      name: 'UnauthorizedOperation',
      message: `You are not authorized to perform StopInstances on ${theirs}: it does not carry the fleetward:owner tag this role may act on.`,
    });
    await expect(compute.launch({ ...launchRequest(launchCommand(1)), owner: 'other-stack' })).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
    expect((await compute.launch(launchRequest(launchCommand(1)))).instanceIds).toHaveLength(1);
    expect(compute.instances().map((i) => i.state)).toEqual(['running', 'running', 'running']);
  });
});

describe('MemoryCompute billing', () => {
  it('bills per second from launch, each period at least the minimum, and counts the minimum charged beyond a short life', async () => {
    const { clock, compute } = memoryCompute({ bootMs: 20_000 });
    await compute.launch(launchRequest(launchCommand(2)));
    clock.advance(30_000);
    const [short, long] = (await compute.describeFleetInstances('web')).map((i) => i.instanceId) as [string, string];
    await compute.terminate([short]);
    expect([compute.aliveCount, compute.minimumChargeSeconds, compute.billedSeconds]).toEqual([1, 30, 60 + 30]);
    clock.advance(90_000);
    await compute.stop([long], false);
    clock.advance(10_000);
    await compute.start([long]);
    clock.advance(15_000);
    // long: 120 s, then a second period of 15 s so far (its minimum counts only once it ends).
    expect([compute.aliveCount, compute.minimumChargeSeconds, compute.billedSeconds]).toEqual([1, 30, 60 + 120 + 15]);
    await compute.terminate([long]);
    expect([compute.aliveCount, compute.minimumChargeSeconds, compute.billedSeconds]).toEqual([0, 75, 60 + 120 + 60]);
  });

  it('counts the instances billed and serving by type and market, and the minimum charged to each kind', async () => {
    const { clock, compute } = memoryCompute({ bootMs: 20_000 });
    const spot = (await compute.launch(launchRequest({ ...launchCommand(2), market: 'spot' }))).instanceIds;
    compute.seedInstance({ fleet: 'web', subnetId: A.subnetId, instanceType: 'c7g.large' });
    expect([...compute.servingByType]).toEqual([['c7g.large', 1]]);
    clock.advance(20_000);
    expect([...compute.servingByType]).toEqual([['c7g.large', 1], ['m7g.large', 2]]);
    await compute.terminate(spot.slice(0, 1));
    expect([...compute.billingByKind()]).toEqual([
      ['m7g.large spot', { alive: 1, minimumChargeSeconds: 40 }],
      ['c7g.large on-demand', { alive: 1, minimumChargeSeconds: 0 }],
    ]);
    expect([...compute.servingByType]).toEqual([['c7g.large', 1], ['m7g.large', 1]]);
  });

  it('bills a seeded instance from its launch time, without a minimum once it lived past it', async () => {
    const { clock, compute } = memoryCompute({ minimumBilledSeconds: 60 });
    const id = compute.seedInstance({ fleet: 'web', subnetId: A.subnetId, launchTimeMs: START_MS - 100_000 });
    clock.advance(20_000);
    compute.fail(id, 'terminated');
    expect([compute.billedSeconds, compute.minimumChargeSeconds]).toEqual([120, 0]);
  });

  it('keeps no terminated instance past its window: a long run holds only the live ones', async () => {
    const { clock, compute } = memoryCompute({ bootMs: 60_000, terminatedVisibleMs: 600_000 });
    for (let step = 0; step < 2_000; step++) {
      clock.advance(60_000);
      const { instanceIds } = await compute.launch(launchRequest({ ...launchCommand(1), id: `web/${step}/launch` }));
      const oldest = (await compute.describeFleetInstances('web')).find((i) => i.state === 'running' && !instanceIds.includes(i.instanceId));
      if (oldest !== undefined) await compute.terminate([oldest.instanceId]);
    }
    expect(compute.instances().length).toBeLessThanOrEqual(12);
    // The one launched last is still booting; the one before it was terminated once it ran.
    expect([compute.aliveCount, compute.servingCount]).toEqual([1, 0]);
  });
});
