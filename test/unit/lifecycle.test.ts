// The instance lifecycle: every transition legal or refused with its exact message, operator
// requests settled against records, and drains and returns advanced step by step.
import { describe, expect, it } from 'vitest';
import type { DrainConfig } from '../../functions/core/config.ts';
import { DRAIN_DEFAULTS, observedInstance } from './fixtures.ts';
import { advanceDrain, advanceReturn, checkTransition, settleInstanceRequest } from '../../functions/core/lifecycle.ts';
import { drainBudget } from '../../functions/core/step/disruption/budget.ts';
import type { DrainState, InstanceRecord, Lifecycle, ObservedInstance, OperatorRequest } from '../../functions/core/model.ts';

const NOW = 5_000_000;
const LIFECYCLES: readonly Lifecycle[] = ['in-service', 'draining', 'maintenance', 'returning', 'terminating', 'failing-over'];
const LEGAL: ReadonlyArray<[Lifecycle, Lifecycle]> = [
  ['in-service', 'draining'],
  ['in-service', 'terminating'],
  ['in-service', 'failing-over'],
  ['draining', 'maintenance'],
  ['draining', 'terminating'],
  ['draining', 'in-service'],
  ['draining', 'returning'],
  ['maintenance', 'returning'],
  ['returning', 'in-service'],
];

const DRAIN: DrainConfig = DRAIN_DEFAULTS;

const record = (lifecycle: Lifecycle, extra: Partial<InstanceRecord> = {}): InstanceRecord => ({
  instanceId: 'i-1',
  lifecycle,
  launchedAtMs: 0,
  version: 3,
  reason: 'launched',
  ...extra,
});

const request = (kind: OperatorRequest['kind']): OperatorRequest => ({ requestId: 'r-1', kind, instanceId: 'i-1', requestedAtMs: NOW, requestedBy: 'alice' });

const instance = (extra: Partial<ObservedInstance> = {}): ObservedInstance =>
  observedInstance('i-1', { subnetId: 'subnet-0a', availabilityZone: 'us-east-1a' }, 0, { targetHealth: 'healthy', ...extra });

describe('checkTransition', () => {
  const all = LIFECYCLES.flatMap((from) => LIFECYCLES.map((to) => [from, to] as const));
  it.each(all)('%s -> %s', (from, to) => {
    const legal = LEGAL.some(([f, t]) => f === from && t === to);
    expect(checkTransition('i-1', from, to)).toBe(legal ? undefined : `i-1 cannot go from ${from} to ${to}`);
  });
});

describe('settleInstanceRequest', () => {
  const fleet = { name: 'web', drain: DRAIN };
  const refusals: Array<[OperatorRequest['kind'], Lifecycle, string]> = [
    ['drain', 'maintenance', 'cannot drain i-1: it is maintenance, not in-service'],
    ['drain', 'draining', 'cannot drain i-1: it is draining, not in-service'],
    ['maintenance-enter', 'terminating', 'cannot put into maintenance i-1: it is terminating, not in-service'],
    ['maintenance-exit', 'in-service', 'cannot take out of maintenance i-1: it is in-service, not in maintenance'],
    ['continue', 'in-service', 'cannot continue i-1: it is in-service, not draining'],
    ['heartbeat', 'maintenance', 'cannot heartbeat i-1: it is maintenance, not draining'],
    ['cancel', 'failing-over', 'cannot cancel the drain of i-1: it is failing-over, not draining'],
    ['pause', 'in-service', 'pause is a fleet request, not about i-1'],
  ];
  it.each(refusals)('refuses %s of a %s instance', (kind, lifecycle, reason) => {
    expect(settleInstanceRequest(request(kind), record(lifecycle), fleet, NOW)).toEqual({ accepted: false, reason });
  });

  it('refuses a request about an instance the fleet has no record of', () => {
    expect(settleInstanceRequest(request('drain'), undefined, fleet, NOW)).toEqual({ accepted: false, reason: 'i-1 is not an instance of fleet web' });
  });

  it('starts a drain that keeps capacity, ending in termination for drain and maintenance for maintenance-enter', () => {
    expect(settleInstanceRequest(request('drain'), record('in-service'), fleet, NOW)).toEqual({
      accepted: true,
      reason: 'drain requested by alice: draining',
      record: record('draining', {
        reason: 'drain requested by alice',
        drain: { purpose: 'terminate', reason: 'drain requested by alice', startedAtMs: NOW, keepCapacity: true, stop: false },
      }),
    });
    const settled = settleInstanceRequest(request('maintenance-enter'), record('in-service'), { name: 'web', drain: { ...DRAIN, stopInMaintenance: true } }, NOW);
    expect(settled.accepted && settled.record?.drain).toEqual({
      purpose: 'maintenance',
      reason: 'maintenance requested by alice',
      startedAtMs: NOW,
      keepCapacity: true,
      stop: true,
    });
  });

  it('records continue and heartbeat on the drain, and cancels back to service with re-registration', () => {
    const drain: DrainState = { purpose: 'maintenance', reason: 'x', startedAtMs: 1, keepCapacity: true, stop: false, deregisteredAtMs: 2 };
    const continued = settleInstanceRequest(request('continue'), record('draining', { drain }), fleet, NOW);
    expect(continued.accepted && continued.record?.drain?.continuedAtMs).toBe(NOW);
    const beat = settleInstanceRequest(request('heartbeat'), record('draining', { drain }), fleet, NOW);
    expect(beat.accepted && beat.reason).toBe('heartbeat by alice: the wait for continue starts again');
    const cancelled = settleInstanceRequest(request('cancel'), record('draining', { drain }), fleet, NOW);
    expect(cancelled).toEqual({
      accepted: true,
      reason: 'drain cancelled by alice: back in service',
      record: record('in-service', { reason: 'drain cancelled by alice' }),
      reregister: true,
    });
  });

  it('returns an instance from maintenance', () => {
    expect(settleInstanceRequest(request('maintenance-exit'), record('maintenance'), fleet, NOW)).toEqual({
      accepted: true,
      reason: 'return from maintenance requested by alice: returning',
      record: record('returning', { reason: 'return from maintenance requested by alice' }),
    });
  });
});

describe('drainBudget', () => {
  it.each([
    [1, 10, 1],
    [3, 10, 3],
    ['25%', 10, 2],
    ['25%', 2, 1],
    ['100%', 7, 7],
  ] as const)('maxDraining %s of %i instances allows %i', (maxDraining, instances, expected) => {
    expect(drainBudget({ ...DRAIN, maxDraining }, instances)).toBe(expected);
  });
});

describe('advanceDrain', () => {
  const drain = (extra: Partial<DrainState> = {}): DrainState => ({
    purpose: 'maintenance',
    reason: 'maintenance requested by alice',
    startedAtMs: NOW - 1000,
    keepCapacity: true,
    stop: false,
    ...extra,
  });
  const context = (extra: { targetGroups?: string[]; drain?: Partial<DrainConfig>; inService?: number; desired?: number; nowMs?: number } = {}) => ({
    fleet: { targetGroups: extra.targetGroups ?? [], drain: { ...DRAIN, ...extra.drain } },
    inService: extra.inService ?? 3,
    desired: extra.desired ?? 3,
    nowMs: extra.nowMs ?? NOW,
  });
  const advance = (state: DrainState, observed: ObservedInstance | undefined, ctx: ReturnType<typeof context>) =>
    advanceDrain(record('draining', { drain: state }), observed, ctx);

  it('waits for capacity first when taking the instance out would drop the fleet below desired', () => {
    expect(advance(drain(), instance(), context({ inService: 2, desired: 3 }))).toEqual({
      actions: [],
      next: drain(),
      reason: 'waiting for capacity first: 2 of desired 3 in service without it',
    });
  });

  it('does not wait for capacity on a scale-in drain', () => {
    const progress = advance(drain({ purpose: 'terminate', keepCapacity: false }), instance(), context({ inService: 2, desired: 3 }));
    expect(progress.actions).toEqual(['notify', 'terminate']);
    expect(progress.lifecycle).toBe('terminating');
  });

  it('deregisters, then waits for connections to drain, then goes on', () => {
    const first = advance(drain(), instance(), context({ targetGroups: ['tg'] }));
    expect(first).toEqual({
      actions: ['deregister'],
      next: drain({ deregisteredAtMs: NOW }),
      reason: 'deregistering from 1 target group(s); waiting for connections to drain',
    });
    const waiting = advance(drain({ deregisteredAtMs: NOW }), instance({ targetHealth: 'healthy' }), context({ targetGroups: ['tg'], nowMs: NOW + 30_000 }));
    expect(waiting.reason).toBe('waiting for connections to drain from its target groups (at most 300 s more)');
    const drained = advance(drain({ deregisteredAtMs: NOW }), instance({ targetHealth: 'not-registered' }), context({ targetGroups: ['tg'], nowMs: NOW + 60_000 }));
    expect(drained).toMatchObject({ actions: ['notify', 'mark-maintenance'], lifecycle: 'maintenance', reason: 'drained: in maintenance' });
  });

  it('waits while its targets are draining (ELBv2 draining is still registered), then goes on once they are gone', () => {
    const deregistered = drain({ deregisteredAtMs: NOW });
    const draining = advance(deregistered, instance({ targetHealth: 'draining' }), context({ targetGroups: ['tg'], nowMs: NOW + 60_000 }));
    expect(draining).toEqual({ actions: [], next: deregistered, reason: 'waiting for connections to drain from its target groups (at most 270 s more)' });
    const gone = advance(deregistered, instance({ targetHealth: 'not-registered' }), context({ targetGroups: ['tg'], nowMs: NOW + 120_000 }));
    expect(gone).toMatchObject({ actions: ['notify', 'mark-maintenance'], lifecycle: 'maintenance' });
  });

  it('goes on when deregistration does not finish within its bound, and says so', () => {
    const late = advance(drain({ deregisteredAtMs: NOW }), instance({ targetHealth: 'healthy' }), context({ targetGroups: ['tg'], nowMs: NOW + 331_000 }));
    expect(late.reason).toBe('connections did not finish draining within 330 s; going on; drained: in maintenance');
  });

  it('waits for a continue signal, extended by heartbeats, then continues or abandons on timeout', () => {
    const waitFor = context({ drain: { waitForContinue: true, continueTimeoutSeconds: 600 } });
    expect(advance(drain(), instance(), waitFor)).toMatchObject({
      actions: ['notify'],
      reason: "waiting for a continue signal from the fleet's hook (at most 600 s more)",
    });
    const notified = drain({ notifiedAtMs: NOW - 500_000, heartbeatAtMs: NOW - 100_000 });
    expect(advance(notified, instance(), waitFor).reason).toBe("waiting for a continue signal from the fleet's hook (at most 500 s more)");
    expect(advance(drain({ notifiedAtMs: NOW - 500_000, continuedAtMs: NOW }), instance(), waitFor)).toMatchObject({ lifecycle: 'maintenance' });
    const expired = drain({ notifiedAtMs: NOW - 601_000, deregisteredAtMs: NOW - 700_000 });
    expect(advance(expired, instance(), waitFor).reason).toBe('no continue signal within 600 s: continuing as configured; drained: in maintenance');
    const abandon = context({ targetGroups: ['tg'], drain: { waitForContinue: true, continueTimeoutSeconds: 600, onContinueTimeout: 'abandon' } });
    expect(advance(expired, instance({ targetHealth: 'not-registered' }), abandon)).toEqual({
      actions: ['register'],
      lifecycle: 'in-service',
      reason: 'no continue signal within 600 s: drain abandoned, back in service',
    });
  });

  it('stops an instance entering maintenance when asked, and forgets one that went away', () => {
    expect(advance(drain({ stop: true }), instance(), context())).toMatchObject({ actions: ['notify', 'mark-maintenance', 'stop'], reason: 'drained: in maintenance, stopped' });
    expect(advance(drain(), undefined, context())).toEqual({ actions: [], lifecycle: 'forget', reason: 'the instance went away while draining' });
  });

  it.each(['stopping', 'stopped'] as const)('does not stop again an instance already %s (a run that stopped it died before its checkpoint)', (state) => {
    expect(advance(drain({ stop: true, notifiedAtMs: NOW }), instance({ state }), context())).toMatchObject({
      actions: ['mark-maintenance'],
      lifecycle: 'maintenance',
      reason: `drained: in maintenance, stopped (it was already ${state})`,
    });
  });
});

describe('advanceReturn', () => {
  const fleet = { targetGroups: ['tg'] };
  it.each([
    ['stopped', instance({ state: 'stopped' }), { actions: ['start'], reason: 'starting it' }],
    ['pending', instance({ state: 'pending' }), { actions: [], reason: 'waiting for it to run (it is pending)' }],
    ['failing checks', instance({ health: 'unknown' }), { actions: [], reason: 'waiting for its status checks to pass (they are unknown)' }],
    ['not registered', instance({ targetHealth: 'not-registered' }), { actions: ['register'], reason: 'registering it in 1 target group(s)' }],
    ['registered, not healthy yet', instance({ targetHealth: 'unknown' }), { actions: [], reason: 'waiting for its targets to be healthy (they are unknown)' }],
    [
      'healthy',
      instance(),
      { actions: ['clear-maintenance'], lifecycle: 'in-service', reason: 'status checks pass and targets are healthy: back in service' },
    ],
  ] as const)('%s', (_name, observed, expected) => {
    expect(advanceReturn(observed, fleet)).toEqual(expected);
  });
});

describe('a resize (rightsizing a singleton)', () => {
  const resize: DrainState = { purpose: 'resize', resizeTo: 'm7g.medium', reason: 'rightsizing', startedAtMs: NOW - 1000, keepCapacity: false, stop: false, notifiedAtMs: NOW - 1000 };
  const context = { fleet: { targetGroups: [], drain: DRAIN }, inService: 0, desired: 1, nowMs: NOW };
  const atEnd = (observed: ObservedInstance) => advanceDrain(record('draining', { drain: resize }), observed, context);

  it.each([
    ['running: marked and stopped', instance(), { actions: ['mark-maintenance', 'stop'], next: resize, reason: 'drained: stopping it to change its type m7g.large -> m7g.medium' }],
    ['stopping: waits', instance({ state: 'stopping' }), { actions: [], next: resize, reason: 'waiting for it to stop (type m7g.large -> m7g.medium next)' }],
    [
      'stopped: the new type, started, returning',
      instance({ state: 'stopped' }),
      { actions: ['modify-type', 'start'], next: resize, lifecycle: 'returning', reason: 'stopped: type m7g.large -> m7g.medium; starting it' },
    ],
    [
      'running as the new type (a run died after its start): returning, not stopped again',
      instance({ instanceType: 'm7g.medium' }),
      { actions: [], next: resize, lifecycle: 'returning', reason: 'it already is a m7g.medium: returning' },
    ],
  ] as const)('at the end of its drain, %s', (_what, observed, expected) => {
    expect(atEnd(observed)).toEqual(expected);
  });

  it.each([
    ['stopped before its type changed', instance({ state: 'stopped' }), { actions: ['modify-type', 'start'], next: resize, reason: 'type m7g.large -> m7g.medium; starting it' }],
    ['stopped as the new type', instance({ state: 'stopped', instanceType: 'm7g.medium' }), { actions: ['start'], next: resize, reason: 'starting it as a m7g.medium' }],
    ['pending: the resize is carried', instance({ state: 'pending', instanceType: 'm7g.medium' }), { actions: [], next: resize, reason: 'waiting for it to run (it is pending)' }],
    [
      'healthy: back in service, the resize over',
      instance({ instanceType: 'm7g.medium' }),
      { actions: ['clear-maintenance'], lifecycle: 'in-service', reason: 'status checks pass and targets are healthy: back in service' },
    ],
  ] as const)('on its return, %s', (_what, observed, expected) => {
    expect(advanceReturn(observed, { targetGroups: [] }, resize)).toEqual(expected);
  });
});
