/**
 * Diversification: no instance type, and no type+zone, above its share of the needed units (one
 * instance is always allowed, so a small fleet can still diversify). A cap is named as binding
 * when it is full and its cheapest unit costs less than one the mix bought elsewhere.
 */
import type { MixCell } from './cells.ts';
import type { Constraint } from './constraints.ts';
import { percent, smallestWeight, unitTerms, unitsOf } from './constraints.ts';
import type { MixProblem } from './problem.ts';

/** The units a group of cells may hold: the share of the need, rounded down, but at least one instance. */
const capUnits = (share: number, neededUnits: number, cells: readonly MixCell[]) => Math.max(Math.floor(share * neededUnits), Math.max(...cells.map((cell) => cell.weight)));

function groupBy(cells: readonly MixCell[], key: (cell: MixCell) => string): Map<string, MixCell[]> {
  const groups = new Map<string, MixCell[]>();
  for (const cell of cells) groups.set(key(cell), [...(groups.get(key(cell)) ?? []), cell]);
  return groups;
}

const perUnit = (cell: MixCell) => cell.perHour / cell.weight;

/** Whether a group's cheapest unit costs less than a unit the mix bought outside it: the cap held it back. */
function cheaperThanUsedElsewhere(group: readonly MixCell[], cells: readonly MixCell[], counts: ReadonlyMap<string, number>): boolean {
  const usedElsewhere = cells.filter((cell) => !group.includes(cell) && (counts.get(cell.name) ?? 0) > 0).map(perUnit);
  return Math.min(...group.map(perUnit)) < Math.max(-Infinity, ...usedElsewhere);
}

interface Cap {
  readonly label: string;
  readonly share: number;
  readonly key: (cell: MixCell) => string;
  readonly rowPrefix: string;
}

const CAPS = (problem: MixProblem): Cap[] => [
  { label: 'diversification cap', share: problem.policy.maxTypeShare, key: (cell) => cell.type, rowPrefix: 'type' },
  { label: 'type+zone cap', share: problem.policy.maxTypeZoneShare, key: (cell) => `${cell.type} in ${cell.zone}`, rowPrefix: 'typeZone' },
];

/** One row per type (and per type+zone) whose cap is below the need. */
export function diversification(problem: MixProblem, cells: readonly MixCell[]): Constraint[] {
  const rows: Constraint['rows'][number][] = [];
  const groups: { label: string; name: string; limit: number; cells: MixCell[] }[] = [];
  for (const cap of CAPS(problem)) {
    if (cap.share >= 1) continue;
    [...groupBy(cells, cap.key)].forEach(([name, members], index) => {
      const limit = capUnits(cap.share, problem.neededUnits, members);
      rows.push({ name: `${cap.rowPrefix}${index}`, terms: unitTerms(members), sense: '<=', bound: limit });
      groups.push({ label: `${cap.label} ${percent(cap.share)}`, name, limit, cells: members });
    });
  }
  if (rows.length === 0) return [];
  return [{
    family: 'diversification',
    rows,
    auxiliary: [],
    binding: (counts) => {
      const held = groups.flatMap((group) => {
        const units = unitsOf(group.cells, counts);
        const full = group.limit - units < smallestWeight(group.cells);
        return full && cheaperThanUsedElsewhere(group.cells, cells, counts) ? [`${group.label} held ${group.name} at ${units} units`] : [];
      });
      return held.length === 0 ? undefined : held.join('; ');
    },
    demand: `diversification (type ${percent(problem.policy.maxTypeShare)}, type+zone ${percent(problem.policy.maxTypeZoneShare)} of ${problem.neededUnits} units)`,
  }];
}
