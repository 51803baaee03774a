/**
 * A period of the calendar: it opens at each start of a cron expression in an IANA time zone and
 * closes after a duration (elapsed time: a 1-hour window across the fall-back hour lasts 60
 * minutes) or at the next end of a second cron expression (wall-clock time in the zone). A start
 * that a spring-forward skips (02:30 on the day clocks jump from 02:00 to 03:00) opens the
 * period at the first minute that exists after it (03:00), as croner reads it.
 */
import { cronIn, latestStartAtOrBefore, nextStartAfter } from './cron.ts';
import { durationMs, looksLikeDuration } from './duration.ts';

export interface Period {
  /** Cron expression of its starts. */
  readonly start: string;
  /** A duration (10h) or a cron expression of its ends. */
  readonly end: string;
  readonly timeZone: string;
}

export type PeriodState =
  | { readonly open: true; readonly startedAtMs: number; readonly endsAtMs: number }
  | { readonly open: false; readonly nextStartMs?: number };

/** When the window that started at `startedAtMs` ends, or undefined when it never does. */
function endOf(period: Period, startedAtMs: number): number | undefined {
  if (looksLikeDuration(period.end)) {
    const length = durationMs(period.end.trim());
    return length === undefined ? undefined : startedAtMs + length;
  }
  return nextStartAfter(cronIn(period.end, period.timeZone), startedAtMs);
}

/** Whether `nowMs` is inside the period, and when its current window started and ends (or when the next opens). */
export function periodAt(period: Period, nowMs: number): PeriodState {
  const starts = cronIn(period.start, period.timeZone);
  const startedAtMs = latestStartAtOrBefore(starts, nowMs);
  const endsAtMs = startedAtMs === undefined ? undefined : endOf(period, startedAtMs);
  if (startedAtMs !== undefined && endsAtMs !== undefined && nowMs < endsAtMs) return { open: true, startedAtMs, endsAtMs };
  const nextStartMs = nextStartAfter(starts, nowMs);
  return nextStartMs === undefined ? { open: false } : { open: false, nextStartMs };
}

/** The start of the window `nowMs` is in, or undefined when the period is closed. */
export function currentWindowStart(period: Period, nowMs: number): number | undefined {
  const state = periodAt(period, nowMs);
  return state.open ? state.startedAtMs : undefined;
}

/** One formatter per zone: making one costs far more than using it. */
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const known = FORMATTERS.get(timeZone);
  if (known !== undefined) return known;
  const made = Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  FORMATTERS.set(timeZone, made);
  return made;
}

/** An instant as the zone's wall clock, such as 2026-03-29 03:00. */
export function localTime(ms: number, timeZone: string): string {
  const parts = formatterFor(timeZone).formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/** How reasons name an open window: its local start and end, and the zone (2026-12-01 08:00 to 2026-12-01 18:00 Europe/Berlin). */
export function describeWindow(period: Period, state: { readonly startedAtMs: number; readonly endsAtMs: number }): string {
  const start = localTime(state.startedAtMs, period.timeZone);
  const end = localTime(state.endsAtMs, period.timeZone);
  const sameDay = start.slice(0, 10) === end.slice(0, 10);
  return `${start}-${sameDay ? end.slice(11) : end} ${period.timeZone}`;
}
