/**
 * `npx tsx bench/calendar.ts`: what the calendar costs a step. For fleets with 1, 10 and 50
 * schedules (and rare crons: yearly, leap day), the time of capacityBounds at 2,000 seeded
 * instants over 2026–2028 (median and p99 per call), and periodAt alone for each cron shape.
 * Every step of every fleet evaluates its schedules once, its maintenance windows once, and each
 * calendar budget once.
 */
import type { ScheduleConfig } from '../functions/core/calendar/config.ts';
import { type Period, periodAt } from '../functions/core/calendar/period.ts';
import { capacityBounds } from '../functions/core/calendar/scheduled-capacity.ts';
import { isoUtcToMs } from '../functions/core/iso-time.ts';
import { textTable } from '../sim/report.ts';

const INSTANTS = 2000;
const FROM = isoUtcToMs('2026-01-01T00:00:00Z');
const SPAN = isoUtcToMs('2029-01-01T00:00:00Z') - FROM;

/** A small seeded generator (mulberry32), so every run measures the same instants. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const random = seeded(15);
const instants = Array.from({ length: INSTANTS }, () => FROM + Math.floor(random() * SPAN));

function timeEach(run: (nowMs: number) => unknown): { median: number; p99: number } {
  const times = instants.map((nowMs) => {
    const start = performance.now();
    run(nowMs);
    return performance.now() - start;
  });
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] ?? 0, p99: times[Math.floor(times.length * 0.99)] ?? 0 };
}

const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'UTC', 'Australia/Sydney'];
const schedule = (i: number): ScheduleConfig => ({ name: `s${i}`, start: `${i % 60} ${8 + (i % 4)} * * 1-5`, end: `0 ${18 + (i % 4)} * * 1-5`, timeZone: ZONES[i % ZONES.length] ?? 'UTC', min: 1 + (i % 5) });
const ms = (value: number) => `${(value * 1000).toFixed(0)} µs`;

const shapes: [string, Period][] = [
  ['weekdays 08:00 to an end cron', { start: '0 8 * * 1-5', end: '0 18 * * 1-5', timeZone: 'Europe/Berlin' }],
  ['daily 02:30 for 1h (DST days included)', { start: '30 2 * * *', end: '1h', timeZone: 'Europe/Berlin' }],
  ['yearly (1 December 12:00) for 2h', { start: '0 12 1 12 *', end: '2h', timeZone: 'Europe/Berlin' }],
  ['leap day (29 February) for 1d', { start: '0 0 29 2 *', end: '1d', timeZone: 'UTC' }],
];

const rows = [
  ...[1, 10, 50].map((count) => {
    const fleet = { capacity: { min: 0, max: 100 }, schedules: Array.from({ length: count }, (_, i) => schedule(i)) };
    const { median, p99 } = timeEach((nowMs) => capacityBounds(fleet, nowMs));
    return [`capacityBounds, ${count} schedule${count === 1 ? '' : 's'}`, ms(median), ms(p99)];
  }),
  ...shapes.map(([name, period]) => {
    const { median, p99 } = timeEach((nowMs) => periodAt(period, nowMs));
    return [`periodAt, ${name}`, ms(median), ms(p99)];
  }),
];

console.log(`${INSTANTS} seeded instants in 2026-2028, one call each, after no warm-up:`);
console.log(textTable(['call', 'median', 'p99'], rows));
