// What a step teaches the mix: a Spot interruption warning closes its Spot pool to launches for a
// while (keeping what still runs there), a type that cannot hold its weight of the fleet's p95
// load per unit leaves the mix; exact notes; through decideWithMix, the failover then lands on
// another Spot pool and an under-sized type is no longer launched.
import { beforeAll, describe, expect, it } from 'vitest';
import { type MixPorts, decideWithMix } from '../../../functions/control/step-mix.ts';
import type { FleetConfig } from '../../../functions/core/config.ts';
import { mixConfigSchema } from '../../../functions/core/mix/config.ts';
import { SPOT_INTERRUPTION_EXCLUSION_MS, type StepExclusionInput, keepRunning, stepExclusions } from '../../../functions/core/mix/step-exclusions.ts';
import { rightsizingSchema } from '../../../functions/core/rightsizing/config.ts';
import type { RightsizingView } from '../../../functions/core/rightsizing/view.ts';
import { FixedPriceFeed, MemoryPriceCache } from '../../../functions/memory/prices.ts';
import type { LinearSolver } from '../../../functions/ports/solver.ts';
import { loadHighsSolver } from '../../../functions/solver/highs-solver.ts';
import { NOW, SUBNET_A, SUBNET_B, fleet, instance, record, status, stepInput } from '../step-fixtures.ts';

const DAY = 288;
const steady = (percent: number) => Array.from({ length: DAY }, () => percent);
const TYPES = [
  { type: 'm7g.medium', weight: 1 },
  { type: 'm7g.large', weight: 1 },
];
const VIEW: RightsizingView = {
  sizes: { 'm7g.medium': { vcpus: 1, memoryMiB: 4096 }, 'm7g.large': { vcpus: 2, memoryMiB: 8192 } },
  hourlyUsd: { 'm7g.medium': 0.0408, 'm7g.large': 0.0816 },
  usage: { 'i-a': { cpu: steady(40), memory: steady(20) }, 'i-b': { cpu: steady(20), memory: steady(10) } },
  priceSource: 'test prices',
};
const mixFleet = (extra: Partial<FleetConfig> = {}): FleetConfig => ({
  ...fleet({ capacity: { min: 2, max: 10 }, instanceTypes: TYPES }),
  mix: mixConfigSchema.parse({ maxSpotShare: 1 }),
  rightsizing: rightsizingSchema.parse({ windowDays: 1 }),
  ...extra,
});
const large = [instance('i-a', SUBNET_A, { instanceType: 'm7g.large' }), instance('i-b', SUBNET_B, { instanceType: 'm7g.large' })];
const spotMedium = [instance('i-a', SUBNET_A, { instanceType: 'm7g.medium', market: 'spot' }), instance('i-b', SUBNET_A, { instanceType: 'm7g.medium', market: 'spot' })];
const warning = (instanceId: string) => ({ instanceId, kind: 'spot-interruption' as const, detail: 'instance action terminate' });
const base = (extra: Partial<StepExclusionInput>): StepExclusionInput => ({ fleet: mixFleet(), observed: large, subnets: [SUBNET_A, SUBNET_B], nowMs: NOW, ...extra });
const UNDER =
  "rightsizing leaves m7g.medium out of the mix for 1 days (rightsizing): at weight 1 it would carry 0.80 vCPUs and 1.6 GiB of the fleet's load (the most per unit of 2 sized instance(s)) at p95 over 1 days: 80.0% of it (> 70%, rightsizing.maxUtilizationPercent)";

describe('stepExclusions', () => {
  it.each<[string, StepExclusionInput, object[], string[]]>([
    ['nothing without a mix', base({ fleet: { ...mixFleet(), mix: undefined } as FleetConfig, rightsizing: VIEW }), [], []],
    ['nothing without a verdict or a warning', base({}), [], []],
    [
      'a type that cannot hold its weight of the p95 load per unit leaves every zone, for the window',
      base({ rightsizing: VIEW }),
      ['us-east-1a', 'us-east-1b'].map((zone) => ({ type: 'm7g.medium', zone, untilMs: NOW + 86_400_000, reason: 'rightsizing' })),
      [UNDER],
    ],
    [
      'no type is left out when none holds the load',
      base({ rightsizing: { ...VIEW, usage: { 'i-a': { cpu: steady(90), memory: steady(20) } } } }),
      [],
      ['rightsizing leaves no type out of the mix: none of its types holds the fleet\'s p95 load per unit at <= 70% (rightsizing.maxUtilizationPercent)'],
    ],
    [
      'a warned Spot instance closes its pool for a while; an on-demand one does not',
      base({ observed: [...spotMedium, ...large.map((i) => ({ ...i, instanceId: `${i.instanceId}-od` }))], signals: [warning('i-a'), warning('i-a-od')] }),
      [{ type: 'm7g.medium', zone: 'us-east-1a', market: 'spot', untilMs: NOW + SPOT_INTERRUPTION_EXCLUSION_MS, reason: 'spot-interruption' }],
      ['spot interruption warning for i-a: the mix leaves out m7g.medium spot in us-east-1a for 5 min (spot-interruption)'],
    ],
  ])('%s', (_name, input, exclusions, notes) => {
    const learned = stepExclusions(input);
    expect(learned.exclusions).toEqual(exclusions);
    expect(learned.notes).toEqual(notes);
  });

  it('keeps the pool\'s running instances that were not warned in the mix\'s count', () => {
    const input = base({ observed: spotMedium, signals: [warning('i-a')] });
    expect(keepRunning(stepExclusions(input).exclusions, input).map((e) => e.keep)).toEqual([1]);
  });
});

const PRICES = {
  onDemand: { 'm7g.medium': 0.0408, 'm7g.large': 0.0816 },
  spot: { 'm7g.medium': { 'us-east-1a': 0.012, 'us-east-1b': 0.013 }, 'm7g.large': { 'us-east-1a': 0.03, 'us-east-1b': 0.031 } },
};
let solver: LinearSolver;
beforeAll(async () => {
  solver = await loadHighsSolver();
});
const ports = (): MixPorts => ({ prices: { feed: new FixedPriceFeed(PRICES), cache: new MemoryPriceCache() }, region: 'us-east-1', solver: async () => solver });

describe('the mix with what the step learned', () => {
  it('solves without a type that cannot hold the load per unit, and stores the exclusion', async () => {
    const decision = await decideWithMix(ports(), { ...stepInput({ observed: large, fleet: mixFleet(), rightsizing: VIEW }), status: status(2) });
    expect(decision.notes).toContain(UNDER);
    expect(decision.notes.find((n) => n.startsWith('mix for'))).not.toContain('m7g.medium');
    expect(decision.nextStatus.mixExclusions?.map((e) => `${e.type} ${e.zone} ${e.reason}`)).toEqual(['m7g.medium us-east-1a rightsizing', 'm7g.medium us-east-1b rightsizing']);
  });

  it('replaces an interrupted Spot instance on another Spot pool, not on-demand', async () => {
    const failing = { ...mixFleet({ rightsizing: undefined } as Partial<FleetConfig>), failover: { ...fleet().failover, enabled: true } };
    const observed = [instance('i-a', SUBNET_A, { instanceType: 'm7g.medium', market: 'spot' }), instance('i-b', SUBNET_B, { instanceType: 'm7g.medium', market: 'spot' })];
    const input = { ...stepInput({ observed, fleet: failing, signals: [warning('i-a')] }), records: observed.map((o) => record(o.instanceId)), status: status(2) };
    const decision = await decideWithMix(ports(), input);
    const failover = decision.commands.find((c) => c.kind === 'failover');
    expect(failover?.kind === 'failover' ? [failover.plan.instanceType, failover.plan.market, failover.plan.availabilityZone] : undefined).toEqual(['m7g.large', 'spot', 'us-east-1a']);
    expect(failover?.reason).toContain('the mix was solved without m7g.medium spot in us-east-1a (spot-interruption)');
  });
});
