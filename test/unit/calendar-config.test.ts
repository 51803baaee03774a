// Tests of the calendar sections of the config: schedules, maintenance windows and lifetime, with exact field-naming errors.
import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../functions/core/config.ts';

function rawFleet(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    name: 'web',
    launchTemplate: { id: 'lt-0123456789abcdef0' },
    subnets: ['subnet-0a'],
    instanceTypes: [{ type: 'm7g.large' }],
    capacity: { min: 1, max: 10 },
    scaling: { metric: { namespace: 'AWS/SQS', name: 'Visible', statistic: 'Sum' }, metricType: 'total', target: 100 },
    ...extra,
  };
}

function problemsOf(extra: Record<string, unknown>): readonly string[] {
  try {
    validateConfig({ fleets: [rawFleet(extra)] });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems].sort();
    throw error;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

const OFFICE = { name: 'office-hours', start: '0 8 * * 1-5', end: '0 18 * * 1-5', timeZone: 'Europe/Berlin', min: 10 };

describe('calendar config', () => {
  it('accepts schedules, maintenance windows and a lifetime, with the lifetime defaults', () => {
    const fleet = validateConfig({
      fleets: [rawFleet({ schedules: [OFFICE, { name: 'night', start: '0 22 * * *', end: '8h', timeZone: 'UTC', max: 2 }], maintenanceWindows: [{ start: '0 3 * * 0', end: '2h', timeZone: 'Europe/Berlin' }], lifetime: { maxHours: 168 } })],
    }).fleets[0];
    expect(fleet?.schedules?.map((s) => s.name)).toEqual(['office-hours', 'night']);
    expect(fleet?.lifetime).toEqual({ maxHours: 168, maxReplacing: 1, inMaintenanceWindow: false });
  });

  it.each([
    ['an unknown time zone', { schedules: [OFFICE, { ...OFFICE, name: 'b', timeZone: 'Europe/Berln' }] }, ['fleets[0].schedules[1].timeZone: unknown time zone "Europe/Berln" (an IANA name such as Europe/Berlin or UTC)']],
    ['a bad cron start', { schedules: [{ ...OFFICE, start: '0 25 * * 1-5' }] }, ['fleets[0].schedules[0].start: is not a valid cron expression "0 25 * * 1-5": CronPattern: Invalid value for hour: 25']],
    ['a six-field cron', { maintenanceWindows: [{ start: '0 0 3 * * 0', end: '2h', timeZone: 'UTC' }] }, ['fleets[0].maintenanceWindows[0].start: must be a cron expression of five fields (minute hour day-of-month month day-of-week), got "0 0 3 * * 0"']],
    ['an end that is neither', { schedules: [{ ...OFFICE, end: '10hours' }] }, ['fleets[0].schedules[0].end: must be a duration such as 10h, 90m, 1h30m or 7d, or a cron expression, got "10hours"']],
    ['a schedule that sets nothing', { schedules: [{ ...OFFICE, min: undefined }] }, ['fleets[0].schedules[0]: must set min, max or desired']],
    ['a desired outside the schedule bounds', { schedules: [{ ...OFFICE, desired: 4 }] }, ["fleets[0].schedules[0].desired: must be within the schedule's bounds 10..10, got 4"]],
    ['min above max', { schedules: [{ ...OFFICE, min: 5, max: 3 }] }, ['fleets[0].schedules[0].min: must be <= max']],
    ['min above capacity.max', { schedules: [{ ...OFFICE, min: 12 }] }, ["fleets[0].schedules[0].min: must be <= capacity.max (12 > 10): capacity.max is the fleet's ceiling at all times"]],
    ['max above capacity.max', { schedules: [{ ...OFFICE, min: 2, max: 11 }] }, ["fleets[0].schedules[0].max: must be <= capacity.max (11 > 10): capacity.max is the fleet's ceiling at all times"]],
    ['max below capacity.min without a min', { capacity: { min: 3, max: 10 }, schedules: [{ ...OFFICE, min: undefined, max: 2 }] }, ['fleets[0].schedules[0].max: must be >= capacity.min (2 < 3) when the schedule sets no min']],
    ['a repeated name', { schedules: [OFFICE, OFFICE] }, ['fleets[0].schedules: must not repeat a schedule name']],
    ['a lifetime waiting for a window the fleet does not have', { lifetime: { maxHours: 24, inMaintenanceWindow: true } }, ['fleets[0].lifetime.inMaintenanceWindow: needs maintenanceWindows: without one, expiry would never act']],
    ['idle on a per-instance metric', { scaling: { metric: { namespace: 'AWS/EC2', name: 'CPUUtilization', statistic: 'Average' }, metricType: 'per-instance', target: 50 }, idle: { afterMinutes: 30 } }, ['fleets[0].idle: needs scaling.metricType total: a per-instance metric has no reading at zero instances, so load could not bring the fleet back']],
    ['a lifetime of zero hours', { lifetime: { maxHours: 0 } }, ['fleets[0].lifetime.maxHours: Too small: expected number to be >0']],
  ])('rejects %s', (_name, extra, problems) => {
    expect(problemsOf(extra)).toEqual(problems);
  });
});
