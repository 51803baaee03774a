/**
 * Scheduled capacity: the bounds the desired capacity is kept within at an instant. Of the
 * schedules open then, the one whose window started latest sets them (the earlier listed on a
 * tie); the bounds it does not set are the fleet's capacity.min and capacity.max. The bounds
 * carry their names so that a reason says which schedule shaped the decision.
 */
import type { FleetConfig } from '../config.ts';
import type { ScheduleConfig } from './config.ts';
import { describeWindow, periodAt } from './period.ts';

export interface CapacityBounds {
  readonly min: number;
  readonly max: number;
  /** How a reason names each bound: capacity.min, or the schedule that set it. */
  readonly minName: string;
  readonly maxName: string;
  /** What moved them from capacity.min and capacity.max (the open schedule, idleness), in a sentence with its numbers. */
  readonly why?: string;
  /** The desired capacity the open schedule sets at the start of its window (once per window). */
  readonly desiredAtStart?: { readonly value: number; readonly windowStartMs: number };
}

interface OpenSchedule {
  readonly schedule: ScheduleConfig;
  readonly startedAtMs: number;
  readonly endsAtMs: number;
}

function openSchedules(schedules: readonly ScheduleConfig[], nowMs: number): OpenSchedule[] {
  return schedules.flatMap((schedule) => {
    const state = periodAt(schedule, nowMs);
    return state.open ? [{ schedule, startedAtMs: state.startedAtMs, endsAtMs: state.endsAtMs }] : [];
  });
}

/** The open schedule that sets the bounds: the latest started; the first listed of those. */
function winner(open: readonly OpenSchedule[]): OpenSchedule | undefined {
  return open.reduce<OpenSchedule | undefined>((best, candidate) => (best === undefined || candidate.startedAtMs > best.startedAtMs ? candidate : best), undefined);
}

export function capacityBounds(fleet: Pick<FleetConfig, 'capacity' | 'schedules'>, nowMs: number): CapacityBounds {
  const { min, max } = fleet.capacity;
  const fixed: CapacityBounds = { min, max, minName: 'capacity.min', maxName: 'capacity.max' };
  const open = openSchedules(fleet.schedules ?? [], nowMs);
  const chosen = winner(open);
  if (chosen === undefined) return fixed;
  const { schedule } = chosen;
  const window = describeWindow(schedule, chosen);
  const name = `schedule "${schedule.name}"`;
  const sets = [
    schedule.min === undefined ? [] : [`min ${schedule.min}`],
    schedule.max === undefined ? [] : [`max ${schedule.max}`],
    schedule.desired === undefined ? [] : [`desired ${schedule.desired} at its start`],
  ]
    .flat()
    .join(' and ');
  const over = open.length > 1 ? ` (the latest started of ${open.length} open schedules)` : '';
  return {
    min: schedule.min ?? min,
    max: schedule.max ?? max,
    minName: schedule.min === undefined ? fixed.minName : `${name} min`,
    maxName: schedule.max === undefined ? fixed.maxName : `${name} max`,
    why: `${name} (${window}) sets ${sets}${over}`,
    ...(schedule.desired === undefined ? {} : { desiredAtStart: { value: schedule.desired, windowStartMs: chosen.startedAtMs } }),
  };
}
