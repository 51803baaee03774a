// Table-driven tests of the calendar: periods in a time zone, their windows, and daylight-saving days.
import { describe, expect, it } from 'vitest';
import { cronProblem, isTimeZone } from '../../functions/core/calendar/cron.ts';
import { durationMs } from '../../functions/core/calendar/duration.ts';
import { type Period, currentWindowStart, describeWindow, periodAt } from '../../functions/core/calendar/period.ts';
import { isoUtcToMs, msToIsoUtc } from '../../functions/core/iso-time.ts';

const at = (iso: string) => isoUtcToMs(iso);
const OFFICE: Period = { start: '0 8 * * 1-5', end: '0 18 * * 1-5', timeZone: 'Europe/Berlin' };
const NIGHTLY_0230: Period = { start: '30 2 * * *', end: '1h', timeZone: 'Europe/Berlin' };

const view = (state: ReturnType<typeof periodAt>) =>
  state.open ? { open: true, startedAt: msToIsoUtc(state.startedAtMs), endsAt: msToIsoUtc(state.endsAtMs) } : { open: false, nextStart: state.nextStartMs === undefined ? undefined : msToIsoUtc(state.nextStartMs) };

describe('periodAt', () => {
  it.each([
    ['office hours, a Tuesday at 11:00 CET', OFFICE, '2026-12-01T10:00:00Z', { open: true, startedAt: '2026-12-01T07:00:00.000Z', endsAt: '2026-12-01T17:00:00.000Z' }],
    ['office hours, the first minute', OFFICE, '2026-12-01T07:00:00Z', { open: true, startedAt: '2026-12-01T07:00:00.000Z', endsAt: '2026-12-01T17:00:00.000Z' }],
    ['office hours, the end is outside', OFFICE, '2026-12-01T17:00:00Z', { open: false, nextStart: '2026-12-02T07:00:00.000Z' }],
    ['office hours, a Saturday', OFFICE, '2026-12-05T10:00:00Z', { open: false, nextStart: '2026-12-07T07:00:00.000Z' }],
    ['office hours in summer time (CEST, UTC+2)', OFFICE, '2026-07-01T10:00:00Z', { open: true, startedAt: '2026-07-01T06:00:00.000Z', endsAt: '2026-07-01T16:00:00.000Z' }],
    ['02:30 on the spring-forward day opens at 03:00 CEST, which is 01:00Z', NIGHTLY_0230, '2026-03-29T01:30:00Z', { open: true, startedAt: '2026-03-29T01:00:00.000Z', endsAt: '2026-03-29T02:00:00.000Z' }],
    ['before it, at 01:45 CET, it is closed', NIGHTLY_0230, '2026-03-29T00:45:00Z', { open: false, nextStart: '2026-03-29T01:00:00.000Z' }],
    ['a 1-hour window at 02:30 CEST on the fall-back day lasts 60 minutes', NIGHTLY_0230, '2026-10-25T01:15:00Z', { open: true, startedAt: '2026-10-25T00:30:00.000Z', endsAt: '2026-10-25T01:30:00.000Z' }],
    ['the repeated 02:30 (CET) on the fall-back day does not open it again', NIGHTLY_0230, '2026-10-25T01:40:00Z', { open: false, nextStart: '2026-10-26T01:30:00.000Z' }],
    ['an end cron across fall-back is wall-clock: 01:00 to 04:00 is four hours', { start: '0 1 * * *', end: '0 4 * * *', timeZone: 'Europe/Berlin' }, '2026-10-25T02:30:00Z', { open: true, startedAt: '2026-10-24T23:00:00.000Z', endsAt: '2026-10-25T03:00:00.000Z' }],
    ['a window across midnight (22:00 to 06:00) in New York', { start: '0 22 * * *', end: '0 6 * * *', timeZone: 'America/New_York' }, '2026-12-02T05:00:00Z', { open: true, startedAt: '2026-12-02T03:00:00.000Z', endsAt: '2026-12-02T11:00:00.000Z' }],
    ['a duration longer than a day', { start: '0 0 * * 6', end: '2d', timeZone: 'UTC' }, '2026-12-06T23:59:00Z', { open: true, startedAt: '2026-12-05T00:00:00.000Z', endsAt: '2026-12-07T00:00:00.000Z' }],
  ])('%s', (_name, period, now, expected) => {
    expect(view(periodAt(period, at(now)))).toEqual(expected);
  });

  it('says when the current window started, and nothing when closed', () => {
    expect(currentWindowStart(OFFICE, at('2026-12-01T16:59:00Z'))).toBe(at('2026-12-01T07:00:00Z'));
    expect(currentWindowStart(OFFICE, at('2026-12-01T17:30:00Z'))).toBeUndefined();
  });
});

describe('describeWindow', () => {
  it.each([
    ['the same day', OFFICE, '2026-12-01T10:00:00Z', '2026-12-01 08:00-18:00 Europe/Berlin'],
    ['across midnight', { start: '0 22 * * *', end: '0 6 * * *', timeZone: 'America/New_York' }, '2026-12-02T05:00:00Z', '2026-12-01 22:00-2026-12-02 06:00 America/New_York'],
    ['the spring-forward day', NIGHTLY_0230, '2026-03-29T01:30:00Z', '2026-03-29 03:00-04:00 Europe/Berlin'],
  ])('%s', (_name, period, now, expected) => {
    const state = periodAt(period, at(now));
    if (!state.open) throw new Error('expected an open window');
    expect(describeWindow(period, state)).toBe(expected);
  });
});

describe('the pieces', () => {
  it.each([
    ['10h', 36_000_000],
    ['90m', 5_400_000],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['0h', undefined],
    ['', undefined],
    ['10', undefined],
    ['1.5h', undefined],
  ])('duration %s', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });

  it.each([
    ['0 8 * * 1-5', undefined],
    ['0 25 * * *', 'is not a valid cron expression "0 25 * * *": CronPattern: Invalid value for hour: 25'],
    ['0 8 * *', 'must be a cron expression of five fields (minute hour day-of-month month day-of-week), got "0 8 * *"'],
    ['0 0 8 * * *', 'must be a cron expression of five fields (minute hour day-of-month month day-of-week), got "0 0 8 * * *"'],
  ])('cron %s', (expression, problem) => {
    expect(cronProblem(expression)).toBe(problem);
  });

  it('knows IANA time zones', () => {
    expect([isTimeZone('Europe/Berlin'), isTimeZone('UTC'), isTimeZone('Europe/Berln'), isTimeZone('')]).toEqual([true, true, false, false]);
  });

  it('writes instants as UTC ISO text and reads them back', () => {
    for (const ms of [0, -86_400_000, 951_782_400_000, 1_764_608_400_123, 4_102_444_800_000]) expect(isoUtcToMs(msToIsoUtc(ms))).toBe(ms);
    expect(msToIsoUtc(951_782_400_000)).toBe('2000-02-29T00:00:00.000Z');
  });
});
