/**
 * The fleet's calendar sections: `schedules` (periods that set the capacity bounds for their
 * span), `maintenanceWindows` (periods in which the methods that ask for one may disrupt) and
 * `lifetime` (the age after which an instance is replaced), `idle` (scale to zero without
 * load). Validated with the rest of the
 * config, each error naming its field.
 */
import * as z from 'zod';
import { cronExpression, durationText, periodFields, timeZoneName } from './schema.ts';

const PERIOD_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const periodName = () => z.string().regex(PERIOD_NAME, 'must be 1-63 characters of a-z, 0-9 and -');

const scheduleSchema = z
  .strictObject({
    name: periodName(),
    ...periodFields,
    /** The minimum while the period is open (below capacity.min too); capacity.min when absent. */
    min: z.number().int().min(0).max(10_000).optional(),
    /** The maximum while the period is open, at most capacity.max (0 with min 0 turns the fleet off); capacity.max when absent. */
    max: z.number().int().min(0).max(10_000).optional(),
    /** The desired capacity set once, at the first step of each window; scaling moves it from there within the bounds. */
    desired: z.number().int().min(0).max(10_000).optional(),
  })
  .refine((s) => s.min !== undefined || s.max !== undefined || s.desired !== undefined, 'must set min, max or desired')
  .refine((s) => s.min === undefined || s.max === undefined || s.min <= s.max, { message: 'must be <= max', path: ['min'] });

/** Scheduled capacity, in the order written; of the open ones, the latest started wins (the earlier listed on a tie). */
export const schedulesSchema = z
  .array(scheduleSchema)
  .refine((s) => new Set(s.map((x) => x.name)).size === s.length, 'must not repeat a schedule name');

export const maintenanceWindowsSchema = z
  .array(z.strictObject({ name: periodName().optional(), ...periodFields }))
  .min(1);

export const lifetimeSchema = z.strictObject({
  /** Instances older than this many hours are replaced (expiry), replacement first, oldest first. */
  maxHours: z.number().positive().max(87_600),
  /** Expiry replacements out of service at once at most: a count or a percentage of the fleet. */
  maxReplacing: z.union([z.number().int().min(1), z.string().regex(/^([1-9]\d?|100)%$/, 'must be a count or a percentage such as 25%')]).default(1),
  /** Expiry waits for one of the fleet's maintenanceWindows. */
  inMaintenanceWindow: z.boolean().default(false),
});

/**
 * The calendar fields of a disruption budget: `per` makes `max` count the disruptions started in
 * each window (from each start of a cron in a zone to the next, or each fixed span of a duration
 * from the epoch) instead of instances out at once; `window` makes the budget apply only while
 * a period is open (Karpenter's schedule and duration).
 */
export const budgetCalendarFields = {
  per: z
    .strictObject({ start: cronExpression().optional(), every: durationText().optional(), timeZone: timeZoneName().optional() })
    .refine((per) => (per.start === undefined) !== (per.every === undefined), 'give exactly one of start (a cron expression) or every (a duration)')
    .refine((per) => per.start === undefined || per.timeZone !== undefined, { message: 'is required with start', path: ['timeZone'] })
    .optional(),
  window: z.strictObject(periodFields).optional(),
};

export type BudgetPer = NonNullable<z.output<typeof budgetCalendarFields.per>>;

/** A time-to-live fleet: scale to zero once the load has been zero this long; load brings it back. */
export const idleSchema = z.strictObject({
  afterMinutes: z.number().int().min(1).max(10_080),
});

export type ScheduleConfig = z.output<typeof scheduleSchema>;
export type MaintenanceWindowConfig = z.output<typeof maintenanceWindowsSchema>[number];
export type LifetimeConfig = z.output<typeof lifetimeSchema>;

/**
 * Cross-field checks (run even when fields are invalid): capacity.max is the ceiling at all
 * times, a schedule that sets only max must agree with capacity.min, a lifetime that waits for
 * a maintenance window needs one, and an idle fleet needs a metric that reads at zero instances.
 */
export function checkCalendar(fleet: Record<string, unknown>, ctx: z.core.$RefinementCtx): void {
  const scaling = fleet.scaling as Record<string, unknown> | undefined;
  if (fleet.idle !== undefined && typeof scaling === 'object' && scaling !== null && scaling.metricType === 'per-instance') {
    ctx.addIssue({ code: 'custom', path: ['idle'], message: 'needs scaling.metricType total: a per-instance metric has no reading at zero instances, so load could not bring the fleet back' });
  }
  const lifetime = fleet.lifetime as Record<string, unknown> | undefined;
  const windows = fleet.maintenanceWindows;
  if (typeof lifetime === 'object' && lifetime !== null && lifetime.inMaintenanceWindow === true && !(Array.isArray(windows) && windows.length > 0)) {
    ctx.addIssue({ code: 'custom', path: ['lifetime', 'inMaintenanceWindow'], message: 'needs maintenanceWindows: without one, expiry would never act' });
  }
  const capacity = typeof fleet.capacity === 'object' && fleet.capacity !== null ? (fleet.capacity as Record<string, unknown>) : {};
  const schedules = Array.isArray(fleet.schedules) ? (fleet.schedules as unknown[]) : [];
  const ceiling = capacity.max;
  schedules.forEach((schedule, index) => {
    if (typeof schedule !== 'object' || schedule === null) return;
    const { min, max } = schedule as Record<string, unknown>;
    for (const [field, value] of [['min', min], ['max', max]] as const) {
      if (typeof value === 'number' && typeof ceiling === 'number' && value > ceiling) {
        ctx.addIssue({ code: 'custom', path: ['schedules', index, field], message: `must be <= capacity.max (${value} > ${ceiling}): capacity.max is the fleet's ceiling at all times` });
      }
    }
    const desired = (schedule as Record<string, unknown>).desired;
    const low = typeof min === 'number' ? min : capacity.min;
    const high = typeof max === 'number' ? max : capacity.max;
    if (typeof desired === 'number' && typeof low === 'number' && typeof high === 'number' && (desired < low || desired > high)) {
      ctx.addIssue({ code: 'custom', path: ['schedules', index, 'desired'], message: `must be within the schedule's bounds ${low}..${high}, got ${desired}` });
    }
    if (typeof max === 'number' && min === undefined && typeof capacity.min === 'number' && max < capacity.min) {
      ctx.addIssue({ code: 'custom', path: ['schedules', index, 'max'], message: `must be >= capacity.min (${max} < ${capacity.min}) when the schedule sets no min` });
    }
  });
}
