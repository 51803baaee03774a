/**
 * How ELBv2 target states read as fleetward's target health, and which wins across a fleet's
 * target groups. Free of the SDK, so that the ELBv2 adapter and the in-memory load balancer
 * report alike.
 */
import type { TargetHealth } from '../core/model.ts';

const RANK: Record<TargetHealth, number> = { unhealthy: 4, healthy: 3, unknown: 2, draining: 1, 'not-registered': 0 };

/** ELBv2's state of one target (initial, healthy, unhealthy, unused, draining, unavailable). */
export function toTargetHealth(state: string | undefined): TargetHealth {
  if (state === 'healthy') return 'healthy';
  if (state === 'unhealthy') return 'unhealthy';
  if (state === 'draining') return 'draining';
  if (state === 'unused') return 'not-registered';
  return 'unknown';
}

/** Adds one target group's state of an instance: unhealthy in any wins, then healthy, unknown, draining. */
export function mergeTargetHealth(health: Map<string, TargetHealth>, instanceId: string, state: TargetHealth): void {
  if (RANK[state] > RANK[health.get(instanceId) ?? 'not-registered']) health.set(instanceId, state);
}
