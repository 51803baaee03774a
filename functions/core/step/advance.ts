/**
 * Phase seven: move every instance that is out of service one step further: a drain (operator,
 * scheduled event, evacuation, scale-in) through deregistration, the user's hook and its end, or
 * a return from maintenance through start, status checks and registration. A drain that keeps
 * capacity waits for what stays in service to reach the desired capacity.
 */
import { drainJournalKey, returnJournalKey, stepCommandId } from '../command-ids.ts';
import { advanceDrain, advanceReturn } from '../lifecycle.ts';
import type { Command, InstanceRecord } from '../model.ts';
import { type Member, sumUnits } from '../placement.ts';
import type { StepContext } from './context.ts';

function advanceOne(context: StepContext, record: InstanceRecord, inService: number, desired: number): Command {
  const { fleet, nowMs, step } = context;
  const instance = context.observedById.get(record.instanceId);
  const progress =
    record.lifecycle === 'returning' ? advanceReturn(instance, fleet, record.drain?.purpose === 'resize' ? record.drain : undefined) : advanceDrain(record, instance, { fleet, inService, desired, nowMs });
  const journalKey =
    record.lifecycle === 'returning' || record.drain === undefined
      ? returnJournalKey(fleet.name, record.instanceId, step)
      : drainJournalKey(fleet.name, record.instanceId, record.drain.startedAtMs);
  const startsNow = record.drain !== undefined && record.drain.startedAtMs === nowMs;
  return {
    kind: 'advance',
    id: stepCommandId(fleet.name, step, 'advance', record.instanceId),
    instanceId: record.instanceId,
    journalKey,
    actions: progress.actions,
    ...(progress.next === undefined ? {} : { drain: progress.next }),
    lifecycle: progress.lifecycle ?? record.lifecycle,
    reason: startsNow ? `${record.drain?.reason}; ${progress.reason}` : progress.reason,
  };
}

/** One advance command per out-of-service record; `staying` is what serves without any of them. */
export function advanceOutOfService(context: StepContext, outOfService: readonly InstanceRecord[], staying: readonly Member[], desired: number): Command[] {
  const inService = sumUnits(staying.filter((m) => m.state === 'running'));
  return outOfService.map((record) => advanceOne(context, record, inService, desired));
}
