/**
 * The mix as an integer program in CPLEX LP format, the text HiGHS reads: minimise the hourly
 * cost of the cells' counts subject to the constraint families; the same text without its
 * integrality section is the LP relaxation, whose optimum bounds the mix's cost from below.
 */
import type { MixCell } from './cells.ts';
import { mixCells } from './cells.ts';
import type { Constraint, ConstraintFamily, Row, Term } from './constraints.ts';
import { maxSpotShare, needConstraint, onDemandBase } from './constraints.ts';
import { diversification } from './diversification.ts';
import type { MixProblem } from './problem.ts';
import { zoneBalance } from './zone-balance.ts';

export interface MixModel {
  readonly cells: readonly MixCell[];
  readonly constraints: readonly Constraint[];
  /** The integer program. */
  readonly integerProgram: string;
  /** The same program with every count continuous. */
  readonly relaxation: string;
}

/** The families that may be left out to find which one makes a mix infeasible or costlier; need stays. */
export const OPTIONAL_FAMILIES: readonly ConstraintFamily[] = ['diversification', 'zone balance', 'max Spot share', 'on-demand base'];

/** A number as LP format reads it: finite, without exponent surprises for prices of a few decimals. */
const lpNumber = (value: number) => (Number.isInteger(value) ? String(value) : value.toPrecision(12).replace(/\.?0+$/, ''));

const expression = (terms: readonly Term[]) =>
  terms.length === 0 ? '0 x_none' : terms.map((term, index) => `${index === 0 ? '' : term.coefficient < 0 ? '- ' : '+ '}${lpNumber(index === 0 ? term.coefficient : Math.abs(term.coefficient))} ${term.variable}`).join('\n ');

const rowText = (row: Row) => ` ${row.name}: ${expression(row.terms)} ${row.sense} ${lpNumber(row.bound)}`;

function render(cells: readonly MixCell[], constraints: readonly Constraint[], integer: boolean): string {
  const objective = expression(cells.map((cell) => ({ variable: cell.name, coefficient: cell.perHour })));
  const rows = constraints.flatMap((constraint) => constraint.rows).map(rowText);
  const bounds = cells.filter((cell) => cell.maxCount !== undefined).map((cell) => ` 0 <= ${cell.name} <= ${cell.maxCount}`);
  const general = integer && cells.length > 0 ? ['General', ` ${cells.map((cell) => cell.name).join(' ')}`] : [];
  return ['Minimize', ` cost: ${objective}`, 'Subject To', ...rows, 'Bounds', ...bounds, ' x_none = 0', ...general, 'End', ''].join('\n');
}

/** The program for a problem, leaving out the families in `omit` (to explain infeasibility or test what shaped the mix). */
export function mixModel(problem: MixProblem, omit: readonly ConstraintFamily[] = []): MixModel {
  const cells = mixCells(problem);
  const constraints = [
    needConstraint(problem, cells),
    ...onDemandBase(problem, cells),
    ...maxSpotShare(problem, cells),
    ...diversification(problem, cells),
    ...zoneBalance(problem, cells),
  ].filter((constraint) => !omit.includes(constraint.family));
  return { cells, constraints, integerProgram: render(cells, constraints, true), relaxation: render(cells, constraints, false) };
}
