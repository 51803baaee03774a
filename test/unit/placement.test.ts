// Tests of placement: launches spread over zones then subnets, scale-in victim choice and its reasons, unit weights.
import { describe, expect, it } from 'vitest';
import { type Member, type SubnetPlacement, selectVictims, spreadLaunches, unitsOf } from '../../functions/core/placement.ts';
import { observedInstance } from './fixtures.ts';

const A1: SubnetPlacement = { subnetId: 'subnet-a1', availabilityZone: 'us-east-1a' };
const A2: SubnetPlacement = { subnetId: 'subnet-a2', availabilityZone: 'us-east-1a' };
const B1: SubnetPlacement = { subnetId: 'subnet-b1', availabilityZone: 'us-east-1b' };
const C1: SubnetPlacement = { subnetId: 'subnet-c1', availabilityZone: 'us-east-1c' };

function member(instanceId: string, subnet: SubnetPlacement, extra: Partial<Member> = {}): Member {
  return { ...observedInstance(instanceId, subnet, 1_000), units: 1, launchedAtMs: 1_000, ...extra };
}

const shares = (result: ReturnType<typeof spreadLaunches>) => result.map((s) => [s.subnet.subnetId, s.instances]);

describe('spreadLaunches', () => {
  it('spreads over empty zones evenly, remainder to the subnets listed first', () => {
    expect(shares(spreadLaunches(5, [A1, B1, C1], []))).toEqual([
      ['subnet-a1', 2],
      ['subnet-b1', 2],
      ['subnet-c1', 1],
    ]);
  });

  it('fills the zones with the fewest instances first', () => {
    const members = [member('i-1', A1), member('i-2', A1), member('i-3', C1)];
    expect(shares(spreadLaunches(3, [A1, B1, C1], members))).toEqual([
      ['subnet-b1', 2],
      ['subnet-c1', 1],
    ]);
  });

  it('balances zones before subnets, then subnets inside a zone', () => {
    const members = [member('i-1', A1)];
    // a: 1, b: 0 -> b; a: 1, b: 1 -> a, and inside a the emptier subnet a2; a: 2, b: 1 -> b.
    expect(shares(spreadLaunches(3, [A1, A2, B1], members))).toEqual([
      ['subnet-a2', 1],
      ['subnet-b1', 2],
    ]);
  });

  it('returns the shares in the order of the subnets given, with the subnet itself', () => {
    const result = spreadLaunches(2, [C1, B1], [member('i-1', B1)]);
    expect(result).toEqual([{ subnet: C1, instances: 2 }]);
  });

  it('counts every member, protected and pending ones too, toward a zone', () => {
    const members = [member('i-1', A1, { protected: true }), member('i-2', A1, { state: 'pending' })];
    expect(shares(spreadLaunches(2, [A1, B1], members))).toEqual([['subnet-b1', 2]]);
  });

  it('launches nothing for zero instances or no subnets', () => {
    expect(spreadLaunches(0, [A1, B1], [])).toEqual([]);
    expect(spreadLaunches(3, [], [])).toEqual([]);
  });

  it('ends with the zones balanced to within one instance', () => {
    const members = [member('i-1', A1), member('i-2', A1), member('i-3', A1), member('i-4', B1)];
    const result = spreadLaunches(7, [A1, B1, C1], members);
    const perZone = new Map<string, number>([['us-east-1a', 3], ['us-east-1b', 1], ['us-east-1c', 0]]);
    for (const share of result) {
      perZone.set(share.subnet.availabilityZone, (perZone.get(share.subnet.availabilityZone) ?? 0) + share.instances);
    }
    expect([...perZone.values()]).toEqual([4, 4, 3]);
    expect(result.reduce((total, share) => total + share.instances, 0)).toBe(7);
  });
});

describe('unitsOf', () => {
  const types = [
    { type: 'm7g.large', weight: 1 },
    { type: 'm7g.2xlarge', weight: 4 },
  ];
  it('is the weight of a listed type', () => {
    expect(unitsOf('m7g.2xlarge', types)).toBe(4);
    expect(unitsOf('m7g.large', types)).toBe(1);
  });
  it('is 1 for a type the config does not list', () => {
    expect(unitsOf('t3.micro', types)).toBe(1);
  });
});

describe('selectVictims', () => {
  it('never chooses a protected instance', () => {
    const members = [
      member('i-1', A1, { protected: true, health: 'impaired', launchedAtMs: 1 }),
      member('i-2', A1, { protected: true }),
      member('i-3', B1, { launchedAtMs: 5_000 }),
    ];
    expect(selectVictims(members, 3).map((v) => v.instanceId)).toEqual(['i-3']);
    expect(selectVictims(members.slice(0, 2), 2)).toEqual([]);
  });

  it('chooses an impaired instance first', () => {
    const members = [
      member('i-old', A1, { launchedAtMs: 1 }),
      member('i-pending', A1, { state: 'pending' }),
      member('i-sick', B1, { health: 'impaired', launchedAtMs: 9_000 }),
    ];
    expect(selectVictims(members, 1)).toEqual([{ instanceId: 'i-sick', why: 'its status checks are impaired' }]);
  });

  it('chooses a pending instance next, before zone balance and age', () => {
    const members = [
      member('i-old', A1, { launchedAtMs: 1 }),
      member('i-a', A1),
      member('i-pending', B1, { state: 'pending', launchedAtMs: 9_000 }),
      member('i-unknown', A1, { health: 'unknown' }),
    ];
    expect(selectVictims(members, 1)).toEqual([{ instanceId: 'i-pending', why: 'it is still pending' }]);
  });

  it('then takes from the zone with the most instances, recounting after each choice', () => {
    const members = [
      member('i-b', B1, { launchedAtMs: 1 }),
      member('i-a1', A1, { launchedAtMs: 3_000 }),
      member('i-a2', A2, { launchedAtMs: 2_000 }),
      member('i-a3', A1, { launchedAtMs: 4_000 }),
    ];
    expect(selectVictims(members, 3)).toEqual([
      { instanceId: 'i-a2', why: 'us-east-1a has the most instances (3)' },
      { instanceId: 'i-a1', why: 'us-east-1a has the most instances (2)' },
      { instanceId: 'i-b', why: 'it is the oldest in a balanced fleet' },
    ]);
  });

  it('counts protected instances toward a zone', () => {
    const members = [
      member('i-a-protected', A1, { protected: true }),
      member('i-a', A1, { launchedAtMs: 9_000 }),
      member('i-b', B1, { launchedAtMs: 1 }),
    ];
    expect(selectVictims(members, 1)).toEqual([{ instanceId: 'i-a', why: 'us-east-1a has the most instances (2)' }]);
  });

  it('then takes the oldest of a balanced fleet', () => {
    const members = [
      member('i-a', A1, { launchedAtMs: 3_000 }),
      member('i-b', B1, { launchedAtMs: 2_000 }),
      member('i-c', C1, { launchedAtMs: 4_000 }),
    ];
    expect(selectVictims(members, 1)).toEqual([{ instanceId: 'i-b', why: 'it is the oldest in a balanced fleet' }]);
  });

  it('breaks a full tie by instance id', () => {
    const members = [member('i-c', A1), member('i-a', B1), member('i-b', C1)];
    expect(selectVictims(members, 2).map((v) => v.instanceId)).toEqual(['i-a', 'i-b']);
  });

  it('uses the time fleetward launched or adopted the instance, not the EC2 launch time', () => {
    const members = [
      member('i-1', A1, { launchTimeMs: 1, launchedAtMs: 8_000 }),
      member('i-2', B1, { launchTimeMs: 9_000, launchedAtMs: 2_000 }),
    ];
    expect(selectVictims(members, 1).map((v) => v.instanceId)).toEqual(['i-2']);
  });

  it('never removes more units than the surplus', () => {
    const members = [member('i-big', A1, { units: 4, launchedAtMs: 1 }), member('i-mid', A1, { units: 2 }), member('i-small', B1, { units: 1 })];
    expect(selectVictims(members, 3)).toEqual([
      { instanceId: 'i-mid', why: 'us-east-1a has the most instances (2)' },
      { instanceId: 'i-small', why: 'it is the oldest in a balanced fleet' },
    ]);
  });

  it('removes nothing when no instance fits the surplus', () => {
    const members = [member('i-1', A1, { units: 4 }), member('i-2', B1, { units: 2, health: 'impaired' })];
    expect(selectVictims(members, 1)).toEqual([]);
  });

  it('removes nothing for no surplus', () => {
    expect(selectVictims([member('i-1', A1, { health: 'impaired' })], 0)).toEqual([]);
    expect(selectVictims([member('i-1', A1, { health: 'impaired' })], -2)).toEqual([]);
  });

  it('stops when candidates run out', () => {
    const members = [member('i-1', A1), member('i-2', B1)];
    expect(selectVictims(members, 5).map((v) => v.instanceId)).toEqual(['i-1', 'i-2']);
  });
});

describe('selectVictims: why, counted over the whole fleet', () => {
  it('names the crowded zone even when the other zone has only protected instances', () => {
    const members = [member('i-1', A1), member('i-2', A1), member('i-3', A1), member('i-4', B1, { protected: true })];
    expect(selectVictims(members, 1)).toEqual([{ instanceId: 'i-1', why: 'us-east-1a has the most instances (3)' }]);
  });
});
