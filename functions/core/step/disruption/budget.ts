/**
 * The disruption budget, computed as data before any voluntary method runs: how many instances
 * may be out of service at once, for every reason or for some, as a count or a share of the
 * fleet. `drain.maxDraining` is the evacuation's budget, `lifetime.maxReplacing` the expiry's.
 * A budget that cannot be computed allows nothing (it fails closed). Budgets on the calendar
 * (only inside a window, at most N per window) are in ./budget-window.ts.
 */
import type { DrainConfig, FleetConfig } from '../../config.ts';
import type { BudgetWindowCount } from '../../model.ts';
import { onCalendar } from './budget-window.ts';

export interface Budget {
  /** How reasons name it: the config field and its value. */
  readonly name: string;
  /** Instances that may be disrupting at once. */
  readonly limit: number;
  /** The reasons it holds back; every voluntary reason when absent. */
  readonly reasons?: readonly string[];
  /** For an at-most-N-per-window budget: the disruptions started in its window so far (then `limit` is per window, not at once). */
  readonly used?: number;
}

export interface Allowance {
  /** How many more instances the reason may take out now (Infinity when no budget applies). */
  readonly allowed: number;
  /** The budget that allows the fewest. */
  readonly binding?: Budget;
}

/** Instances out at once that `max` (a count, or a percentage such as "25%") allows in a fleet of this size. */
export function budgetLimit(max: number | string, fleetInstances: number): number {
  if (typeof max === 'number') return Number.isInteger(max) && max >= 0 ? max : 0;
  const percent = Number(max.endsWith('%') ? max.slice(0, -1) : Number.NaN);
  if (!Number.isFinite(percent) || !Number.isFinite(fleetInstances) || percent <= 0) return 0;
  return Math.max(1, Math.floor((fleetInstances * percent) / 100));
}

/** The largest number of instances the evacuation budget lets drain at once. */
export function drainBudget(config: DrainConfig, fleetInstances: number): number {
  return budgetLimit(config.maxDraining, fleetInstances);
}

const describe = (max: number | string, limit: number, fleetInstances: number) =>
  typeof max === 'number' ? String(max) : `${max} of ${fleetInstances} instances: ${limit}`;

/** lifetime.maxReplacing, the expiry's own budget, when the fleet has a lifetime. */
function expiryBudget(fleet: Pick<FleetConfig, 'lifetime'>, fleetInstances: number): Budget[] {
  if (fleet.lifetime === undefined) return [];
  const { maxReplacing } = fleet.lifetime;
  const limit = budgetLimit(maxReplacing, fleetInstances);
  return [{ name: `lifetime.maxReplacing (${describe(maxReplacing, limit, fleetInstances)})`, limit, reasons: ['expiry'] }];
}

/** Without the step's time, a budget on the calendar cannot be computed: it allows nothing. */
const withoutCalendar = (budget: NonNullable<FleetConfig['disruption']>['budgets'][number]) =>
  budget.per === undefined && budget.window === undefined ? { active: true as const } : { active: true as const, label: ': no time to place its window', used: Number.POSITIVE_INFINITY };

/** Every budget of the fleet for a fleet of `fleetInstances` (in service and draining). */
export function disruptionBudgets(
  fleet: Pick<FleetConfig, 'disruption' | 'drain' | 'lifetime'>,
  fleetInstances: number,
  calendar?: { readonly nowMs: number; readonly counts?: readonly BudgetWindowCount[] | undefined },
): Budget[] {
  const configured = (fleet.disruption?.budgets ?? []).flatMap((budget, index): Budget[] => {
    const when = calendar === undefined ? withoutCalendar(budget) : onCalendar(budget, index, calendar.nowMs, calendar.counts);
    if (!when.active) return [];
    const limit = budgetLimit(budget.max, fleetInstances);
    const name = `disruption.budgets[${index}] (${describe(budget.max, limit, fleetInstances)}${when.label ?? ''})`;
    return [{ name, limit, ...(budget.reasons === undefined ? {} : { reasons: budget.reasons }), ...(when.used === undefined ? {} : { used: when.used }) }];
  });
  const evacuationLimit = drainBudget(fleet.drain, fleetInstances);
  const evacuation = { name: `drain.maxDraining (${describe(fleet.drain.maxDraining, evacuationLimit, fleetInstances)})`, limit: evacuationLimit, reasons: ['evacuation'] };
  return [...configured, evacuation, ...expiryBudget(fleet, fleetInstances)];
}

const applies = (budget: Budget, reason: string) => budget.reasons === undefined || budget.reasons.includes(reason);

/** What the budgets still allow `reason` with `disrupting` instances out of service already. */
export function allowance(budgets: readonly Budget[], reason: string, disrupting: number): Allowance {
  let best: Allowance = { allowed: Number.POSITIVE_INFINITY };
  for (const budget of budgets) {
    if (!applies(budget, reason)) continue;
    const allowed = Math.max(0, budget.limit - (budget.used ?? disrupting));
    if (allowed < best.allowed) best = { allowed, binding: budget };
  }
  return best;
}

/** The fewest instances any budget of `reason` lets be out at once (per-window budgets aside). */
export function limitFor(budgets: readonly Budget[], reason: string): number {
  return Math.min(...budgets.filter((budget) => applies(budget, reason) && budget.used === undefined).map((budget) => budget.limit));
}
