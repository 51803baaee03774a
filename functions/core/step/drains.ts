/** How a drain starts: the instance's record as draining, checkpointing why and what it waits for. */
import type { DrainState, InstanceRecord } from '../model.ts';

export interface DrainStart {
  readonly instanceId: string;
  readonly launchedAtMs: number;
  readonly reason: string;
  /** Wait until the rest of the fleet is back at desired capacity first (not for scale-in). */
  readonly keepCapacity: boolean;
  /** The move's estimated saving in dollars a month (a mix move), for the savings gates. */
  readonly monthlySavingUsd?: number;
}

/** The record of an instance that starts draining now, to be terminated once drained. */
export function drainingRecord(existing: InstanceRecord | undefined, start: DrainStart, nowMs: number): InstanceRecord {
  const record = existing ?? { instanceId: start.instanceId, launchedAtMs: start.launchedAtMs, version: 1, reason: start.reason };
  const drain: DrainState = { purpose: 'terminate', reason: start.reason, startedAtMs: nowMs, keepCapacity: start.keepCapacity, stop: false };
  return { ...record, reason: start.reason, lifecycle: 'draining', drain };
}
