/** What this step leaves for the next one: its number, the scaling state, and the fleet's operator state. */
import { type CapacityDecision, scalingStatusAfter } from '../scaling.ts';
import type { Evacuation, NextStatus, StepContext } from './context.ts';

export function nextStatus(
  context: StepContext,
  fleetState: { readonly paused: boolean; readonly evacuating: Evacuation },
  scaling: Pick<CapacityDecision, 'desiredCapacity' | 'direction' | 'recommendations'>,
): NextStatus {
  const { status, step, nowMs } = context;
  const { paused, evacuating } = fleetState;
  return {
    step,
    ...scalingStatusAfter(status, scaling, nowMs),
    ...(status?.launchFailures === undefined ? {} : { launchFailures: status.launchFailures }),
    ...(paused ? { paused } : {}),
    ...(evacuating.zones.length + evacuating.subnets.length > 0 ? { evacuating } : {}),
  };
}
