/** Which target health wins when an instance is in several of a fleet's target groups: unhealthy in any. */
import type { TargetHealth } from './model.ts';

const RANK: Record<TargetHealth, number> = { unhealthy: 4, healthy: 3, unknown: 2, draining: 1, 'not-registered': 0 };

/** Adds one target group's state of an instance: unhealthy in any wins, then healthy, unknown, draining. */
export function mergeTargetHealth(health: Map<string, TargetHealth>, instanceId: string, state: TargetHealth): void {
  if (RANK[state] > RANK[health.get(instanceId) ?? 'not-registered']) health.set(instanceId, state);
}
