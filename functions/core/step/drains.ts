/** How a drain starts: the instance's record as draining, checkpointing why and what it waits for. */
import type { DrainState, InstanceRecord } from '../model.ts';

export interface DrainStart {
  readonly instanceId: string;
  readonly launchedAtMs: number;
  readonly reason: string;
  /** Wait until the rest of the fleet is back at desired capacity first (not for scale-in). */
  readonly keepCapacity: boolean;
  /** Rightsizing a singleton: stop it, change its type to this, start it (not terminate). */
  readonly resizeTo?: string;
  /** Rightsizing a fleet: its replacement launches as this type (keepCapacity). */
  readonly replaceWith?: string;
}

/** The record of an instance that starts draining now, to be terminated (or resized) once drained. */
export function drainingRecord(existing: InstanceRecord | undefined, start: DrainStart, nowMs: number): InstanceRecord {
  const record = existing ?? { instanceId: start.instanceId, launchedAtMs: start.launchedAtMs, version: 1, reason: start.reason };
  const purpose = start.resizeTo === undefined ? { purpose: 'terminate' as const } : { purpose: 'resize' as const, resizeTo: start.resizeTo };
  const replacement = start.replaceWith === undefined ? {} : { replaceWith: start.replaceWith };
  const drain: DrainState = { ...purpose, ...replacement, reason: start.reason, startedAtMs: nowMs, keepCapacity: start.keepCapacity, stop: false };
  return { ...record, reason: start.reason, lifecycle: 'draining', drain };
}
