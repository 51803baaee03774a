// Builders for the tests of decideStep and its phases: a two-zone fleet "web", instances as EC2
// reports them, in-service records, a status, metric readings and a step input around them.
import type { FleetConfig, ScalingConfig } from '../../functions/core/config.ts';
import type { FleetStatus, InstanceRecord, MetricReading, ObservedInstance } from '../../functions/core/model.ts';
import type { SubnetPlacement } from '../../functions/core/placement.ts';
import type { StepInput } from '../../functions/core/step/index.ts';
import { DRAIN_DEFAULTS, FAILOVER_DEFAULTS, TEST_OWNER, cpuScaling, observedInstance } from './fixtures.ts';

export const NOW = 2_000_000_000;
export const LONG_AGO = NOW - 3_600_000;
export const sec = (s: number) => s * 1000;

export const SUBNET_A: SubnetPlacement = { subnetId: 'subnet-0a', availabilityZone: 'us-east-1a' };
export const SUBNET_B: SubnetPlacement = { subnetId: 'subnet-0b', availabilityZone: 'us-east-1b' };

export interface FleetOptions {
  capacity?: FleetConfig['capacity'];
  instanceTypes?: FleetConfig['instanceTypes'];
  scaling?: Partial<ScalingConfig>;
  dryRun?: boolean;
  drain?: Partial<FleetConfig['drain']>;
  disruption?: FleetConfig['disruption'];
}

export function fleet(options: FleetOptions = {}): FleetConfig {
  return {
    name: 'web',
    launchTemplate: { name: 'web-server', version: '$Latest' },
    subnets: [SUBNET_A.subnetId, SUBNET_B.subnetId],
    instanceTypes: options.instanceTypes ?? [
      { type: 'm7g.large', weight: 1 },
      { type: 'm6g.large', weight: 1 },
    ],
    capacity: options.capacity ?? { min: 1, max: 10 },
    scaling: cpuScaling(options.scaling),
    targetGroups: [],
    drain: { ...DRAIN_DEFAULTS, ...options.drain },
    failover: { ...FAILOVER_DEFAULTS, enabled: false },
    dryRun: options.dryRun ?? false,
    tags: {},
    ...(options.disruption === undefined ? {} : { disruption: options.disruption }),
  };
}

export function instance(instanceId: string, subnet: SubnetPlacement, extra: Partial<ObservedInstance> = {}): ObservedInstance {
  return observedInstance(instanceId, subnet, LONG_AGO, extra);
}

export function record(instanceId: string, extra: Partial<InstanceRecord> = {}): InstanceRecord {
  return { instanceId, lifecycle: 'in-service', launchedAtMs: LONG_AGO, version: 1, reason: 'launched', ...extra };
}

export function status(desiredCapacity: number, extra: Partial<FleetStatus> = {}): FleetStatus {
  return { step: 41, desiredCapacity, recommendations: [], version: 9, ...extra };
}

export const cpu = (value: number): MetricReading => ({ kind: 'value', value, timestampMs: NOW - sec(60), label: 'cpu' });
export const missing: MetricReading = { kind: 'missing', label: 'cpu', why: 'no datapoints' };

/** A step over observed instances that all have in-service records, unless the case says otherwise. */
export function stepInput(partial: Partial<StepInput> & Pick<StepInput, 'observed'>): StepInput {
  return {
    fleet: fleet(),
    owner: TEST_OWNER,
    status: undefined,
    records: partial.observed.map((o) => record(o.instanceId)),
    subnets: [SUBNET_A, SUBNET_B],
    metric: missing,
    nowMs: NOW,
    ...partial,
  };
}
