/**
 * Time-to-live fleets: once the scaling metric (a fleet total) has read zero for
 * idle.afterMinutes, the minimum is lowered to 0 so target tracking scales the fleet to zero;
 * the first reading above zero restores it, and the recommendation brings the fleet back. A
 * schedule's own minimum is kept: the schedule says the fleet must run then. A missing reading is
 * no evidence of idleness.
 */
import type { FleetConfig } from '../config.ts';
import type { MetricReading } from '../model.ts';
import { formatNumber } from '../scaling.ts';
import type { CapacityBounds } from './scheduled-capacity.ts';

/** Since when the load has been zero, carried in the status; undefined when there is load, no reading, or no idle config. */
export function idleSince(fleet: Pick<FleetConfig, 'idle'>, metric: MetricReading, previous: number | undefined, nowMs: number): number | undefined {
  if (fleet.idle === undefined || metric.kind !== 'value' || metric.value > 0) return undefined;
  return previous ?? nowMs;
}

/** The bounds with the minimum at 0 once the fleet has been idle long enough (unless a schedule sets the minimum). */
export function withIdle(bounds: CapacityBounds, fleet: Pick<FleetConfig, 'idle'>, sinceMs: number | undefined, nowMs: number): CapacityBounds {
  if (fleet.idle === undefined || sinceMs === undefined || bounds.minName !== 'capacity.min' || bounds.min === 0) return bounds;
  const idleMinutes = (nowMs - sinceMs) / 60_000;
  if (idleMinutes < fleet.idle.afterMinutes) return bounds;
  const why = `idle: no load for ${formatNumber(idleMinutes)} min (idle.afterMinutes ${fleet.idle.afterMinutes}) lowers min to 0`;
  return { ...bounds, min: 0, minName: 'the idle minimum', why: bounds.why === undefined ? why : `${bounds.why}; ${why}` };
}
