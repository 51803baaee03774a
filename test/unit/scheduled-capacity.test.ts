// Table-driven tests of scheduled capacity: which schedule sets the bounds at an instant, and the exact reasons of the capacity decisions it shapes.
import { describe, expect, it } from 'vitest';
import type { ScheduleConfig } from '../../functions/core/calendar/config.ts';
import { capacityBounds } from '../../functions/core/calendar/scheduled-capacity.ts';
import type { FleetConfig } from '../../functions/core/config.ts';
import { isoUtcToMs } from '../../functions/core/iso-time.ts';
import type { MetricReading } from '../../functions/core/model.ts';
import { type CapacityInput, decideCapacity } from '../../functions/core/scaling.ts';
import { decideStep } from '../../functions/core/step/index.ts';
import { SUBNET_A, SUBNET_B, cpu, fleet as stepFleet, instance, status, stepInput } from './step-fixtures.ts';

const OFFICE: ScheduleConfig = { name: 'office-hours', start: '0 8 * * 1-5', end: '0 18 * * 1-5', timeZone: 'Europe/Berlin', min: 10 };
const NIGHT: ScheduleConfig = { name: 'night', start: '0 22 * * *', end: '8h', timeZone: 'Europe/Berlin', min: 0, max: 2 };
const RELEASE: ScheduleConfig = { name: 'release', start: '0 12 1 12 *', end: '2h', timeZone: 'Europe/Berlin', min: 15 };
const OFF: ScheduleConfig = { name: 'off', start: '0 20 * * *', end: '0 7 * * *', timeZone: 'Europe/Berlin', min: 0, max: 0 };
const SPRING: ScheduleConfig = { name: 'backup', start: '30 2 * * *', end: '1h', timeZone: 'Europe/Berlin', max: 4 };

const fleetWith = (schedules: ScheduleConfig[], min = 2, max = 20): Pick<FleetConfig, 'capacity' | 'schedules' | 'scaling'> => ({
  capacity: { min, max },
  schedules,
  scaling: {
    metric: { namespace: 'AWS/SQS', name: 'Visible', dimensions: {}, statistic: 'Sum', periodSeconds: 60 },
    metricType: 'total',
    target: 100,
    warmupSeconds: 120,
    scaleOut: { stabilizationSeconds: 0, cooldownSeconds: 0 },
    scaleIn: { stabilizationSeconds: 0, cooldownSeconds: 0 },
    scaleOutAlarms: [],
  },
});

describe('capacityBounds', () => {
  it.each([
    ['no schedule open: the fleet capacity', [OFFICE], '2026-12-05T10:00:00Z', { min: 2, max: 20, minName: 'capacity.min', maxName: 'capacity.max' }],
    ['office hours on a Tuesday in winter', [OFFICE], '2026-12-01T10:00:00Z', { min: 10, max: 20, minName: 'schedule "office-hours" min', maxName: 'capacity.max', why: 'schedule "office-hours" (2026-12-01 08:00-18:00 Europe/Berlin) sets min 10' }],
    ['office hours open at 08:00 CEST in summer (06:00Z)', [OFFICE], '2026-07-01T06:00:00Z', { min: 10, max: 20, minName: 'schedule "office-hours" min', maxName: 'capacity.max', why: 'schedule "office-hours" (2026-07-01 08:00-18:00 Europe/Berlin) sets min 10' }],
    ['not yet open at 07:00 CEST (05:00Z)', [OFFICE], '2026-07-01T05:00:00Z', { min: 2, max: 20, minName: 'capacity.min', maxName: 'capacity.max' }],
    ['a night across midnight', [OFFICE, NIGHT], '2026-12-02T03:00:00Z', { min: 0, max: 2, minName: 'schedule "night" min', maxName: 'schedule "night" max', why: 'schedule "night" (2026-12-01 22:00-2026-12-02 06:00 Europe/Berlin) sets min 0 and max 2' }],
    ['overlap: the latest started wins', [RELEASE, OFFICE], '2026-12-01T11:30:00Z', { min: 15, max: 20, minName: 'schedule "release" min', maxName: 'capacity.max', why: 'schedule "release" (2026-12-01 12:00-14:00 Europe/Berlin) sets min 15 (the latest started of 2 open schedules)' }],
    ['overlap with the same start: the earlier listed wins', [OFFICE, { ...OFFICE, name: 'other', min: 12 }], '2026-12-01T10:00:00Z', { min: 10, max: 20, minName: 'schedule "office-hours" min', maxName: 'capacity.max', why: 'schedule "office-hours" (2026-12-01 08:00-18:00 Europe/Berlin) sets min 10 (the latest started of 2 open schedules)' }],
    ['02:30 on the spring-forward day opens at 03:00 CEST', [SPRING], '2026-03-29T01:10:00Z', { min: 2, max: 4, minName: 'capacity.min', maxName: 'schedule "backup" max', why: 'schedule "backup" (2026-03-29 03:00-04:00 Europe/Berlin) sets max 4' }],
    ['a 1-hour window at 02:30 on the fall-back day closes after 60 minutes', [SPRING], '2026-10-25T01:35:00Z', { min: 2, max: 20, minName: 'capacity.min', maxName: 'capacity.max' }],
  ])('%s', (_name, schedules, now, expected) => {
    expect(capacityBounds(fleetWith(schedules), isoUtcToMs(now))).toEqual(expected);
  });
});

const queue = (value: number, nowMs: number): MetricReading => ({ kind: 'value', value, timestampMs: nowMs - 60_000, label: 'queue' });

function decide(schedules: ScheduleConfig[], now: string, previous: number, load: number) {
  const nowMs = isoUtcToMs(now);
  const fleet = fleetWith(schedules);
  const input: CapacityInput = {
    fleet,
    status: { desiredCapacity: previous, recommendations: [] },
    currentUnits: previous,
    warmedUnits: previous,
    warmingInstances: 0,
    metric: queue(load, nowMs),
    nowMs,
    bounds: capacityBounds(fleet, nowMs),
  };
  const decision = decideCapacity(input);
  return { desired: decision.desiredCapacity, direction: decision.direction, reason: decision.reason };
}

describe('decisions within scheduled bounds', () => {
  it.each([
    ['office hours raise the base to their min', [OFFICE], '2026-12-01T07:00:00Z', 3, 300, { desired: 10, direction: 'hold', reason: 'hold at 10 (raised from 3 to schedule "office-hours" min): queue = 300 total at target 100 per unit recommends 3, but the fleet is at schedule "office-hours" min 10; schedule "office-hours" (2026-12-01 08:00-18:00 Europe/Berlin) sets min 10' }],
    ['load above the scheduled min scales out as usual, naming the schedule', [OFFICE], '2026-12-01T10:00:00Z', 10, 1200, { desired: 12, direction: 'out', reason: 'scale out 10 -> 12: queue = 1200 total at target 100 per unit recommends 12; schedule "office-hours" (2026-12-01 08:00-18:00 Europe/Berlin) sets min 10' }],
    ['scale-in stops at the scheduled min', [OFFICE], '2026-12-01T10:00:00Z', 14, 300, { desired: 10, direction: 'in', reason: 'scale in 14 -> 10: queue = 300 total at target 100 per unit recommends 3, capped by schedule "office-hours" min 10; schedule "office-hours" (2026-12-01 08:00-18:00 Europe/Berlin) sets min 10' }],
    ['after office hours, scale-in goes down to capacity.min', [OFFICE], '2026-12-01T17:00:00Z', 10, 100, { desired: 2, direction: 'in', reason: 'scale in 10 -> 2: queue = 100 total at target 100 per unit recommends 1, capped by capacity.min 2' }],
    ['the night caps scale-out at its max', [NIGHT], '2026-12-02T03:00:00Z', 2, 900, { desired: 2, direction: 'hold', reason: 'hold at 2: queue = 900 total at target 100 per unit recommends 9, but the fleet is at schedule "night" max 2; schedule "night" (2026-12-01 22:00-2026-12-02 06:00 Europe/Berlin) sets min 0 and max 2' }],
    ['the night lowers a larger fleet to its max', [NIGHT], '2026-12-01T21:00:00Z', 6, 0, { desired: 0, direction: 'in', reason: 'scale in 2 -> 0 (lowered from 6 to schedule "night" max): queue = 0 total at target 100 per unit recommends 0; schedule "night" (2026-12-01 22:00-2026-12-02 06:00 Europe/Berlin) sets min 0 and max 2' }],
    ['an off period takes the fleet to zero at its start, whatever the load', [OFF], '2026-12-01T19:00:00Z', 3, 500, { desired: 0, direction: 'hold', reason: 'hold at 0 (lowered from 3 to schedule "off" max): queue = 500 total at target 100 per unit recommends 5, but the fleet is at schedule "off" max 0; schedule "off" (2026-12-01 20:00-2026-12-02 07:00 Europe/Berlin) sets min 0 and max 0' }],
    ['and the fleet comes back on its schedule when it ends', [OFF], '2026-12-02T06:00:00Z', 0, 500, { desired: 5, direction: 'out', reason: 'scale out 2 -> 5 (raised from 0 to capacity.min): queue = 500 total at target 100 per unit recommends 5' }],
    ['spring-forward: the 02:30 window caps at 03:30 CEST', [SPRING], '2026-03-29T01:30:00Z', 4, 800, { desired: 4, direction: 'hold', reason: 'hold at 4: queue = 800 total at target 100 per unit recommends 8, but the fleet is at schedule "backup" max 4; schedule "backup" (2026-03-29 03:00-04:00 Europe/Berlin) sets max 4' }],
    ['fall-back: the repeated 02:30 CET does not cap again', [SPRING], '2026-10-25T01:40:00Z', 4, 800, { desired: 8, direction: 'out', reason: 'scale out 4 -> 8: queue = 800 total at target 100 per unit recommends 8' }],
  ])('%s', (_name, schedules, now, previous, load, expected) => {
    expect(decide(schedules, now, previous, load)).toEqual(expected);
  });
});

describe('a schedule that sets desired at the start of its window', () => {
  // The step fixtures' NOW is 1970-01-24T03:33:20Z; the morning window opened at 03:00 UTC.
  const windowStartMs = 23 * 86_400_000 + 3 * 3_600_000;
  const MORNING: ScheduleConfig = { name: 'morning', start: '0 3 * * *', end: '2h', timeZone: 'UTC', desired: 6 };
  const observed = [instance('i-a1', SUBNET_A), instance('i-b1', SUBNET_B)];

  it('sets it once, at the first step of the window, and says so', () => {
    const decision = decideStep(stepInput({ fleet: { ...stepFleet(), schedules: [MORNING] }, status: status(2), observed, metric: cpu(150) }));
    expect([decision.desiredCapacity, decision.reason]).toEqual([
      6,
      'hold at 6: cpu = 150 per unit over 2 warmed units at target 50 recommends 6; schedule "morning" (1970-01-24 03:00-05:00 UTC) sets desired 6 at its start; it sets desired 6 now, at the start of its window',
    ]);
    expect(decision.nextStatus.scheduledDesiredAtMs).toBe(windowStartMs);
  });

  it('leaves scaling alone for the rest of the window', () => {
    const decision = decideStep(stepInput({ fleet: { ...stepFleet(), schedules: [MORNING] }, status: status(2, { scheduledDesiredAtMs: windowStartMs }), observed, metric: cpu(50) }));
    expect([decision.desiredCapacity, decision.reason]).toEqual([2, 'hold at 2: cpu = 50 per unit over 2 warmed units at target 50 recommends 2; schedule "morning" (1970-01-24 03:00-05:00 UTC) sets desired 6 at its start']);
  });
});
