// Disruption budgets on the calendar: at most N per window (counted in the status, across a daylight-saving change) and budgets that apply only inside a window, with exact names and notes.
import { describe, expect, it } from 'vitest';
import { ConfigError, type FleetConfig, validateConfig } from '../../functions/core/config.ts';
import { isoUtcToMs } from '../../functions/core/iso-time.ts';
import { decideStep } from '../../functions/core/step/index.ts';
import { allowance, disruptionBudgets } from '../../functions/core/step/disruption/budget.ts';
import { budgetWindowsAfter } from '../../functions/core/step/disruption/budget-window.ts';
import { LONG_AGO, SUBNET_A, SUBNET_B, cpu, fleet, instance, record, status, stepInput } from './step-fixtures.ts';

type Budgets = NonNullable<FleetConfig['disruption']>['budgets'];
const withBudgets = (budgets: Budgets) => fleet({ disruption: { budgets } });
const PER_BERLIN_DAY: Budgets = [{ max: 5, per: { start: '0 0 * * *', timeZone: 'Europe/Berlin' } }];
const at = (iso: string) => isoUtcToMs(iso);

describe('at most N per window', () => {
  it('names the window and what it used, and allows the rest of it whatever is draining', () => {
    const nowMs = at('2026-12-01T10:00:00Z');
    const windowStartMs = at('2026-11-30T23:00:00Z');
    const budgets = disruptionBudgets(withBudgets(PER_BERLIN_DAY), 10, { nowMs, counts: [{ budget: 0, windowStartMs, used: 3 }] });
    expect(budgets[0]).toEqual({ name: 'disruption.budgets[0] (5 per window from 2026-12-01 00:00 Europe/Berlin: 3 used)', limit: 5, used: 3 });
    expect(allowance(budgets, 'scale-in', 4)).toEqual({ allowed: 2, binding: budgets[0] });
  });

  it('starts a new count in a new window and ignores the old one', () => {
    const budgets = disruptionBudgets(withBudgets(PER_BERLIN_DAY), 10, { nowMs: at('2026-12-02T10:00:00Z'), counts: [{ budget: 0, windowStartMs: at('2026-11-30T23:00:00Z'), used: 5 }] });
    expect(budgets[0]?.used).toBe(0);
  });

  it.each([
    ['adds what started now to the window it started in', '2026-12-01T10:00:00Z', [{ budget: 0, windowStartMs: at('2026-11-30T23:00:00Z'), used: 3 }], { 'scale-in': 1, roll: 1 }, [{ budget: 0, windowStartMs: at('2026-11-30T23:00:00Z'), used: 5 }]],
    ['keeps the 25-hour Berlin day of the fall-back as one window at 23:30 CET', '2026-10-25T22:30:00Z', [{ budget: 0, windowStartMs: at('2026-10-24T22:00:00Z'), used: 4 }], { expiry: 1 }, [{ budget: 0, windowStartMs: at('2026-10-24T22:00:00Z'), used: 5 }]],
    ['and starts the next at midnight CET (23:00Z)', '2026-10-25T23:00:00Z', [{ budget: 0, windowStartMs: at('2026-10-24T22:00:00Z'), used: 5 }], { expiry: 1 }, [{ budget: 0, windowStartMs: at('2026-10-25T23:00:00Z'), used: 1 }]],
    ['on the 23-hour spring-forward day, the window starts at 00:00 CET (23:00Z)', '2026-03-29T21:30:00Z', [], { 'scale-in': 2 }, [{ budget: 0, windowStartMs: at('2026-03-28T23:00:00Z'), used: 2 }]],
    ['keeps nothing for a budget that counted nothing', '2026-12-01T10:00:00Z', [], {}, []],
  ])('%s', (_name, now, counts, started, expected) => {
    expect(budgetWindowsAfter(withBudgets(PER_BERLIN_DAY), at(now), counts, started)).toEqual(expected);
  });

  it('keeps the count while its window is closed, so a window that reopens the same day goes on counting', () => {
    const budgets: Budgets = [{ max: 3, per: { start: '0 0 * * *', timeZone: 'UTC' }, window: { start: '0 8,14 * * *', end: '4h', timeZone: 'UTC' } }];
    const counts = [{ budget: 0, windowStartMs: at('2026-12-01T00:00:00Z'), used: 2 }];
    expect(budgetWindowsAfter(withBudgets(budgets), at('2026-12-01T13:00:00Z'), counts, {})).toEqual(counts);
    expect(disruptionBudgets(withBudgets(budgets), 10, { nowMs: at('2026-12-01T15:00:00Z'), counts })[0]?.name).toBe('disruption.budgets[0] (3 per window from 2026-12-01 00:00 UTC: 2 used, in its window)');
  });

  it('counts only the reasons the budget names, and per fixed span with every', () => {
    const budgets: Budgets = [{ max: 2, reasons: ['expiry'], per: { every: '6h' } }];
    expect(budgetWindowsAfter(withBudgets(budgets), at('2026-12-01T10:00:00Z'), [], { 'scale-in': 3, expiry: 1 })).toEqual([{ budget: 0, windowStartMs: at('2026-12-01T06:00:00Z'), used: 1 }]);
    expect(disruptionBudgets(withBudgets(budgets), 10, { nowMs: at('2026-12-01T10:00:00Z') })[0]?.name).toBe('disruption.budgets[0] (2 per 6h from 2026-12-01 06:00 UTC: 0 used)');
  });

  it('allows nothing when it cannot place the window (no time given)', () => {
    const budgets = disruptionBudgets(withBudgets(PER_BERLIN_DAY), 10);
    expect(budgets[0]).toEqual({ name: 'disruption.budgets[0] (5: no time to place its window)', limit: 5, used: Number.POSITIVE_INFINITY });
    expect(allowance(budgets, 'scale-in', 0).allowed).toBe(0);
  });
});

describe('a budget only inside a window', () => {
  const nightly: Budgets = [{ max: 0, window: { start: '0 8 * * 1-5', end: '0 18 * * 1-5', timeZone: 'Europe/Berlin' } }];
  it.each([
    ['applies inside it', '2026-12-01T10:00:00Z', [{ name: 'disruption.budgets[0] (0, in its window)', limit: 0 }]],
    ['not outside it', '2026-12-01T18:00:00Z', []],
  ])('%s', (_name, now, expected) => {
    expect(disruptionBudgets(withBudgets(nightly), 10, { nowMs: at(now) }).slice(0, -1)).toEqual(expected);
  });
});

describe('decideStep with a per-window budget', () => {
  const observed = [instance('i-a1', SUBNET_A), instance('i-a2', SUBNET_A), instance('i-b1', SUBNET_B), instance('i-b2', SUBNET_B)];
  const records = observed.map((o, i) => record(o.instanceId, { launchedAtMs: LONG_AGO + i }));
  // The fixtures' NOW is 1970-01-24T03:33:20Z; its UTC day started at 1970-01-24T00:00Z.
  const dayStart = 23 * 86_400_000;

  it('drains what is left of the window, says which budget held the rest back, and counts it in the next status', () => {
    const budgets: Budgets = [{ max: 2, per: { start: '0 0 * * *', timeZone: 'UTC' } }];
    const decision = decideStep(stepInput({ fleet: withBudgets(budgets), status: status(4, { budgetWindows: [{ budget: 0, windowStartMs: dayStart, used: 1 }] }), observed, records, metric: cpu(10) }));
    expect(decision.commands.map((c) => c.id)).toEqual(['web/42/advance/i-a1']);
    expect(decision.notes).toEqual(['scale-in: 2 of 3 instances held back by the disruption budget disruption.budgets[0] (2 per window from 1970-01-24 00:00 UTC: 1 used), with 0 disrupting already']);
    expect(decision.nextStatus.budgetWindows).toEqual([{ budget: 0, windowStartMs: dayStart, used: 2 }]);
  });
});

describe('config', () => {
  const raw = (per: unknown) => ({
    fleets: [{ name: 'web', launchTemplate: { name: 'web-lt' }, subnets: ['subnet-0a'], instanceTypes: [{ type: 'm7g.large' }], capacity: { min: 0, max: 4 }, scaling: { metric: { namespace: 'N', name: 'M', statistic: 'Sum' }, metricType: 'total', target: 1 }, disruption: { budgets: [{ max: 5, per }] } }],
  });
  const problems = (per: unknown) => {
    try {
      validateConfig(raw(per));
      return [];
    } catch (error) {
      return error instanceof ConfigError ? [...error.problems] : [String(error)];
    }
  };
  it.each([
    [{ start: '0 0 * * *', timeZone: 'Europe/Berlin' }, []],
    [{ every: '1h' }, []],
    [{ start: '0 0 * * *', every: '1h', timeZone: 'UTC' }, ['fleets[0].disruption.budgets[0].per: give exactly one of start (a cron expression) or every (a duration)']],
    [{ start: '0 0 * * *' }, ['fleets[0].disruption.budgets[0].per.timeZone: is required with start']],
    [{ start: '0 0 * * *', timeZone: 'Mars/Olympus' }, ['fleets[0].disruption.budgets[0].per.timeZone: unknown time zone "Mars/Olympus" (an IANA name such as Europe/Berlin or UTC)']],
  ])('per %j', (per, expected) => {
    expect(problems(per)).toEqual(expected);
  });
});
