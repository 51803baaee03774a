/**
 * Maintenance windows: whether an instant is inside one of the fleet's maintenanceWindows, which
 * one (by name, or maintenanceWindows[i] when unnamed), and a sentence for reasons. A disruption
 * method that must wait for a window (expiry with lifetime.inMaintenanceWindow, rightsizing of a
 * singleton) reads it from its DisruptionContext; a fleet without windows is never inside one.
 */
import type { FleetConfig } from '../config.ts';
import { describeWindow, localTime, periodAt } from './period.ts';

export interface MaintenanceWindow {
  readonly open: boolean;
  /** The open window, or else the next to open; absent when the fleet has none. */
  readonly name?: string;
  /** Why, for reasons and notes. */
  readonly why: string;
}

const nameOf = (window: { readonly name?: string | undefined }, index: number) => window.name ?? `maintenanceWindows[${index}]`;

export function insideMaintenanceWindow(fleet: Pick<FleetConfig, 'maintenanceWindows'>, nowMs: number): MaintenanceWindow {
  const windows = fleet.maintenanceWindows ?? [];
  if (windows.length === 0) return { open: false, why: 'the fleet has no maintenanceWindows' };
  const states = windows.map((window, index) => ({ window, name: nameOf(window, index), state: periodAt(window, nowMs) }));
  for (const { window, name, state } of states) {
    if (state.open) return { open: true, name, why: `inside maintenance window "${name}" (${describeWindow(window, state)})` };
  }
  const upcoming = states
    .flatMap(({ window, name, state }) => (!state.open && state.nextStartMs !== undefined ? [{ window, name, at: state.nextStartMs }] : []))
    .sort((a, b) => a.at - b.at)[0];
  if (upcoming === undefined) return { open: false, why: 'outside the maintenance windows, and none opens again' };
  return { open: false, name: upcoming.name, why: `outside the maintenance windows; the next, "${upcoming.name}", opens ${localTime(upcoming.at, upcoming.window.timeZone)} ${upcoming.window.timeZone}` };
}
