/**
 * The zod pieces of every calendar field of the config: a cron expression, an IANA time zone, a
 * duration, and a period (start cron, end cron or duration, zone), each error naming what was
 * wrong, such as `unknown time zone "Europe/Berln"`.
 */
import * as z from 'zod';
import { cronProblem, isTimeZone } from './cron.ts';
import { durationMs, looksLikeDuration } from './duration.ts';

export const cronExpression = () =>
  z.string().superRefine((value, ctx) => {
    const problem = cronProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

export const timeZoneName = () =>
  z.string().superRefine((value, ctx) => {
    if (!isTimeZone(value)) ctx.addIssue({ code: 'custom', message: `unknown time zone "${value}" (an IANA name such as Europe/Berlin or UTC)` });
  });

export const durationText = () =>
  z.string().superRefine((value, ctx) => {
    if (durationMs(value.trim()) === undefined) ctx.addIssue({ code: 'custom', message: `must be a duration such as 10h, 90m, 1h30m or 7d, got "${value}"` });
  });

/** A cron expression of the ends, or a duration after each start. */
export const periodEnd = () =>
  z.string().superRefine((value, ctx) => {
    const problem = looksLikeDuration(value)
      ? durationMs(value.trim()) === undefined
        ? `must be a duration such as 10h, 90m, 1h30m or 7d, or a cron expression, got "${value}"`
        : undefined
      : cronProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

/** The fields every period has: when it opens, when it closes, and the zone both are read in. */
export const periodFields = {
  start: cronExpression(),
  end: periodEnd(),
  timeZone: timeZoneName(),
};
