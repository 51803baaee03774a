/**
 * Which schedule ticks run the orphan scan, decided from the tick's scheduled time alone (no
 * state): the first tick in each window of `everyMinutes` since the epoch scans, so one tick in
 * five does at the defaults, whatever the schedule's rate (a rate of 3 minutes still scans once in
 * each 5-minute window). Orphans are only reported, never acted on, so a sparser scan delays a
 * report; it loses none. A tick whose time cannot be read scans.
 */

export interface OrphanScanCadence {
  /** Minutes between scans, 1 to 60: 1 scans at every tick. */
  readonly everyMinutes: number;
  /** Minutes between the schedule's ticks (the construct's scheduleRate). */
  readonly scheduleMinutes: number;
}

export const ORPHAN_SCAN_DEFAULTS: OrphanScanCadence = { everyMinutes: 5, scheduleMinutes: 1 };

export interface OrphanScanDecision {
  readonly due: boolean;
  readonly reason: string;
}

const MINUTE_MS = 60_000;

const pad = (value: number) => String(value).padStart(2, '0');
/** hh:mm UTC of a time in milliseconds. */
const clock = (ms: number) => {
  const minuteOfDay = ((Math.floor(ms / MINUTE_MS) % 1440) + 1440) % 1440;
  return `${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
};

/** Whether the tick scheduled at `atMs` (NaN: its time was unreadable) runs the orphan scan, and why. */
export function orphanScanDue(atMs: number, cadence: OrphanScanCadence): OrphanScanDecision {
  const windowMs = cadence.everyMinutes * MINUTE_MS;
  if (Number.isNaN(atMs)) return { due: true, reason: "orphan scan: the tick's scheduled time is unreadable, so it scans" };
  const windowStart = Math.floor(atMs / windowMs) * windowMs;
  const previousTickMs = atMs - cadence.scheduleMinutes * MINUTE_MS;
  const every = `every ${cadence.everyMinutes} minute${cadence.everyMinutes === 1 ? '' : 's'}`;
  if (previousTickMs < windowStart) return { due: true, reason: `orphan scan ${every}: the tick at ${clock(atMs)} is the first since ${clock(windowStart)}, so it scans` };
  return { due: false, reason: `orphan scan ${every}: not at ${clock(atMs)}, the first tick since ${clock(windowStart)} scanned; the next from ${clock(windowStart + windowMs)}` };
}
