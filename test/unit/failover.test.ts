// The pure failover decisions: failure detection (grace, consecutive observations, signals),
// degraded zones, and where a replacement goes, with exact causes and reasons.
import { describe, expect, it } from 'vitest';
import type { FailoverConfig, FleetConfig } from '../../functions/core/config.ts';
import { assessFailure, degradedZones, identityOf, planReplacement, sameIdentity } from '../../functions/core/failover.ts';
import { type InstanceIdentity, type InstanceRecord, type InstanceSignal, NO_IDENTITY, type ObservedInstance } from '../../functions/core/model.ts';
import type { Member, SubnetPlacement } from '../../functions/core/placement.ts';
import { FAILOVER_DEFAULTS, observedInstance } from './fixtures.ts';

const NOW = 1_000_000_000;
const A: SubnetPlacement = { subnetId: 'subnet-0a', availabilityZone: 'us-east-1a' };
const B: SubnetPlacement = { subnetId: 'subnet-0b', availabilityZone: 'us-east-1b' };

const CONFIG: FailoverConfig = FAILOVER_DEFAULTS;

const PET: InstanceIdentity = {
  elasticIps: [{ allocationId: 'eipalloc-1', publicIp: '198.51.100.7' }],
  networkInterfaces: [{ networkInterfaceId: 'eni-1', deviceIndex: 1 }],
  volumes: [{ volumeId: 'vol-1', device: '/dev/sdf' }],
};

function record(extra: Partial<InstanceRecord> = {}): InstanceRecord {
  return { instanceId: 'i-1', lifecycle: 'in-service', launchedAtMs: NOW - 3_600_000, version: 1, reason: 'launched', ...extra };
}

function instance(extra: Partial<ObservedInstance> = {}): ObservedInstance {
  return observedInstance('i-1', A, NOW - 3_600_000, { targetHealth: 'healthy', ...extra });
}

const member = (id: string, subnet: SubnetPlacement, extra: Partial<Member> = {}): Member => ({
  ...instance({ instanceId: id, subnetId: subnet.subnetId, availabilityZone: subnet.availabilityZone }),
  units: 1,
  launchedAtMs: NOW - 3_600_000,
  ...extra,
});

const signal = (kind: InstanceSignal['kind'], detail: string): InstanceSignal => ({ instanceId: 'i-1', kind, detail });

describe('assessFailure', () => {
  const cases: Array<[string, Partial<InstanceRecord>, ObservedInstance | undefined, InstanceSignal[], Partial<FailoverConfig>, { cause?: string; failedObservations: number }]> = [
    ['a healthy instance', {}, instance(), [], {}, { failedObservations: 0 }],
    ['a vanished instance', { failedObservations: 1 }, undefined, [], {}, { cause: 'EC2 no longer reports it', failedObservations: 1 }],
    ['a terminated instance', {}, instance({ state: 'terminated' }), [], {}, { cause: 'it is terminated and fleetward did not ask for it', failedObservations: 0 }],
    ['a stopped instance', {}, instance({ state: 'stopped' }), [], {}, { cause: 'it is stopped and fleetward did not ask for it', failedObservations: 0 }],
    ['a first impaired observation', {}, instance({ health: 'impaired' }), [], {}, { failedObservations: 1 }],
    [
      'the threshold-th impaired observation',
      { failedObservations: 1 },
      instance({ health: 'impaired' }),
      [],
      {},
      { cause: 'its status checks are impaired on 2 consecutive observations', failedObservations: 2 },
    ],
    [
      'unhealthy targets at the threshold',
      { failedObservations: 2 },
      instance({ targetHealth: 'unhealthy' }),
      [],
      { unhealthyThreshold: 3 },
      { cause: 'it is unhealthy in its target groups on 3 consecutive observations', failedObservations: 3 },
    ],
    [
      'both at once',
      { failedObservations: 1 },
      instance({ health: 'impaired', targetHealth: 'unhealthy' }),
      [],
      {},
      { cause: 'its status checks are impaired and its targets unhealthy on 2 consecutive observations', failedObservations: 2 },
    ],
    ['a recovery resets the count', { failedObservations: 1 }, instance(), [], {}, { failedObservations: 0 }],
    ['an impaired instance in its grace period', { launchedAtMs: NOW - 60_000, failedObservations: 5 }, instance({ health: 'impaired' }), [], {}, { failedObservations: 0 }],
    [
      'a Spot warning, even in the grace period',
      { launchedAtMs: NOW - 60_000 },
      instance(),
      [signal('spot-interruption', 'instance action terminate')],
      {},
      { cause: 'EC2 Spot interruption warning: instance action terminate', failedObservations: 0 },
    ],
    ['a rebalance recommendation, ignored by default', {}, instance(), [signal('rebalance-recommendation', 'capacity at risk')], {}, { failedObservations: 0 }],
    [
      'a rebalance recommendation when asked to replace',
      {},
      instance(),
      [signal('rebalance-recommendation', 'capacity at risk')],
      { rebalanceRecommendation: 'replace' },
      { cause: 'EC2 rebalance recommendation: capacity at risk', failedObservations: 0 },
    ],
    [
      'an AWS Health scheduled event',
      {},
      instance(),
      [signal('scheduled-event', 'AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED starting 2026-12-01T00:00:00Z')],
      {},
      { cause: 'AWS Health scheduled event: AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED starting 2026-12-01T00:00:00Z', failedObservations: 0 },
    ],
    // Only a believed alarm reaches assessFailure (screenSignals: owned by the fleet, or confirmed by EC2).
    [
      'a status check alarm the fleet owns',
      {},
      instance(),
      [signal('status-alarm', 'fleetward-pets-i-1 (owned by the fleet)')],
      {},
      { cause: 'status check alarm in ALARM: fleetward-pets-i-1 (owned by the fleet)', failedObservations: 0 },
    ],
  ];
  it.each(cases)('%s', (_name, recordExtra, observed, signals, config, expected) => {
    expect(assessFailure({ ...CONFIG, ...config }, record(recordExtra), observed, signals, NOW)).toEqual(expected);
  });
});

describe('degradedZones', () => {
  it('marks a zone where enough instances and a large enough share fail', () => {
    const members = [member('i-1', A, { health: 'impaired' }), member('i-2', A, { targetHealth: 'unhealthy' }), member('i-3', A), member('i-4', B)];
    expect(degradedZones(members, { impairedShare: 0.5, minImpaired: 2 })).toEqual([{ zone: 'us-east-1a', impaired: 2, instances: 3 }]);
  });

  it('does not mark a zone with too few failures, however large the share', () => {
    expect(degradedZones([member('i-1', A, { health: 'impaired' })], { impairedShare: 0.5, minImpaired: 2 })).toEqual([]);
  });

  it('does not mark a zone where the failing share is below the threshold', () => {
    const members = [member('i-1', A, { health: 'impaired' }), member('i-2', A, { health: 'impaired' }), member('i-3', A), member('i-4', A), member('i-5', A)];
    expect(degradedZones(members, { impairedShare: 0.5, minImpaired: 2 })).toEqual([]);
  });
});

describe('planReplacement', () => {
  const fleet = (failover: Partial<FailoverConfig> = {}, targetGroups: string[] = []) =>
    ({ name: 'pets', instanceTypes: [{ type: 'm7g.large', weight: 1 }], targetGroups, failover: { ...CONFIG, ...failover } }) as unknown as FleetConfig;
  const input = (identity: InstanceIdentity, degraded: string[], failover: Partial<FailoverConfig> = {}, targetGroups: string[] = []) => ({
    fleet: fleet(failover, targetGroups),
    instanceId: 'i-1',
    subnetId: A.subnetId,
    availabilityZone: A.availabilityZone,
    instanceType: 'm7g.large',
    identity,
    owner: 'deploy-1',
    deploymentFleets: 1,
    cause: 'its status checks are impaired on 2 consecutive observations',
    gone: false,
    degraded: new Set(degraded),
    subnets: [A, B],
    members: [member('i-2', A), member('i-3', B), member('i-4', B)],
    nowMs: NOW,
  });

  it('keeps a pet in its own zone, with everything it owns', () => {
    const { plan, reason } = planReplacement(input(PET, [], {}, ['arn:tg']));
    expect(plan).toMatchObject({ subnetId: A.subnetId, availabilityZone: 'us-east-1a', restoreVolumes: false, retire: 'terminate', units: 1 });
    expect(reason).toBe(
      'its status checks are impaired on 2 consecutive observations: replace it in its own zone us-east-1a, where its volumes and interfaces are, move Elastic IP 198.51.100.7 (eipalloc-1), eni-1 at device index 1, vol-1 at /dev/sdf and its 1 target group registration(s), then terminate it',
    );
  });

  it('keeps a pet in its degraded zone unless cross-zone restore is allowed, and says so', () => {
    const { plan, reason } = planReplacement(input(PET, ['us-east-1a']));
    expect(plan.availabilityZone).toBe('us-east-1a');
    expect(reason).toContain('replace it in its own zone us-east-1a although it is degraded: its volumes and interfaces cannot leave the zone unless failover.crossAzRestore is set');
  });

  it('restores a pet in a healthy zone from its snapshot when allowed, naming the risk', () => {
    const { plan, reason } = planReplacement(input(PET, ['us-east-1a'], { crossAzRestore: true, onFailure: 'quarantine' }));
    expect(plan).toMatchObject({ availabilityZone: 'us-east-1b', restoreVolumes: true, retire: 'quarantine' });
    expect(reason).toContain(
      'replace it in us-east-1b because us-east-1a is degraded; data volumes are restored there from their latest snapshot, and data written since that snapshot is at risk; its secondary interfaces cannot leave their subnet and stay behind',
    );
    expect(reason.endsWith('then quarantine it')).toBe(true);
  });

  it('beyond 100 fleets carries only the identity with the owner tag, keeps the pet in the zone of what stays, and names it', () => {
    const identity: InstanceIdentity = { ...PET, elasticIps: [{ allocationId: 'eipalloc-2', publicIp: '198.51.100.8', owner: 'deploy-1' }, ...PET.elasticIps] };
    const { plan, reason } = planReplacement({ ...input(identity, []), deploymentFleets: 101 });
    expect(plan.identity).toEqual({ elasticIps: [{ allocationId: 'eipalloc-2', publicIp: '198.51.100.8', owner: 'deploy-1' }], networkInterfaces: [], volumes: [] });
    expect(plan.leftInPlace).toHaveLength(3);
    expect(reason).toBe(
      'its status checks are impaired on 2 consecutive observations: replace it in its own zone us-east-1a, where its volumes and interfaces are, move Elastic IP 198.51.100.8 (eipalloc-2), then terminate it; left in place: ' +
        'address eipalloc-1 (198.51.100.7) of fleet pets is not tagged fleetward:owner=deploy-1: this deployment (101 fleets) may move only identity it owns; tag it to have it carried; ' +
        'interface eni-1 of fleet pets is not tagged fleetward:owner=deploy-1: this deployment (101 fleets) may move only identity it owns; tag it to have it carried; ' +
        'volume vol-1 of fleet pets is not tagged fleetward:owner=deploy-1: this deployment (101 fleets) may move only identity it owns; tag it to have it carried',
    );
  });

  it('up to 100 fleets carries all the fleet-tagged identity, with no leftInPlace in the plan', () => {
    const { plan } = planReplacement({ ...input(PET, []), deploymentFleets: 100 });
    expect(plan.identity).toBe(PET);
    expect(plan).not.toHaveProperty('leftInPlace');
  });

  it('balances a replacement without zone-bound identity over healthy zones', () => {
    const { plan, reason } = planReplacement({ ...input(NO_IDENTITY, ['us-east-1b']), gone: true });
    expect(plan.availabilityZone).toBe('us-east-1a');
    expect(reason).toBe('its status checks are impaired on 2 consecutive observations: replace it in us-east-1a to balance zones');
  });
});

describe('identityOf', () => {
  it('uses what EC2 reports while the instance exists, and the record once it is gone', () => {
    expect(identityOf(record({ identity: PET }), instance())).toEqual(NO_IDENTITY);
    expect(identityOf(record({ identity: PET }), instance({ state: 'terminated' }))).toEqual(PET);
    expect(identityOf(record({ identity: PET }), undefined)).toEqual(PET);
    expect(identityOf(record(), undefined)).toEqual(NO_IDENTITY);
  });
});

describe('sameIdentity', () => {
  const eip = { allocationId: 'eipalloc-1', publicIp: '203.0.113.7' };
  const volume = { volumeId: 'vol-1', device: '/dev/sdf' };
  const identity = (extra: Partial<InstanceIdentity> = {}): InstanceIdentity => ({ ...NO_IDENTITY, ...extra });
  it.each([
    ['no identity remembered and none now', undefined, identity(), true],
    ['the same addresses and volumes', identity({ elasticIps: [eip], volumes: [volume] }), identity({ elasticIps: [{ publicIp: '203.0.113.7', allocationId: 'eipalloc-1' }], volumes: [volume] }), true],
    ['an address gained', undefined, identity({ elasticIps: [eip] }), false],
    ['a volume moved to another device', identity({ volumes: [volume] }), identity({ volumes: [{ ...volume, device: '/dev/sdg' }] }), false],
    ['an interface at another index', identity({ networkInterfaces: [{ networkInterfaceId: 'eni-1', deviceIndex: 1 }] }), identity({ networkInterfaces: [{ networkInterfaceId: 'eni-1', deviceIndex: 2 }] }), false],
  ] as const)('%s: %s', (_case, known, now, expected) => {
    expect(sameIdentity(known, now)).toBe(expected);
  });
});
