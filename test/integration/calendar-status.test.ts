/**
 * The status item keeps what the calendar features carry from step to step: each per-window
 * budget's count for its window, since when an idle fleet has had no load, and the window a
 * schedule last set the desired capacity in (the schema of the stored status drops fields it
 * does not know, so each must be listed in table-keys.ts).
 */
import { describe, expect, it } from 'vitest';
import { FleetHarness } from './harness.ts';

describe('the status item on DynamoDB', () => {
  it('keeps the per-window budget counts, the idle clock and the window a schedule set desired in', async () => {
    const fleet = await FleetHarness.create();
    const next = { step: 3, desiredCapacity: 0, recommendations: [], budgetWindows: [{ budget: 1, windowStartMs: 1_764_630_000_000, used: 4 }], idleSinceMs: 1_764_633_600_000, scheduledDesiredAtMs: 1_764_630_000_000 };
    await fleet.records().putStatus(fleet.name, next, undefined);
    expect(await fleet.records().getStatus(fleet.name)).toEqual({ ...next, version: 1 });
  });
});
