// Builders shared by the core's unit tests: the failover and drain settings at their defaults
// (config.test.ts pins the defaults themselves), a CPU scaling section, and an instance as EC2
// would report it.
import type { DrainConfig, FailoverConfig, ScalingConfig } from '../../functions/core/config.ts';
import { NO_IDENTITY, type ObservedInstance } from '../../functions/core/model.ts';

export const FAILOVER_DEFAULTS: FailoverConfig = {
  enabled: true,
  gracePeriodSeconds: 300,
  unhealthyThreshold: 2,
  onFailure: 'terminate',
  crossAzRestore: false,
  rebalanceRecommendation: 'ignore',
  degradedZone: { impairedShare: 0.5, minImpaired: 2 },
};

export const DRAIN_DEFAULTS: DrainConfig = {
  deregistrationTimeoutSeconds: 330,
  waitForContinue: false,
  continueTimeoutSeconds: 3600,
  onContinueTimeout: 'continue',
  maxDraining: 1,
  stopInMaintenance: false,
};

/** Per-instance CPU at target 50, 120 s warm-up, no stabilization or cooldown; `extra` overrides. */
export function cpuScaling(extra: Partial<ScalingConfig> = {}): ScalingConfig {
  return {
    metric: { namespace: 'AWS/EC2', name: 'CPUUtilization', dimensions: { InstanceId: '{instanceId}' }, statistic: 'Average', periodSeconds: 60 },
    metricType: 'per-instance',
    target: 50,
    warmupSeconds: 120,
    scaleOut: { stabilizationSeconds: 0, cooldownSeconds: 0 },
    scaleIn: { stabilizationSeconds: 0, cooldownSeconds: 0 },
    scaleOutAlarms: [],
    ...extra,
  };
}

/** The owner identity of the deployment the unit tests model. */
export const TEST_OWNER = 'fleetward-test';

/** A running, healthy instance in the given subnet, launched at `launchTimeMs` by this deployment. */
export function observedInstance(
  instanceId: string,
  placement: { readonly subnetId: string; readonly availabilityZone: string },
  launchTimeMs: number,
  extra: Partial<ObservedInstance> = {},
): ObservedInstance {
  return {
    instanceId,
    state: 'running',
    health: 'ok',
    instanceType: 'm7g.large',
    subnetId: placement.subnetId,
    availabilityZone: placement.availabilityZone,
    launchTimeMs,
    protected: false,
    targetHealth: 'unknown',
    identity: NO_IDENTITY,
    commandId: `launched/${instanceId}`,
    owner: TEST_OWNER,
    ...extra,
  };
}

/** A config of one fleet as a user writes it (before validation), with `extra` fields of that fleet. */
export function rawConfigWith(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    fleets: [
      {
        name: 'web',
        launchTemplate: { name: 'web-server' },
        subnets: ['subnet-0123456789abcdef0'],
        instanceTypes: [{ type: 'm7g.large' }],
        capacity: { min: 0, max: 4 },
        scaling: { metric: { namespace: 'N', name: 'M', statistic: 'Average' }, metricType: 'total', target: 1 },
        ...extra,
      },
    ],
  };
}
