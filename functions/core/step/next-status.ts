/** What this step leaves for the next one: its number, the scaling state (with whether its reading makes the next step read), the fleet's operator state, the instances it left alone, the roll, the per-window budget counts, since when the fleet is idle, the window a schedule last set desired in. */
import type { BudgetWindowCount, RollState } from '../model.ts';
import { type CapacityDecision, scalingStatusAfter } from '../scaling.ts';
import type { Evacuation, NextStatus, StepContext } from './context.ts';
import { mergeExclusions } from '../mix/exclusions.ts';
import { UNOWNED_REMEMBERED } from './ownership.ts';

/** The mix's exclusions not expired yet, with those the mix was solved with this step (Spot interruptions, rightsizing). */
function mixExclusionsAfter({ status, mix, nowMs }: StepContext): Pick<NextStatus, 'mixExclusions'> {
  const solvedWith = (mix?.exclusions ?? []).map(({ keep: _kept, ...stored }) => stored);
  const live = mergeExclusions(status?.mixExclusions ?? [], solvedWith, nowMs);
  return live.length === 0 ? {} : { mixExclusions: live };
}

export function nextStatus(
  context: StepContext,
  fleetState: { readonly paused: boolean; readonly evacuating: Evacuation; readonly roll?: RollState | undefined; readonly budgetWindows?: readonly BudgetWindowCount[]; readonly idleSinceMs?: number | undefined; readonly scheduledDesiredAtMs?: number | undefined; readonly metricUnsettled?: boolean },
  scaling: Pick<CapacityDecision, 'desiredCapacity' | 'direction' | 'recommendations'>,
): NextStatus {
  const { status, step, nowMs } = context;
  const { paused, evacuating } = fleetState;
  const { unowned } = context.ownership;
  const roll = 'roll' in fleetState ? fleetState.roll : status?.roll;
  const budgetWindows = fleetState.budgetWindows ?? status?.budgetWindows ?? [];
  const idleSinceMs = 'idleSinceMs' in fleetState ? fleetState.idleSinceMs : status?.idleSinceMs;
  const scheduledDesiredAtMs = fleetState.scheduledDesiredAtMs ?? status?.scheduledDesiredAtMs;
  return {
    step,
    ...scalingStatusAfter(status, scaling, nowMs),
    ...(status?.launchFailures === undefined ? {} : { launchFailures: status.launchFailures }),
    ...(paused ? { paused } : {}),
    ...(evacuating.zones.length + evacuating.subnets.length > 0 ? { evacuating } : {}),
    ...(unowned.length > 0 ? { unowned: unowned.slice(0, UNOWNED_REMEMBERED) } : {}),
    ...(roll === undefined ? {} : { roll }),
    ...(budgetWindows.length === 0 ? {} : { budgetWindows }),
    ...(idleSinceMs === undefined ? {} : { idleSinceMs }),
    ...(scheduledDesiredAtMs === undefined ? {} : { scheduledDesiredAtMs }),
    ...(fleetState.metricUnsettled === true ? { metricUnsettled: true } : {}),
    ...mixExclusionsAfter(context),
  };
}
