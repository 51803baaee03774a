// Properties of the gates and optimization methods on random fleets (fixed seed): no voluntary
// drain ever names a do-not-disrupt instance unless a roll is past its deadline; consolidation
// never takes the fleet below desired; recommend-only drains exactly what a fleet without the
// optimization section drains (it changes nothing); every act-mode move with a saving passed the gates.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../functions/core/config.ts';
import { optimizationConfigSchema } from '../../functions/core/optimization-config.ts';
import { type Member, sumUnits } from '../../functions/core/placement.ts';
import { disruptionBudgets } from '../../functions/core/step/disruption/budget.ts';
import { disrupt } from '../../functions/core/step/disruption/index.ts';
import { consolidation } from '../../functions/core/step/disruption/consolidation.ts';
import { LONG_AGO, fleet } from './step-fixtures.ts';
import { observedInstance } from './fixtures.ts';

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const TYPES = [
  { type: 'm7g.large', weight: 1 },
  { type: 'm7g.xlarge', weight: 2 },
  { type: 'c7g.large', weight: 1 },
  { type: 'x9.unpriced', weight: 3 },
];
const PRICES = { 'm7g.large': 0.1, 'm7g.xlarge': 0.2, 'c7g.large': 0.05 };

const memberArb = fc.record({
  zone: fc.integer({ min: 0, max: 2 }),
  type: fc.integer({ min: 0, max: 3 }),
  age: fc.integer({ min: 0, max: 20 }),
  protected: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  doNotDisrupt: fc.boolean(),
  pending: fc.boolean(),
  imageOld: fc.boolean(),
});

const fleetArb = fc.record({
  members: fc.array(memberArb, { minLength: 0, maxLength: 30 }),
  desiredShare: fc.double({ min: 0, max: 1.2, noNaN: true }),
  budget: fc.option(fc.integer({ min: 0, max: 5 })),
  minSavings: fc.integer({ min: 0, max: 200 }),
  perDisruption: fc.integer({ min: 0, max: 200 }),
  maxSkew: fc.integer({ min: 1, max: 3 }),
  roll: fc.option(fc.boolean()),
});

type Case = typeof fleetArb extends fc.Arbitrary<infer T> ? T : never;

function build(c: Case, mode: 'recommend-only' | 'act' | undefined) {
  const members: Member[] = c.members.map((m, i) => {
    const zone = ZONES[m.zone] ?? 'us-east-1a';
    const choice = TYPES[m.type] ?? TYPES[0];
    const observed = observedInstance(`i-${String(i).padStart(3, '0')}`, { subnetId: `subnet-${zone}`, availabilityZone: zone }, LONG_AGO, {
      instanceType: choice?.type ?? 'm7g.large',
      protected: m.protected,
      ...(m.doNotDisrupt ? { doNotDisrupt: true } : {}),
      state: m.pending ? 'pending' : 'running',
      imageId: m.imageOld ? 'ami-old' : 'ami-new',
    });
    return { ...observed, units: choice?.weight ?? 1, launchedAtMs: LONG_AGO + m.age };
  });
  const base = fleet({ instanceTypes: TYPES, ...(c.budget === null ? {} : { disruption: { budgets: [{ max: c.budget }] } }) });
  const optimization = optimizationConfigSchema.parse({ mode: mode ?? 'act', minSavings: { monthlyUsd: c.minSavings, percent: 0 }, minSavingsPerDisruption: { monthlyUsd: c.perDisruption }, zoneRebalance: { maxSkew: c.maxSkew } });
  const config: FleetConfig = mode === undefined ? base : { ...base, optimization };
  const desired = Math.floor(sumUnits(members) * c.desiredShare);
  const roll = c.roll === null ? {} : { roll: { targetImageId: 'ami-new', count: members.length, forced: c.roll, why: 'rolling onto ami-new' } };
  return {
    members,
    desired,
    input: { fleet: config, nowMs: LONG_AGO, desired, members, evacuating: { zones: [], subnets: [] }, maintenanceWindow: { open: false, why: 'the fleet has no maintenanceWindows' }, zones: ZONES, hourlyPrices: PRICES, budgets: disruptionBudgets(config, members.length), disrupting: 0, ...roll },
  };
}

const PARAMETERS = { seed: 15, numRuns: 400 };

describe('the gates and optimization methods, on random fleets', () => {
  it('never drain a do-not-disrupt instance but for a roll past its deadline', () => {
    fc.assert(
      fc.property(fleetArb, (c) => {
        const { members, input } = build(c, 'act');
        const tagged = new Set(members.filter((m) => m.doNotDisrupt === true).map((m) => m.instanceId));
        const forced = input.roll?.forced === true;
        for (const drain of disrupt(input).drains) {
          if (tagged.has(drain.instanceId)) expect(forced && drain.reason.startsWith('rolling onto ami-new')).toBe(true);
        }
      }),
      PARAMETERS,
    );
  });

  it('consolidation never proposes going below desired, and each of its moves carries a saving', () => {
    fc.assert(
      fc.property(fleetArb, (c) => {
        const { members, desired, input } = build(c, 'act');
        const moves = consolidation.propose(input).moves;
        const byId = new Map(members.map((m) => [m.instanceId, m]));
        const removed = moves.reduce((total, move) => total + (byId.get(move.instanceId)?.units ?? 0), 0);
        expect(sumUnits(members) - removed).toBeGreaterThanOrEqual(Math.min(desired, sumUnits(members)));
        expect(moves.every((move) => move.monthlySavingUsd !== undefined && move.monthlySavingUsd > 0 && !byId.get(move.instanceId)?.protected)).toBe(true);
      }),
      PARAMETERS,
    );
  });

  it('recommend-only drains exactly what a fleet without the optimization section drains', () => {
    fc.assert(
      fc.property(fleetArb, (c) => {
        expect(disrupt(build(c, 'recommend-only').input).drains).toEqual(disrupt(build(c, undefined).input).drains);
      }),
      PARAMETERS,
    );
  });

  it('in act mode, every move with a saving met both savings thresholds', () => {
    fc.assert(
      fc.property(fleetArb, (c) => {
        for (const drain of disrupt(build(c, 'act').input).drains as readonly { monthlySavingUsd?: number; keepCapacity: boolean }[]) {
          if (drain.monthlySavingUsd === undefined) continue;
          expect(drain.monthlySavingUsd).toBeGreaterThanOrEqual(c.minSavings);
          expect(drain.monthlySavingUsd / (drain.keepCapacity ? 2 : 1)).toBeGreaterThanOrEqual(c.perDisruption);
        }
      }),
      PARAMETERS,
    );
  });
});
