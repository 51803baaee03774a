/**
 * The instance lifecycle beyond scaling: which transitions are legal, how an operator's request
 * is settled, and how a drain or a return from maintenance advances one step at a time, each
 * decision with its reason. Pure: the shell carries out the actions and checkpoints the state.
 */
import type { FleetConfig } from './config.ts';
import type { DrainAction, DrainState, InstanceRecord, Lifecycle, ObservedInstance, OperatorRequest } from './model.ts';
import { resizeDrained, resizeStart } from './rightsizing/resize.ts';

/** Every legal move; anything else is refused with a message naming both states. */
const TRANSITIONS: Readonly<Record<Lifecycle, readonly Lifecycle[]>> = {
  'in-service': ['draining', 'terminating', 'failing-over'],
  draining: ['maintenance', 'terminating', 'in-service', 'returning'],
  maintenance: ['returning'],
  returning: ['in-service'],
  terminating: [],
  'failing-over': [],
  pooled: ['in-service'],
};

export function checkTransition(instanceId: string, from: Lifecycle, to: Lifecycle): string | undefined {
  return TRANSITIONS[from].includes(to) ? undefined : `${instanceId} cannot go from ${from} to ${to}`;
}

export type RequestSettlement =
  | { readonly accepted: false; readonly reason: string }
  | {
      readonly accepted: true;
      readonly reason: string;
      /** The record as it is after the request, for instance requests. */
      readonly record?: InstanceRecord;
      /** Re-register a drained instance whose drain was cancelled. */
      readonly reregister?: boolean;
    };

const purposeOf = (kind: OperatorRequest['kind']) => (kind === 'maintenance-enter' ? 'maintenance' : 'terminate');

/** Settles one request about an instance against its record. Fleet requests are settled in step/settle-requests.ts. */
export function settleInstanceRequest(
  request: OperatorRequest,
  record: InstanceRecord | undefined,
  fleet: Pick<FleetConfig, 'name' | 'drain'>,
  nowMs: number,
): RequestSettlement {
  const id = request.instanceId ?? '(no instance)';
  if (record === undefined) return { accepted: false, reason: `${id} is not an instance of fleet ${fleet.name}` };
  const by = `by ${request.requestedBy}`;
  const refuse = (action: string, expected: string) => ({
    accepted: false as const,
    reason: `cannot ${action} ${id}: it is ${record.lifecycle}, not ${expected}`,
  });
  switch (request.kind) {
    case 'drain':
    case 'maintenance-enter': {
      if (checkTransition(id, record.lifecycle, 'draining') !== undefined) {
        return refuse(request.kind === 'drain' ? 'drain' : 'put into maintenance', 'in-service');
      }
      const purpose = purposeOf(request.kind);
      const reason = purpose === 'maintenance' ? `maintenance requested ${by}` : `drain requested ${by}`;
      const drain: DrainState = {
        purpose,
        reason,
        startedAtMs: nowMs,
        keepCapacity: true,
        stop: purpose === 'maintenance' && fleet.drain.stopInMaintenance,
      };
      return { accepted: true, reason: `${reason}: draining`, record: { ...record, lifecycle: 'draining', reason, drain } };
    }
    case 'maintenance-exit': {
      if (record.lifecycle !== 'maintenance') return refuse('take out of maintenance', 'in maintenance');
      const reason = `return from maintenance requested ${by}`;
      return { accepted: true, reason: `${reason}: returning`, record: { ...record, lifecycle: 'returning', reason } };
    }
    case 'continue':
    case 'heartbeat': {
      if (record.lifecycle !== 'draining' || record.drain === undefined) return refuse(request.kind, 'draining');
      const drain: DrainState =
        request.kind === 'continue' ? { ...record.drain, continuedAtMs: nowMs } : { ...record.drain, heartbeatAtMs: nowMs };
      const reason = request.kind === 'continue' ? `continue signalled ${by}` : `heartbeat ${by}: the wait for continue starts again`;
      return { accepted: true, reason, record: { ...record, drain } };
    }
    case 'cancel': {
      if (record.lifecycle !== 'draining') return refuse('cancel the drain of', 'draining');
      const reason = `drain cancelled ${by}`;
      const { drain, ...rest } = record;
      return {
        accepted: true,
        reason: `${reason}: back in service`,
        record: { ...rest, lifecycle: 'in-service', reason },
        reregister: drain?.deregisteredAtMs !== undefined,
      };
    }
    default:
      return { accepted: false, reason: `${request.kind} is a fleet request, not about ${id}` };
  }
}

export interface DrainProgress {
  readonly actions: readonly DrainAction[];
  /** The drain state to checkpoint; undefined once the drain is over. */
  readonly next?: DrainState;
  /** Where the instance ends up this step, if it leaves draining. */
  readonly lifecycle?: Lifecycle | 'forget';
  readonly reason: string;
}

export interface DrainContext {
  readonly fleet: Pick<FleetConfig, 'targetGroups' | 'drain'>;
  /** Capacity units in service (running, not draining) and the desired capacity. */
  readonly inService: number;
  readonly desired: number;
  readonly nowMs: number;
}

const secondsLeft = (untilMs: number, nowMs: number) => Math.max(0, Math.ceil((untilMs - nowMs) / 1000));

/** The end of a maintenance drain: stopped if asked, unless it already is (a run that stopped it died before its checkpoint). */
function intoMaintenance(drain: DrainState, instance: ObservedInstance, actions: readonly DrainAction[], done: string): DrainProgress {
  // The tag first: it keeps the instance in maintenance even if fleetward's records are lost.
  const marked: DrainAction[] = [...actions, 'mark-maintenance'];
  if (!drain.stop) return { actions: marked, lifecycle: 'maintenance', reason: `${done}drained: in maintenance` };
  if (instance.state === 'stopped' || instance.state === 'stopping') {
    return { actions: marked, lifecycle: 'maintenance', reason: `${done}drained: in maintenance, stopped (it was already ${instance.state})` };
  }
  return { actions: [...marked, 'stop'], lifecycle: 'maintenance', reason: `${done}drained: in maintenance, stopped` };
}

/** Advances one drain as far as it can go this step. */
export function advanceDrain(record: InstanceRecord, instance: ObservedInstance | undefined, context: DrainContext): DrainProgress {
  const drain = record.drain;
  const { fleet, nowMs } = context;
  if (drain === undefined) return { actions: [], lifecycle: 'in-service', reason: 'no drain was under way' };
  if (instance === undefined || instance.state === 'terminated' || instance.state === 'shutting-down') {
    return { actions: [], lifecycle: 'forget', reason: 'the instance went away while draining' };
  }
  if (drain.keepCapacity && drain.deregisteredAtMs === undefined && context.inService < context.desired) {
    return {
      actions: [],
      next: drain,
      reason: `waiting for capacity first: ${context.inService} of desired ${context.desired} in service without it`,
    };
  }
  const actions: DrainAction[] = [];
  let next = drain;
  const notes: string[] = [];
  if (fleet.targetGroups.length > 0) {
    if (next.deregisteredAtMs === undefined) {
      actions.push('deregister');
      next = { ...next, deregisteredAtMs: nowMs };
      if (instance.targetHealth !== 'not-registered') {
        return { actions, next, reason: `deregistering from ${fleet.targetGroups.length} target group(s); waiting for connections to drain` };
      }
    } else if (instance.targetHealth !== 'not-registered') {
      const until = next.deregisteredAtMs + fleet.drain.deregistrationTimeoutSeconds * 1000;
      if (nowMs < until) {
        return { actions, next, reason: `waiting for connections to drain from its target groups (at most ${secondsLeft(until, nowMs)} s more)` };
      }
      notes.push(`connections did not finish draining within ${fleet.drain.deregistrationTimeoutSeconds} s; going on`);
    }
  }
  if (next.notifiedAtMs === undefined) {
    actions.push('notify');
    next = { ...next, notifiedAtMs: nowMs };
  }
  if (fleet.drain.waitForContinue && next.continuedAtMs === undefined) {
    const until = Math.max(next.notifiedAtMs ?? nowMs, next.heartbeatAtMs ?? 0) + fleet.drain.continueTimeoutSeconds * 1000;
    if (nowMs < until) {
      return { actions, next, reason: `waiting for a continue signal from the fleet's hook (at most ${secondsLeft(until, nowMs)} s more)` };
    }
    if (fleet.drain.onContinueTimeout === 'abandon') {
      const register: DrainAction[] = next.deregisteredAtMs === undefined ? [] : ['register'];
      return {
        actions: [...actions, ...register],
        lifecycle: 'in-service',
        reason: `no continue signal within ${fleet.drain.continueTimeoutSeconds} s: drain abandoned, back in service`,
      };
    }
    notes.push(`no continue signal within ${fleet.drain.continueTimeoutSeconds} s: continuing as configured`);
  }
  const done = notes.length > 0 ? `${notes.join('; ')}; ` : '';
  if (drain.purpose === 'maintenance') return intoMaintenance(drain, instance, actions, done);
  if (drain.purpose === 'resize') return resizeDrained(next, instance, actions, done);
  return { actions: [...actions, 'terminate'], lifecycle: 'terminating', reason: `${done}drained: terminating` };
}

/**
 * Advances a return from maintenance (or from a resize, whose drain it carries until it is back):
 * start, pass status checks, register, be healthy, lose the maintenance tag.
 */
export function advanceReturn(instance: ObservedInstance | undefined, fleet: Pick<FleetConfig, 'targetGroups'>, resize?: DrainState): DrainProgress {
  const carried = resize === undefined ? {} : { next: resize };
  if (instance === undefined || instance.state === 'terminated' || instance.state === 'shutting-down') {
    return { actions: [], lifecycle: 'forget', reason: 'the instance went away while returning from maintenance' };
  }
  if (instance.state === 'stopped') return resize === undefined ? { actions: ['start'], reason: 'starting it' } : resizeStart(resize, instance);
  if (instance.state !== 'running') return { actions: [], ...carried, reason: `waiting for it to run (it is ${instance.state})` };
  if (instance.health !== 'ok') return { actions: [], ...carried, reason: `waiting for its status checks to pass (they are ${instance.health})` };
  if (fleet.targetGroups.length > 0) {
    if (instance.targetHealth === 'not-registered') {
      return { actions: ['register'], ...carried, reason: `registering it in ${fleet.targetGroups.length} target group(s)` };
    }
    if (instance.targetHealth !== 'healthy') {
      return { actions: [], ...carried, reason: `waiting for its targets to be healthy (they are ${instance.targetHealth})` };
    }
  }
  return { actions: ['clear-maintenance'], lifecycle: 'in-service', reason: 'status checks pass and targets are healthy: back in service' };
}
