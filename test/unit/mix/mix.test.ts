// The exact mix on HiGHS: each constraint that shapes a mix is named with its numbers, an
// infeasible problem says which constraint, and the answer matches enumeration on small problems.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { solveMix } from '../../../functions/control/solve-mix.ts';
import type { MixOffer, MixPolicy, MixProblem } from '../../../functions/core/mix/index.ts';
import type { LinearSolver } from '../../../functions/ports/solver.ts';
import { loadHighsSolver } from '../../../functions/solver/highs-solver.ts';
import { OPEN_POLICY, bruteForceCost, costOf, greedyMix, violations } from './mix-checks.ts';

let solver: LinearSolver;
beforeAll(async () => {
  solver = await loadHighsSolver();
});

const offer = (type: string, zone: string, onDemandPerHour: number, spotPerHour?: number): MixOffer =>
  spotPerHour === undefined ? { type, zone, weight: 2, onDemandPerHour } : { type, zone, weight: 2, onDemandPerHour, spotPerHour };

/** Two types in two zones, on-demand only: c7g.large the cheaper. */
const OFFERS = ['a', 'b'].flatMap((zone) => [offer('m7g.large', zone, 0.08), offer('c7g.large', zone, 0.07)]);
/** The same with Spot: m7g.large the cheapest on Spot. */
const SPOT_OFFERS = ['a', 'b'].flatMap((zone) => [offer('m7g.large', zone, 0.08, 0.03), offer('c7g.large', zone, 0.07, 0.04)]);
const excludeAll = (offers: readonly MixOffer[], market?: 'on-demand') =>
  offers.map((o) => (market === undefined ? { type: o.type, zone: o.zone, untilMs: 2_000 } : { type: o.type, zone: o.zone, market, untilMs: 2_000 }));

const problem = (policy: Partial<MixPolicy>, changes: Partial<MixProblem> = {}): MixProblem => ({
  neededUnits: 8,
  offers: OFFERS,
  exclusions: [],
  reservations: [],
  policy: { ...OPEN_POLICY, ...policy },
  nowMs: 1_000,
  ...changes,
});

const MIX = 'mix for 8 units:';
const PROVEN = 'proven optimal';

describe('solveMix names the constraint that shaped the mix', () => {
  it.each<[string, MixProblem, string]>([
    ['no limit: the cheapest type, zones balanced at no cost', problem({}),
      `${MIX} 2 x c7g.large on-demand in a, 2 x c7g.large on-demand in b = 8 units at $0.2800/h (LP bound $0.2800/h, ${PROVEN}); no limit binding`],
    ['on-demand base', problem({ onDemandBaseUnits: 4 }, { offers: SPOT_OFFERS }),
      `${MIX} 2 x c7g.large on-demand in a, 2 x m7g.large spot in b = 8 units at $0.2000/h (LP bound $0.2000/h, ${PROVEN}); on-demand base 4 units held on-demand at 4 units`],
    ['max Spot share', problem({ maxSpotShare: 0.5 }, { offers: SPOT_OFFERS }),
      `${MIX} 2 x c7g.large on-demand in a, 2 x m7g.large spot in b = 8 units at $0.2000/h (LP bound $0.2000/h, ${PROVEN}); max Spot share 50% held Spot at 4 units`],
    ['diversification: the cheap type held, not the dear one', problem({ maxTypeShare: 0.5 }),
      `${MIX} 2 x c7g.large on-demand in a, 2 x m7g.large on-demand in b = 8 units at $0.3000/h (LP bound $0.3000/h, ${PROVEN}); diversification cap 50% held c7g.large at 4 units`],
    ['type+zone cap', problem({ maxTypeZoneShare: 0.25 }),
      `${MIX} 1 x m7g.large on-demand in a, 1 x c7g.large on-demand in a, 1 x m7g.large on-demand in b, 1 x c7g.large on-demand in b = 8 units at $0.3000/h (LP bound $0.3000/h, ${PROVEN}); type+zone cap 25% held c7g.large in a at 2 units; type+zone cap 25% held c7g.large in b at 2 units`],
    ['zone balance, balanced-only, against a cheaper zone', problem({ zoneBalance: 'balanced-only' }, { offers: [offer('c7g.large', 'a', 0.07), offer('c7g.large', 'b', 0.09)] }),
      `${MIX} 2 x c7g.large on-demand in a, 2 x c7g.large on-demand in b = 8 units at $0.3200/h (LP bound $0.3100/h, ${PROVEN}); zone balance (balanced-only) held 2 zones within 2 units (a 4, b 4)`],
    ['an open reservation is used first', problem({}, { reservations: [{ type: 'm7g.large', zone: 'b', available: 1 }] }),
      `${MIX} 2 x c7g.large on-demand in a, 1 x m7g.large reserved in b, 1 x c7g.large on-demand in b = 8 units at $0.2100/h (LP bound $0.2100/h, ${PROVEN}); no limit binding`],
    ['reservations unused when the policy says so', problem({ useReservations: false }, { reservations: [{ type: 'm7g.large', zone: 'b', available: 1 }] }),
      `${MIX} 2 x c7g.large on-demand in a, 2 x c7g.large on-demand in b = 8 units at $0.2800/h (LP bound $0.2800/h, ${PROVEN}); no limit binding`],
    ['a capacity error excludes its type+zone', problem({}, { exclusions: [{ type: 'c7g.large', zone: 'a', untilMs: 2_000 }] }),
      `${MIX} 2 x m7g.large on-demand in a, 2 x c7g.large on-demand in b = 8 units at $0.3000/h (LP bound $0.2950/h, ${PROVEN}); zone balance (best-effort) held 2 zones within 2 units (a 4, b 4)`],
    ['an expired exclusion excludes nothing', problem({}, { exclusions: [{ type: 'c7g.large', zone: 'a', untilMs: 1_000 }] }),
      `${MIX} 2 x c7g.large on-demand in a, 2 x c7g.large on-demand in b = 8 units at $0.2800/h (LP bound $0.2800/h, ${PROVEN}); no limit binding`],
    ['a Spot capacity error leaves on-demand open', problem({}, { offers: SPOT_OFFERS, exclusions: [{ type: 'm7g.large', zone: 'a', market: 'spot', untilMs: 2_000 }] }),
      `${MIX} 2 x c7g.large spot in a, 2 x m7g.large spot in b = 8 units at $0.1400/h (LP bound $0.1350/h, ${PROVEN}); zone balance (best-effort) held 2 zones within 2 units (a 4, b 4)`],
    ['best-effort balances only the zones still open', problem({}, { exclusions: excludeAll(OFFERS.filter((o) => o.zone === 'b')) }),
      `${MIX} 4 x c7g.large on-demand in a = 8 units at $0.2800/h (LP bound $0.2800/h, ${PROVEN}); no limit binding`],
  ])('%s', (_name, input, reason) => {
    const mix = solveMix(input, solver);
    expect(mix.reason).toBe(reason);
    expect(mix.feasible && violations(input, mix.allocations)).toEqual([]);
  });
});

describe('an infeasible mix says which constraint, never throws', () => {
  it.each<[string, MixProblem, string]>([
    ['every type+zone excluded', problem({}, { exclusions: excludeAll(OFFERS) }),
      'infeasible: need 8 units but no type+zone is open (4 offers, 4 capacity-error exclusions, 0 reservation cells)'],
    ['diversification caps below the need', problem({ maxTypeShare: 0.25 }),
      'infeasible: diversification (type 25%, type+zone 100% of 8 units) cannot be met for 8 units'],
    ['balanced-only with a zone closed', problem({ zoneBalance: 'balanced-only' }, { exclusions: excludeAll(OFFERS.filter((o) => o.zone === 'b')) }),
      'infeasible: zone balance (balanced-only) over a, b within 2 units cannot be met for 8 units'],
    ['max Spot share with on-demand closed', problem({ maxSpotShare: 0.5 }, { offers: SPOT_OFFERS, exclusions: excludeAll(SPOT_OFFERS, 'on-demand') }),
      'infeasible: max Spot share 50% = 4 units cannot be met for 8 units'],
    ['on-demand base with on-demand closed', problem({ onDemandBaseUnits: 4 }, { offers: SPOT_OFFERS, exclusions: excludeAll(SPOT_OFFERS, 'on-demand') }),
      'infeasible: on-demand base 4 units (0 on-demand cells open) cannot be met for 8 units'],
  ])('%s', (_name, input, reason) => {
    expect(solveMix(input, solver)).toEqual({ feasible: false, reason });
  });

  it('two families in conflict are both named', () => {
    // Zones b and c have only c7g.large, which may hold 6 of the 12 units: a can then hold at most 5.
    const offers = [offer('c7g.large', 'a', 0.07), offer('c7g.large', 'b', 0.07), offer('c7g.large', 'c', 0.07), offer('m7g.large', 'a', 0.08)];
    const input = problem({ maxTypeShare: 0.5, zoneBalance: 'balanced-only' }, { offers, neededUnits: 12 });
    expect(solveMix(input, solver)).toEqual({
      feasible: false,
      reason: 'infeasible: diversification (type 50%, type+zone 100% of 12 units) and zone balance (balanced-only) over a, b, c within 2 units cannot all be met for 12 units (relaxing any one of them would do)',
    });
  });
});

describe('solveMix with a solver that stops early', () => {
  const stopped = (values: Record<string, number>): LinearSolver => ({
    solve: (program) => (program.includes('General') ? { status: 'stopped', objective: 0.3, values, detail: 'Time limit reached' } : { status: 'optimal', objective: 0.28, values, detail: 'Optimal' }),
  });

  it('reports the best mix found with its gap to the LP bound', () => {
    const mix = solveMix(problem({}), stopped({ x0: 2, x3: 2 }), 1);
    expect(mix).toMatchObject({ feasible: true, costPerHour: 0.3, lowerBoundPerHour: 0.28, gap: 0.066667 });
    expect(mix.reason).toContain('(LP bound $0.2800/h, gap 6.67%)');
  });

  it('answers infeasible, naming the time limit, when it found nothing', () => {
    expect(solveMix(problem({}), stopped({}), 1)).toEqual({ feasible: false, reason: 'infeasible: no mix found within 1 s (Time limit reached)' });
  });
});

/** A weight is the type's, in every zone. */
const weighted = (offers: readonly MixOffer[], weights: { m: number; c: number }) => offers.map((o) => ({ ...o, weight: o.type === 'm7g.large' ? weights.m : weights.c }));

const smallProblem = fc.record({
  weights: fc.record({ m: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 3 }) }),
  neededUnits: fc.integer({ min: 1, max: 6 }),
  offers: fc.uniqueArray(
    fc.record({
      type: fc.constantFrom('m7g.large', 'c7g.large'),
      zone: fc.constantFrom('a', 'b'),
      weight: fc.constant(1),
      onDemandPerHour: fc.integer({ min: 10, max: 200 }).map((cents) => cents / 1000),
      spotPerHour: fc.option(fc.integer({ min: 3, max: 100 }).map((cents) => cents / 1000), { nil: undefined }),
    }).map((o) => (o.spotPerHour === undefined ? { type: o.type, zone: o.zone, weight: o.weight, onDemandPerHour: o.onDemandPerHour } : o)),
    { minLength: 1, maxLength: 4, selector: (o) => `${o.type} ${o.zone}` },
  ),
  exclusions: fc.array(fc.record({ type: fc.constantFrom('m7g.large', 'c7g.large'), zone: fc.constantFrom('a', 'b'), untilMs: fc.constantFrom(500, 2_000) }), { maxLength: 2 }),
  reservations: fc.array(fc.record({ type: fc.constantFrom('m7g.large', 'c7g.large'), zone: fc.constantFrom('a', 'b'), available: fc.integer({ min: 1, max: 2 }) }), { maxLength: 1 }),
  policy: fc.record({
    onDemandBaseUnits: fc.integer({ min: 0, max: 4 }),
    maxSpotShare: fc.constantFrom(0, 0.5, 1),
    maxTypeShare: fc.constantFrom(0.4, 0.6, 1),
    maxTypeZoneShare: fc.constantFrom(0.3, 1),
    zoneBalance: fc.constantFrom('balanced-only' as const, 'best-effort' as const),
    useReservations: fc.boolean(),
  }),
  nowMs: fc.constant(1_000),
}).map(({ weights, ...input }): MixProblem => ({ ...input, offers: weighted(input.offers, weights) }));

describe('the mix against independent definitions', () => {
  it('costs exactly the enumerated optimum, and is infeasible exactly when enumeration finds nothing', () => {
    fc.assert(
      fc.property(smallProblem, (input) => {
        const mix = solveMix(input, solver);
        const optimum = bruteForceCost(input);
        if (optimum === undefined) return !mix.feasible && mix.reason.startsWith('infeasible: ');
        return mix.feasible && Math.abs(mix.costPerHour - optimum) < 1e-5 && mix.gap === 0 && violations(input, mix.allocations).length === 0;
      }),
      { seed: 15, numRuns: 300 },
    );
  });

  it('with up to three reservation cells, costs exactly the enumerated optimum (reserved capacity at price 0, used first)', () => {
    const reserved = fc.uniqueArray(fc.record({ type: fc.constantFrom('m7g.large', 'c7g.large'), zone: fc.constantFrom('a', 'b'), available: fc.integer({ min: 1, max: 3 }) }), {
      minLength: 1,
      maxLength: 3,
      selector: (r) => `${r.type} ${r.zone}`,
    });
    const withReservations = fc.tuple(smallProblem, reserved).map(([input, reservations]) => ({ ...input, reservations, policy: { ...input.policy, useReservations: true } }));
    fc.assert(
      fc.property(withReservations, (input) => {
        const mix = solveMix(input, solver);
        const optimum = bruteForceCost(input);
        if (optimum === undefined) return !mix.feasible && mix.reason.startsWith('infeasible: ');
        return mix.feasible && Math.abs(mix.costPerHour - optimum) < 1e-5 && mix.gap === 0 && violations(input, mix.allocations).length === 0;
      }),
      { seed: 15, numRuns: 200 },
    );
  });

  it('keeps every constraint and never costs more than the greedy mix', () => {
    const largerProblem = smallProblem.map((input) => ({ ...input, neededUnits: input.neededUnits * 7 }));
    fc.assert(
      fc.property(largerProblem, (input) => {
        const mix = solveMix(input, solver);
        const greedy = greedyMix(input);
        const greedyFeasible = violations(input, greedy).length === 0;
        if (!mix.feasible) return !greedyFeasible && mix.reason.startsWith('infeasible: ');
        return violations(input, mix.allocations).length === 0 && (!greedyFeasible || mix.costPerHour <= costOf(greedy) + 1e-6) && mix.lowerBoundPerHour <= mix.costPerHour;
      }),
      { seed: 15, numRuns: 200 },
    );
  });
});
