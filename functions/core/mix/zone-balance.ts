/**
 * Zone balance: the units in the fleet's zones differ by at most one instance of the largest
 * type. balanced-only holds every zone of the offers to it (a zone with nothing left to launch
 * makes the mix infeasible); best-effort only the zones that can still launch. Only consulted
 * for its words when leaving it out would have made the mix cheaper.
 */
import type { MixCell } from './cells.ts';
import { offerZones } from './cells.ts';
import type { Constraint, Row } from './constraints.ts';
import { unitTerms, unitsOf } from './constraints.ts';
import type { MixProblem } from './problem.ts';

export function zoneBalance(problem: MixProblem, cells: readonly MixCell[]): Constraint[] {
  const mode = problem.policy.zoneBalance;
  const zones = mode === 'balanced-only' ? offerZones(problem) : offerZones(problem).filter((zone) => cells.some((cell) => cell.zone === zone));
  if (zones.length < 2) return [];
  const skew = Math.max(...problem.offers.map((offer) => offer.weight));
  const inZone = (zone: string) => cells.filter((cell) => cell.zone === zone);
  const rows: Row[] = zones.flatMap((zone, index) => [
    { name: `zoneHigh${index}`, terms: [...unitTerms(inZone(zone)), { variable: 'zoneHighest', coefficient: -1 }], sense: '<=', bound: 0 },
    { name: `zoneLow${index}`, terms: [...unitTerms(inZone(zone)), { variable: 'zoneLowest', coefficient: -1 }], sense: '>=', bound: 0 },
  ]);
  rows.push({ name: 'zoneSkew', terms: [{ variable: 'zoneHighest', coefficient: 1 }, { variable: 'zoneLowest', coefficient: -1 }], sense: '<=', bound: skew });
  return [{
    family: 'zone balance',
    rows,
    auxiliary: ['zoneHighest', 'zoneLowest'],
    binding: (counts) => {
      const units = zones.map((zone) => unitsOf(inZone(zone), counts));
      return `zone balance (${mode}) held ${zones.length} zones within ${skew} units (${zones.map((zone, i) => `${zone} ${units[i]}`).join(', ')})`;
    },
    demand: `zone balance (${mode}) over ${zones.join(', ')} within ${skew} units`,
  }];
}
