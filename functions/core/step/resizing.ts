/**
 * Capacity out of service for a resize (a singleton stopped to change its type) is coming back in
 * minutes: it counts as in flight, so nothing is launched in its place meanwhile.
 */
import type { InstanceRecord } from '../model.ts';
import { type Member, sumUnits, unitsOf } from '../placement.ts';
import { type StepContext, isGone } from './context.ts';
import type { DrainStart } from './drains.ts';

/** Units of the members whose resize starts this step. */
export function startingResizeUnits(members: readonly Member[], drains: readonly DrainStart[]): number {
  const resizing = new Set(drains.filter((drain) => drain.resizeTo !== undefined).map((drain) => drain.instanceId));
  return resizing.size === 0 ? 0 : sumUnits(members.filter((m) => resizing.has(m.instanceId)));
}

/** Units of the records already resizing (draining or returning). */
export function resizingUnits(context: StepContext, records: readonly InstanceRecord[]): number {
  let units = 0;
  for (const record of records) {
    if (record.drain?.purpose !== 'resize' || (record.lifecycle !== 'draining' && record.lifecycle !== 'returning')) continue;
    const instance = context.observedById.get(record.instanceId);
    if (instance === undefined || isGone(instance)) continue;
    units += unitsOf(record.drain.resizeTo ?? instance.instanceType, context.fleet.instanceTypes);
  }
  return units;
}
