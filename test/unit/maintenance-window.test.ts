// Table-driven tests of insideMaintenanceWindow: which window is open, or which opens next, with exact sentences, across a daylight-saving change.
import { describe, expect, it } from 'vitest';
import { insideMaintenanceWindow } from '../../functions/core/calendar/maintenance-window.ts';
import type { MaintenanceWindowConfig } from '../../functions/core/calendar/config.ts';
import { isoUtcToMs } from '../../functions/core/iso-time.ts';

const SUNDAY: MaintenanceWindowConfig = { name: 'sunday', start: '0 3 * * 0', end: '2h', timeZone: 'Europe/Berlin' };
const WEDNESDAY: MaintenanceWindowConfig = { start: '30 1 * * 3', end: '30 2 * * 3', timeZone: 'America/New_York' };

describe('insideMaintenanceWindow', () => {
  it.each([
    ['no windows', [], '2026-12-06T02:30:00Z', { open: false, why: 'the fleet has no maintenanceWindows' }],
    ['inside the named one', [SUNDAY, WEDNESDAY], '2026-12-06T02:30:00Z', { open: true, name: 'sunday', why: 'inside maintenance window "sunday" (2026-12-06 03:00-05:00 Europe/Berlin)' }],
    ['inside an unnamed one', [SUNDAY, WEDNESDAY], '2026-12-02T06:45:00Z', { open: true, name: 'maintenanceWindows[1]', why: 'inside maintenance window "maintenanceWindows[1]" (2026-12-02 01:30-02:30 America/New_York)' }],
    ['outside: the next to open, whichever is listed first', [SUNDAY, WEDNESDAY], '2026-12-03T12:00:00Z', { open: false, name: 'sunday', why: 'outside the maintenance windows; the next, "sunday", opens 2026-12-06 03:00 Europe/Berlin' }],
    ['the Sunday of the fall-back: 03:00 CET is 02:00Z', [SUNDAY], '2026-10-25T02:30:00Z', { open: true, name: 'sunday', why: 'inside maintenance window "sunday" (2026-10-25 03:00-05:00 Europe/Berlin)' }],
    ['the hour before it, which in summer time would be inside', [SUNDAY], '2026-10-25T01:30:00Z', { open: false, name: 'sunday', why: 'outside the maintenance windows; the next, "sunday", opens 2026-10-25 03:00 Europe/Berlin' }],
  ])('%s', (_name, maintenanceWindows, now, expected) => {
    expect(insideMaintenanceWindow({ maintenanceWindows }, isoUtcToMs(now))).toEqual(expected);
  });
});
