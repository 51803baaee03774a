/**
 * Cron expressions read in an IANA time zone, as the calendar needs them: the latest start at or
 * before an instant and the first one after it. croner does the calendar arithmetic (daylight
 * saving included); no job is ever scheduled, so there is no timer and no clock: instants are
 * passed in as milliseconds and handed to croner as UTC ISO text.
 */
import { Cron } from 'croner';
import { msToIsoUtc } from '../iso-time.ts';

/** Five fields: minute, hour, day of month, month, day of week (a day matches either day field, as in Vixie cron). */
const FIVE_FIELDS = /^\S+(\s+\S+){4}$/;

export interface CronSchedule {
  readonly expression: string;
  readonly timeZone: string;
  readonly cron: Cron;
}

/** Whether `timeZone` is an IANA time zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Why `expression` is not a five-field cron expression, or undefined when it is one. */
export function cronProblem(expression: string): string | undefined {
  if (!FIVE_FIELDS.test(expression.trim())) return `must be a cron expression of five fields (minute hour day-of-month month day-of-week), got "${expression}"`;
  try {
    new Cron(expression.trim(), { paused: true });
    return undefined;
  } catch (error) {
    return `is not a valid cron expression "${expression}": ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Parsed expressions by zone and text: parsing costs about as much as a look-up, and the config bounds how many there are. */
const PARSED = new Map<string, CronSchedule>();

/** The expression in the zone; throws when either is invalid (the config rejects both first). */
export function cronIn(expression: string, timeZone: string): CronSchedule {
  const key = `${timeZone} ${expression}`;
  const known = PARSED.get(key);
  if (known !== undefined) return known;
  const parsed = { expression, timeZone, cron: new Cron(expression.trim(), { timezone: timeZone, paused: true }) };
  PARSED.set(key, parsed);
  return parsed;
}

/** The latest start at or before `nowMs`, or undefined when it never started. */
export function latestStartAtOrBefore(schedule: CronSchedule, nowMs: number): number | undefined {
  return schedule.cron.previousRuns(1, msToIsoUtc(nowMs + 1))[0]?.getTime();
}

/** The first start strictly after `afterMs`, or undefined when there is none. */
export function nextStartAfter(schedule: CronSchedule, afterMs: number): number | undefined {
  return schedule.cron.nextRun(msToIsoUtc(afterMs))?.getTime();
}
