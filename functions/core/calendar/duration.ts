/** Durations as the config writes them: days, hours and minutes such as 10h, 90m, 1h30m or 7d. */
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;

/** Milliseconds of a duration, or undefined when the text is not one or is zero. */
export function durationMs(text: string): number | undefined {
  const parts = DURATION.exec(text);
  if (parts === null || text === '') return undefined;
  const [days, hours, minutes] = parts.slice(1, 4).map((part) => Number(part ?? '0')) as [number, number, number];
  const ms = ((days * 24 + hours) * 60 + minutes) * 60_000;
  return ms > 0 ? ms : undefined;
}

/** Whether the text is written as a duration rather than a cron expression (which has spaces). */
export const looksLikeDuration = (text: string): boolean => !/\s/.test(text.trim());
