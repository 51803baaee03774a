// The warm pool phase: scale-out starts stopped pool members before it launches, within
// capacity.max; the upkeep stops prepared members, retires stale or surplus ones and refills
// the pool with pool launches; pool members are never capacity; a lost record of a stopped pool
// member is adopted back into the pool. Exact reasons, as the decision log shows them.
import { describe, expect, it } from 'vitest';
import { type FleetConfig, validateConfig } from '../../functions/core/config.ts';
import type { Command, InstanceRecord, ObservedInstance } from '../../functions/core/model.ts';
import { decideStep } from '../../functions/core/step/index.ts';
import { rawConfigWith } from './fixtures.ts';
import { LONG_AGO, NOW, SUBNET_A, SUBNET_B, fleet, instance, record, sec, status, stepInput } from './step-fixtures.ts';

const POOL_LAUNCHED = 'web/7/pool-launch/subnet-0a';

function pooledFleet(warmPool: Partial<NonNullable<FleetConfig['warmPool']>>, capacity = { min: 1, max: 10 }): FleetConfig {
  return { ...fleet({ capacity }), warmPool: { size: 2, prepareSeconds: 120, ...warmPool } };
}

const serving = [instance('i-a', SUBNET_A), instance('i-b', SUBNET_B)];
const stoppedMember = (id: string, extra: Partial<ObservedInstance> = {}) => instance(id, SUBNET_A, { state: 'stopped', health: 'unknown', commandId: POOL_LAUNCHED, ...extra });
const pooled = (id: string, extra: Partial<InstanceRecord> = {}) => record(id, { lifecycle: 'pooled', ...extra });

interface Case {
  readonly name: string;
  readonly fleet: FleetConfig;
  readonly desired: number;
  readonly observed: readonly ObservedInstance[];
  readonly records: readonly InstanceRecord[];
  readonly commands: ReadonlyArray<Pick<Command, 'kind' | 'reason'> & { readonly instanceIds?: readonly string[] }>;
}

const shape = (command: Command) => ({ kind: command.kind, reason: command.reason, ...(command.kind === 'pool' ? { instanceIds: command.instanceIds } : {}) });

const CASES: readonly Case[] = [
  {
    name: 'scale-out starts the ready members, oldest first, and launches only the rest; the pool is refilled',
    fleet: pooledFleet({}),
    desired: 5,
    observed: [...serving, stoppedMember('i-p1'), stoppedMember('i-p2')],
    records: [record('i-a'), record('i-b'), pooled('i-p1', { launchedAtMs: LONG_AGO + 1 }), pooled('i-p2')],
    commands: [
      { kind: 'pool', reason: 'capacity 2 is below desired 5: starting 2 stopped instance(s) (2 units) from the warm pool (2 ready of its size 2)', instanceIds: ['i-p2', 'i-p1'] },
      { kind: 'launch', reason: 'capacity 2 (+2 starting from the warm pool) is below desired 5: 1 instance(s) in us-east-1a to balance zones' },
      { kind: 'launch', reason: 'the warm pool holds 0 of its size 2: 1 instance(s) in us-east-1a to prepare and stop' },
      { kind: 'launch', reason: 'the warm pool holds 0 of its size 2: 1 instance(s) in us-east-1b to prepare and stop' },
    ],
  },
  {
    name: 'starts stop at capacity.max',
    fleet: pooledFleet({}, { min: 1, max: 3 }),
    desired: 3,
    observed: [...serving, stoppedMember('i-p1'), stoppedMember('i-p2')],
    records: [record('i-a'), record('i-b'), pooled('i-p1'), pooled('i-p2')],
    commands: [
      { kind: 'pool', reason: 'capacity 2 is below desired 3: starting 1 stopped instance(s) (1 units) from the warm pool (2 ready of its size 2)', instanceIds: ['i-p1'] },
      { kind: 'launch', reason: 'the warm pool holds 1 of its size 2: 1 instance(s) in us-east-1a to prepare and stop' },
    ],
  },
  {
    name: 'a member being prepared is stopped once running past prepareSeconds with its status checks passed; pool members are not capacity',
    fleet: pooledFleet({ size: 2 }),
    desired: 2,
    observed: [...serving, instance('i-p1', SUBNET_A, { commandId: POOL_LAUNCHED }), instance('i-p2', SUBNET_B, { commandId: POOL_LAUNCHED })],
    records: [record('i-a'), record('i-b'), pooled('i-p1', { launchedAtMs: NOW - sec(120) }), pooled('i-p2', { launchedAtMs: NOW - sec(119) })],
    commands: [
      { kind: 'pool', reason: 'prepared: running, status checks passed, 120 s (warmPool.prepareSeconds) since launch: stopping 1 into the warm pool of size 2', instanceIds: ['i-p1'] },
    ],
  },
  {
    name: 'a stale member is terminated and replaced; a surplus member beyond the size is terminated',
    fleet: pooledFleet({ size: 1, maxPreparedAgeSeconds: 3600 }),
    desired: 2,
    observed: [...serving, stoppedMember('i-p1'), stoppedMember('i-p2'), stoppedMember('i-p3')],
    records: [record('i-a'), record('i-b'), pooled('i-p1', { launchedAtMs: NOW - sec(3600) }), pooled('i-p2', { launchedAtMs: NOW - sec(60) }), pooled('i-p3', { launchedAtMs: NOW - sec(30) })],
    commands: [
      { kind: 'pool', reason: 'launched more than 3600 s (warmPool.maxPreparedAgeSeconds) ago: terminating 1 stale warm pool member(s), to be replaced', instanceIds: ['i-p1'] },
      { kind: 'pool', reason: 'the warm pool holds 2, more than its size 1: terminating 1', instanceIds: ['i-p2'] },
    ],
  },
  {
    name: 'a member that is impaired, or not prepared within prepareSeconds + 600 s, is terminated; one still within it waits',
    fleet: pooledFleet({ size: 3 }),
    desired: 2,
    observed: [
      ...serving,
      instance('i-p1', SUBNET_A, { commandId: POOL_LAUNCHED, health: 'impaired' }),
      instance('i-p2', SUBNET_A, { commandId: POOL_LAUNCHED, health: 'unknown' }),
      instance('i-p3', SUBNET_B, { commandId: POOL_LAUNCHED, health: 'unknown' }),
    ],
    records: [record('i-a'), record('i-b'), pooled('i-p1', { launchedAtMs: NOW - sec(60) }), pooled('i-p2', { launchedAtMs: NOW - sec(721) }), pooled('i-p3', { launchedAtMs: NOW - sec(720) })],
    commands: [
      {
        kind: 'pool',
        reason: 'not prepared: impaired, or not running with its status checks passed within 720 s (warmPool.prepareSeconds + 600) of launch: terminating 2, to be replaced',
        instanceIds: ['i-p1', 'i-p2'],
      },
    ],
  },
  {
    name: 'a stopped pool member without a record is adopted back into the pool, not as capacity',
    fleet: pooledFleet({ size: 1 }),
    desired: 2,
    observed: [...serving, stoppedMember('i-p1')],
    records: [record('i-a'), record('i-b')],
    commands: [{ kind: 'adopt', reason: 'it carries the fleet tag and is stopped, but fleetward had no record of it; a warm pool launch made it: a pool member' }],
  },
];

describe('the warm pool', () => {
  it.each(CASES)('$name', (c) => {
    const decision = decideStep(stepInput({ fleet: c.fleet, status: status(c.desired), observed: c.observed, records: c.records }));
    expect(decision.desiredCapacity).toBe(c.desired);
    expect(decision.commands.map(shape)).toEqual(c.commands);
    expect(decision.capacity.instances).toBe(2);
  });

  it('gives each pool command of a step its own id, as the journal runs an id once', () => {
    const stale = CASES.find((c) => c.name.startsWith('a stale member')) as Case;
    const decision = decideStep(stepInput({ fleet: stale.fleet, status: status(stale.desired), observed: stale.observed, records: stale.records }));
    expect(decision.commands.map((c) => c.id)).toEqual(['web/42/pool-terminate/stale', 'web/42/pool-terminate/surplus']);
  });

  it('without warmPool, nothing about a pool is decided', () => {
    const decision = decideStep(stepInput({ fleet: fleet(), status: status(2), observed: serving }));
    expect(decision.commands).toEqual([]);
  });
});

describe('warmPool config', () => {
  it('defaults prepareSeconds and has no pool unless asked', () => {
    expect(validateConfig(rawConfigWith({}), 't').fleets[0]?.warmPool).toBeUndefined();
    expect(validateConfig(rawConfigWith({ warmPool: { size: 2 } }), 't').fleets[0]?.warmPool).toEqual({ size: 2, prepareSeconds: 120 });
  });

  it('names every bad field at once', () => {
    expect(() => validateConfig(rawConfigWith({ warmPool: { size: -1, prepareSeconds: 'soon', maxPreparedAgeSeconds: 60, extra: 1 } }), 't')).toThrowError(
      [
        't is invalid (4 problems):',
        '  - fleets[0].warmPool.size: Too small: expected number to be >=0',
        '  - fleets[0].warmPool.prepareSeconds: Invalid input: expected number, received string',
        '  - fleets[0].warmPool.maxPreparedAgeSeconds: Too small: expected number to be >=3600',
        '  - fleets[0].warmPool.extra: unknown field',
      ].join('\n'),
    );
  });
});
