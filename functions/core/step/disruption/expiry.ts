/**
 * Voluntary disruption: replace instances older than lifetime.maxHours (expiry, as in ASG and
 * Karpenter), oldest first, replacement first. An instance's age runs from its launch as the
 * fleet's record has it (EC2's LaunchTime for one adopted without a record). The budget
 * lifetime.maxReplacing, and any disruption budget, bound how many go at once; protected
 * instances are skipped and said so. With lifetime.inMaintenanceWindow it waits for a window.
 */
import { formatNumber } from '../../scaling.ts';
import { type DisruptionContext, type DisruptionMethod, NOTHING, type Proposal } from './method.ts';

const HOUR_MS = 3_600_000;

const ageMs = (m: DisruptionContext['members'][number], nowMs: number) => nowMs - m.launchedAtMs;

function propose({ fleet, members, nowMs, maintenanceWindow }: DisruptionContext): Proposal {
  const lifetime = fleet.lifetime;
  if (lifetime === undefined) return NOTHING;
  const limitMs = lifetime.maxHours * HOUR_MS;
  const expired = members
    .filter((m) => ageMs(m, nowMs) > limitMs)
    .sort((a, b) => ageMs(b, nowMs) - ageMs(a, nowMs) || (a.instanceId < b.instanceId ? -1 : 1));
  if (expired.length > 0 && lifetime.inMaintenanceWindow && !maintenanceWindow.open) {
    return { moves: [], notes: [`expiry: ${expired.length} expired instance(s) wait for a maintenance window (lifetime.inMaintenanceWindow): ${maintenanceWindow.why}`] };
  }
  const inWindow = lifetime.inMaintenanceWindow ? `; ${maintenanceWindow.why}` : '';
  const kept = expired.filter((m) => m.protected);
  const moves = expired
    .filter((m) => !m.protected)
    .map((m) => ({
      instanceId: m.instanceId,
      launchedAtMs: m.launchedAtMs,
      reason: `expired: ${formatNumber(ageMs(m, nowMs) / HOUR_MS)} h old, over lifetime.maxHours ${formatNumber(lifetime.maxHours)}${inWindow}`,
      keepCapacity: true,
    }));
  const notes = kept.length === 0 ? [] : [`expiry: ${kept.map((m) => m.instanceId).join(', ')} expired but protected (fleetward:protected), not replaced`];
  return { moves, notes };
}

export const expiry: DisruptionMethod = { reason: 'expiry', propose };
