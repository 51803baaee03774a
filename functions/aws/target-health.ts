/**
 * How ELBv2 target states read as fleetward's target health. Free of the SDK, so that the ELBv2
 * adapter and the in-memory load balancer report alike.
 */
import type { TargetHealth } from '../core/model.ts';

/** ELBv2's state of one target (initial, healthy, unhealthy, unused, draining, unavailable). */
export function toTargetHealth(state: string | undefined): TargetHealth {
  if (state === 'healthy') return 'healthy';
  if (state === 'unhealthy') return 'unhealthy';
  if (state === 'draining') return 'draining';
  if (state === 'unused') return 'not-registered';
  return 'unknown';
}
