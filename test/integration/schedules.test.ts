/**
 * Scheduled capacity against the emulator: a schedule open all day (UTC) holds a fleet without
 * load at its min, the decision log naming it; once the schedule is gone, the fleet scales in.
 */
import { describe, expect, it } from 'vitest';
import { FleetHarness } from './harness.ts';

describe('scheduled capacity', () => {
  it('launches up to the schedule min without load, names it, and scales in once the schedule is gone', async () => {
    const allDay = { name: 'all-day', start: '0 0 * * *', end: '1d', timeZone: 'UTC', min: 3 };
    const fleet = await FleetHarness.create({ capacity: { min: 0, max: 10 }, schedules: [allDay] }, 2);
    await fleet.step(0);
    expect(await fleet.instances()).toHaveLength(3);
    const [logged] = await fleet.records().listDecisions(fleet.name, 1);
    expect(logged?.decision.reason).toMatch(/^hold at 3 \(raised from 0 to schedule "all-day" min\): .*; schedule "all-day" \(\d{4}-\d{2}-\d{2} 00:00-\d{4}-\d{2}-\d{2} 00:00 UTC\) sets min 3$/);

    fleet.configure({ capacity: { min: 0, max: 10 } });
    for (let step = 0; step < 4; step += 1) await fleet.step(0);
    expect(await fleet.instances()).toHaveLength(0);
  });
});
