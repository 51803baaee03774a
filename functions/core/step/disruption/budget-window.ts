/**
 * Disruption budgets on the calendar: a budget with `window` applies only while that period is
 * open; a budget with `per` allows `max` disruptions started in each of its windows, counted in
 * the fleet's status (one count per such budget, the current window only: bounded by the config,
 * not the fleet).
 */
import type { BudgetPer } from '../../calendar/config.ts';
import { cronIn, latestStartAtOrBefore } from '../../calendar/cron.ts';
import { durationMs } from '../../calendar/duration.ts';
import { localTime, periodAt } from '../../calendar/period.ts';
import type { FleetConfig } from '../../config.ts';
import type { BudgetWindowCount } from '../../model.ts';

type BudgetConfig = NonNullable<FleetConfig['disruption']>['budgets'][number];

/** The start of the `per` window `nowMs` is in: the latest cron start, or the span of `every` since the epoch. */
export function perWindowStart(per: BudgetPer, nowMs: number): number {
  if (per.every !== undefined) {
    const span = durationMs(per.every.trim()) ?? Number.POSITIVE_INFINITY;
    return Number.isFinite(span) ? Math.floor(nowMs / span) * span : 0;
  }
  return latestStartAtOrBefore(cronIn(per.start ?? '', per.timeZone ?? 'UTC'), nowMs) ?? 0;
}

const describePer = (per: BudgetPer, startMs: number) =>
  per.every !== undefined ? `per ${per.every} from ${localTime(startMs, 'UTC')} UTC` : `per window from ${localTime(startMs, per.timeZone ?? 'UTC')} ${per.timeZone ?? 'UTC'}`;

export type BudgetOnCalendar =
  | { readonly active: false }
  | { readonly active: true; readonly label?: string; readonly used?: number };

/** Whether a configured budget applies now, and for a `per` budget how many it has used in this window. */
export function onCalendar(budget: BudgetConfig, index: number, nowMs: number, counts: readonly BudgetWindowCount[] | undefined): BudgetOnCalendar {
  if (budget.window !== undefined && !periodAt(budget.window, nowMs).open) return { active: false };
  const inWindow = budget.window === undefined ? '' : `, in its window`;
  if (budget.per === undefined) return { active: true, ...(inWindow === '' ? {} : { label: inWindow }) };
  const startMs = perWindowStart(budget.per, nowMs);
  const used = counts?.find((c) => c.budget === index && c.windowStartMs === startMs)?.used ?? 0;
  return { active: true, used, label: ` ${describePer(budget.per, startMs)}: ${used} used${inWindow}` };
}

const appliesTo = (budget: BudgetConfig, reason: string) => budget.reasons === undefined || budget.reasons.includes(reason);

/**
 * The counts the next step reads: this window's count plus the disruptions each reason started
 * now; none for a budget at zero. While a budget's `window` is closed its count is kept as it was,
 * so a window that reopens inside the same `per` window goes on counting.
 */
export function budgetWindowsAfter(
  fleet: Pick<FleetConfig, 'disruption'>,
  nowMs: number,
  counts: readonly BudgetWindowCount[] | undefined,
  started: Readonly<Record<string, number>>,
): BudgetWindowCount[] {
  return (fleet.disruption?.budgets ?? []).flatMap((budget, index) => {
    const state = onCalendar(budget, index, nowMs, counts);
    if (!state.active) return (counts ?? []).filter((c) => c.budget === index);
    if (state.used === undefined || budget.per === undefined) return [];
    const now = Object.entries(started).reduce((total, [reason, count]) => total + (appliesTo(budget, reason) ? count : 0), 0);
    const used = state.used + now;
    return used === 0 ? [] : [{ budget: index, windowStartMs: perWindowStart(budget.per, nowMs), used }];
  });
}
