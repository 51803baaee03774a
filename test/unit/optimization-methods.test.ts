// The optimization methods on their own: consolidation (empty instances first, then the most
// expensive that fit in the surplus, its estimated saving on each move) and zone rebalance
// (replacement first from the fullest zone while zones drift beyond maxSkew), with exact reasons.
import { describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../functions/core/config.ts';
import { optimizationConfigSchema } from '../../functions/core/optimization-config.ts';
import type { Member } from '../../functions/core/placement.ts';
import { decideStep } from '../../functions/core/step/index.ts';
import { consolidation } from '../../functions/core/step/disruption/consolidation.ts';
import type { DisruptionContext } from '../../functions/core/step/disruption/method.ts';
import { zoneRebalance } from '../../functions/core/step/disruption/zone-rebalance.ts';
import { LONG_AGO, SUBNET_A, SUBNET_B, cpu, fleet, instance, record, status, stepInput } from './step-fixtures.ts';

const SUBNET_C = { subnetId: 'subnet-0c', availabilityZone: 'us-east-1c' };
const PRICES = { 'm7g.large': 0.1, 'm7g.xlarge': 0.2, 'c7g.large': 0.05 };
const optimized = (raw: unknown = {}): FleetConfig => ({ ...fleet(), targetGroups: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef'], optimization: optimizationConfigSchema.parse(raw) });
let age = 0;
const member = (instanceId: string, extra: Partial<Member> = {}): Member => {
  age += 1;
  return { ...instance(instanceId, SUBNET_A, { targetHealth: 'healthy' }), units: 1, launchedAtMs: LONG_AGO + age, ...extra };
};
const context = (members: readonly Member[], desired: number, fleetConfig = optimized()): DisruptionContext => ({
  fleet: fleetConfig,
  nowMs: LONG_AGO,
  desired,
  members,
  evacuating: { zones: [], subnets: [] },
  maintenanceWindow: { open: false, why: 'the fleet has no maintenanceWindows' },
  zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  hourlyPrices: PRICES,
});
const summary = (proposal: ReturnType<typeof consolidation.propose>) => ({
  moves: proposal.moves.map((m) => [m.instanceId, m.reason, m.keepCapacity, m.monthlySavingUsd === undefined ? undefined : Math.round(m.monthlySavingUsd * 100) / 100]),
  notes: proposal.notes,
});

describe('consolidation', () => {
  it.each([
    {
      name: 'nothing without the optimization section',
      members: [member('i-1'), member('i-2')],
      desired: 1,
      fleet: fleet(),
      expected: { moves: [], notes: [] },
    },
    {
      name: 'nothing at or below desired',
      members: [member('i-1'), member('i-2')],
      desired: 2,
      expected: { moves: [], notes: [] },
    },
    {
      name: 'empty instances first (pending, then not registered), then the most expensive that fit',
      members: [member('i-cheap', { instanceType: 'c7g.large' }), member('i-big', { instanceType: 'm7g.xlarge', units: 2 }), member('i-new', { state: 'pending' }), member('i-unreg', { targetHealth: 'not-registered', instanceType: 'c7g.large' }), member('i-mid')],
      desired: 2,
      expected: {
        moves: [
          ['i-new', 'capacity 6 is above desired 2; it is empty (pending: it serves no load yet) (m7g.large, 1 unit; us-east-1a, 5 instances there)', false, 73],
          ['i-unreg', 'capacity 6 is above desired 2; it is empty (not registered in the target groups: it serves no requests) (c7g.large, 1 unit; us-east-1a, 4 instances there)', false, 36.5],
          ['i-big', 'capacity 6 is above desired 2; it costs the most of those that fit in the 2 units left (m7g.xlarge, 2 units; us-east-1a, 3 instances there)', false, 146],
        ],
        notes: [],
      },
    },
    {
      name: 'skips what does not fit, protected instances, and notes unpriced types',
      members: [member('i-big', { instanceType: 'm7g.xlarge', units: 2 }), member('i-kept', { protected: true }), member('i-odd', { instanceType: 'x9.huge' }), member('i-cheap', { instanceType: 'c7g.large' })],
      desired: 4,
      expected: {
        moves: [['i-cheap', 'capacity 5 is above desired 4; it costs the most of those that fit in the 1 unit left (c7g.large, 1 unit; us-east-1a, 4 instances there)', false, 36.5]],
        notes: ['consolidation: no price for x9.huge (1 instance(s)): left to scale-in'],
      },
    },
  ])('$name', ({ members, desired, fleet: fleetConfig, expected }) => {
    expect(summary(consolidation.propose(context(members, desired, fleetConfig)))).toEqual(expected);
  });

  it('takes equally costly instances from the zone with the most, so the zones stay balanced', () => {
    const inZone = (id: string, subnet: typeof SUBNET_A) => member(id, { subnetId: subnet.subnetId, availabilityZone: subnet.availabilityZone });
    const members = [inZone('i-a1', SUBNET_A), inZone('i-a2', SUBNET_A), inZone('i-b1', SUBNET_B), inZone('i-b2', SUBNET_B), inZone('i-b3', SUBNET_B), inZone('i-c1', SUBNET_C)];
    expect(summary(consolidation.propose(context(members, 3))).moves.map(([id, reason]) => [id, reason])).toEqual([
      ['i-b1', 'capacity 6 is above desired 3; it costs the most of those that fit in the 3 units left (m7g.large, 1 unit; us-east-1b, 3 instances there)'],
      ['i-a1', 'capacity 6 is above desired 3; it costs the most of those that fit in the 2 units left (m7g.large, 1 unit; us-east-1a, 2 instances there)'],
      ['i-b2', 'capacity 6 is above desired 3; it costs the most of those that fit in the 1 unit left (m7g.large, 1 unit; us-east-1b, 2 instances there)'],
    ]);
  });

  it('treats a not-registered instance as empty only when the fleet has target groups', () => {
    const members = [member('i-1'), member('i-2', { targetHealth: 'not-registered', instanceType: 'c7g.large' })];
    expect(summary(consolidation.propose(context(members, 1, { ...optimized(), targetGroups: [] }))).moves).toEqual([
      ['i-1', 'capacity 2 is above desired 1; it costs the most of those that fit in the 1 unit left (m7g.large, 1 unit; us-east-1a, 2 instances there)', false, 73],
    ]);
  });
});

describe('zone rebalance', () => {
  const inZone = (id: string, subnet: typeof SUBNET_A, extra: Partial<Member> = {}) => member(id, { subnetId: subnet.subnetId, availabilityZone: subnet.availabilityZone, ...extra });

  it.each([
    {
      name: 'nothing within maxSkew',
      members: [inZone('i-a1', SUBNET_A), inZone('i-a2', SUBNET_A), inZone('i-b1', SUBNET_B), inZone('i-c1', SUBNET_C)],
      maxSkew: 1,
      expected: { moves: [], notes: [] },
    },
    {
      name: 'the oldest of the fullest zone, replaced first into the emptiest, until within maxSkew',
      members: [inZone('i-a1', SUBNET_A), inZone('i-a2', SUBNET_A), inZone('i-a3', SUBNET_A), inZone('i-a4', SUBNET_A), inZone('i-b1', SUBNET_B)],
      maxSkew: 1,
      expected: {
        moves: [
          ['i-a1', 'zones drift apart: us-east-1a has 4 instances and us-east-1c 0, 4 apart beyond optimization.zoneRebalance.maxSkew 1; its replacement goes to us-east-1c', true, undefined],
          ['i-a2', 'zones drift apart: us-east-1a has 3 instances and us-east-1b 1, 2 apart beyond optimization.zoneRebalance.maxSkew 1; its replacement goes to us-east-1b', true, undefined],
        ],
        notes: [],
      },
    },
    {
      name: 'a wider maxSkew tolerates more',
      members: [inZone('i-a1', SUBNET_A), inZone('i-a2', SUBNET_A), inZone('i-a3', SUBNET_A), inZone('i-b1', SUBNET_B), inZone('i-c1', SUBNET_C)],
      maxSkew: 2,
      expected: { moves: [], notes: [] },
    },
    {
      name: 'protected instances stay, and the note says so',
      members: [inZone('i-a1', SUBNET_A, { protected: true }), inZone('i-a2', SUBNET_A, { protected: true }), inZone('i-a3', SUBNET_A, { protected: true }), inZone('i-b1', SUBNET_B), inZone('i-c1', SUBNET_C)],
      maxSkew: 1,
      expected: { moves: [], notes: ['zone-rebalance: us-east-1a has 3 instances and us-east-1b 1, but none left in us-east-1a may be moved (protected)'] },
    },
  ])('$name', ({ members, maxSkew, expected }) => {
    expect(summary(zoneRebalance.propose(context(members, members.length, optimized({ zoneRebalance: { maxSkew } }))))).toEqual(expected);
  });

  it('waits while an instance is out of service: its replacement fills the emptiest zone anyway', () => {
    const members = [inZone('i-a1', SUBNET_A), inZone('i-a2', SUBNET_A), inZone('i-a3', SUBNET_A), inZone('i-b1', SUBNET_B)];
    expect(zoneRebalance.propose({ ...context(members, 4), zones: ['us-east-1a', 'us-east-1b'] }).moves).toHaveLength(1);
    expect(zoneRebalance.propose({ ...context(members, 4), zones: ['us-east-1a', 'us-east-1b'], disrupting: 1 })).toEqual({ moves: [], notes: [] });
  });

  it('counts only the zones launches may use (a degraded or evacuated zone is left out)', () => {
    const members = [inZone('i-a1', SUBNET_A), inZone('i-a2', SUBNET_A), inZone('i-a3', SUBNET_A), inZone('i-b1', SUBNET_B)];
    expect(zoneRebalance.propose({ ...context(members, 4), zones: ['us-east-1b', 'us-east-1c'] }).moves).toEqual([]);
    expect(zoneRebalance.propose({ ...context(members, 4), zones: ['us-east-1a'] }).moves).toEqual([]);
  });

  it('acts through the step: drains the oldest of the fuller zone once its replacement in the other serves', () => {
    const observed = [instance('i-a1', SUBNET_A), instance('i-a2', SUBNET_A), instance('i-a3', SUBNET_A), instance('i-b1', SUBNET_B)];
    const records = observed.map((o, i) => record(o.instanceId, { launchedAtMs: LONG_AGO + i }));
    const decision = decideStep(stepInput({ fleet: { ...fleet(), optimization: optimizationConfigSchema.parse({ mode: 'act' }) }, status: status(4), observed, records, metric: cpu(50) }));
    expect(decision.commands.map((c) => [c.id, c.reason])).toEqual([
      ['web/42/launch/subnet-0b', 'capacity 3 is below desired 4: 1 instance(s) in us-east-1b to balance zones'],
      [
        'web/42/advance/i-a1',
        'zones drift apart: us-east-1a has 3 instances and us-east-1b 1, 2 apart beyond optimization.zoneRebalance.maxSkew 1; its replacement goes to us-east-1b; no disruption budget holds zone-rebalance back; waiting for capacity first: 3 of desired 4 in service without it',
      ],
    ]);
  });
});
