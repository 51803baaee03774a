/**
 * The mix's constraints, each a family with its linear rows and a way to say, from a solution,
 * whether it is at its limit (and so shaped the mix), in words with its numbers.
 */
import type { MixCell } from './cells.ts';
import type { MixProblem } from './problem.ts';

export type ConstraintFamily = 'need' | 'on-demand base' | 'max Spot share' | 'diversification' | 'zone balance';

export interface Term {
  readonly variable: string;
  readonly coefficient: number;
}

export interface Row {
  readonly name: string;
  readonly terms: readonly Term[];
  readonly sense: '<=' | '>=';
  readonly bound: number;
}

export interface Constraint {
  readonly family: ConstraintFamily;
  readonly rows: readonly Row[];
  /** Extra continuous variables the rows use (zone balance's lowest and highest zone). */
  readonly auxiliary: readonly string[];
  /** Given each cell's count, what this constraint held at its limit, if anything. */
  readonly binding: (counts: ReadonlyMap<string, number>) => string | undefined;
  /** What the constraint demands, for an infeasibility report. */
  readonly demand: string;
}

export const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;
export const unitsOf = (cells: readonly MixCell[], counts: ReadonlyMap<string, number>) => cells.reduce((sum, cell) => sum + cell.weight * (counts.get(cell.name) ?? 0), 0);
export const unitTerms = (cells: readonly MixCell[]): Term[] => cells.map((cell) => ({ variable: cell.name, coefficient: cell.weight }));
export const smallestWeight = (cells: readonly MixCell[]) => Math.min(...cells.map((cell) => cell.weight));

/** The fleet's need: at least neededUnits weighted units. */
export function needConstraint(problem: MixProblem, cells: readonly MixCell[]): Constraint {
  return {
    family: 'need',
    rows: [{ name: 'need', terms: unitTerms(cells), sense: '>=', bound: problem.neededUnits }],
    auxiliary: [],
    binding: () => undefined,
    demand: `need ${problem.neededUnits} units`,
  };
}

/** At least onDemandBaseUnits units on-demand or reserved. */
export function onDemandBase(problem: MixProblem, cells: readonly MixCell[]): Constraint[] {
  const base = problem.policy.onDemandBaseUnits;
  const onDemand = cells.filter((cell) => cell.market !== 'spot');
  if (base <= 0) return [];
  return [{
    family: 'on-demand base',
    rows: [{ name: 'onDemandBase', terms: unitTerms(onDemand), sense: '>=', bound: base }],
    auxiliary: [],
    binding: (counts) => {
      const units = unitsOf(onDemand, counts);
      return units - base < smallestWeight(onDemand) ? `on-demand base ${base} units held on-demand at ${units} units` : undefined;
    },
    demand: `on-demand base ${base} units (${onDemand.length} on-demand cells open)`,
  }];
}

/** At most floor(maxSpotShare x need) units on Spot. */
export function maxSpotShare(problem: MixProblem, cells: readonly MixCell[]): Constraint[] {
  const share = problem.policy.maxSpotShare;
  const spot = cells.filter((cell) => cell.market === 'spot');
  if (share >= 1 || spot.length === 0) return [];
  const limit = Math.floor(share * problem.neededUnits);
  return [{
    family: 'max Spot share',
    rows: [{ name: 'maxSpot', terms: unitTerms(spot), sense: '<=', bound: limit }],
    auxiliary: [],
    binding: (counts) => {
      const units = unitsOf(spot, counts);
      return limit - units < smallestWeight(spot) ? `max Spot share ${percent(share)} held Spot at ${units} units` : undefined;
    },
    demand: `max Spot share ${percent(share)} = ${limit} units`,
  }];
}
