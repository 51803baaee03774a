/**
 * Where a failed instance's replacement goes in a fleet with a mix: the first cell (type × zone ×
 * market, in the mix's order) the fleet is short of once the failed instance is gone, in a zone
 * that is not degraded and has a subnet. A Spot interruption's own cell is never chosen (the same
 * Spot pool is being reclaimed); the shell solved the mix without it, so another Spot cell is short
 * when the Spot share allows. None when the mix is infeasible or no cell fits.
 */
import { type FleetCell, cellKey, fleetCells } from './fleet-cells.ts';
import { type MixView, mixSummary } from './view.ts';
import type { RunningInstance } from './fleet-cells.ts';

export interface FailoverCell {
  readonly cell: FleetCell;
  /** The cell, what the mix wants there and the mix, for the failover's reason. */
  readonly why: string;
}

export interface FailoverCellInput {
  readonly view: MixView;
  /** The fleet without the failed instance. */
  readonly remaining: readonly RunningInstance[];
  /** Zones with a subnet the replacement may use (not degraded). */
  readonly zones: ReadonlySet<string>;
  /** The failed instance's own cell, left out after a Spot interruption. */
  readonly avoid?: string;
}

export function failoverCell({ view, remaining, zones, avoid }: FailoverCellInput): FailoverCell | undefined {
  if (!view.decision.feasible) return undefined;
  const cell = fleetCells(view.decision, view.offers, remaining).find(
    (c) => c.wanted > c.running && zones.has(c.zone) && cellKey(c.type, c.zone, c.market) !== avoid,
  );
  if (cell === undefined) return undefined;
  const interrupted = view.exclusions.some((e) => e.reason === 'spot-interruption' && e.market === 'spot' && cellKey(e.type, e.zone, 'spot') === avoid);
  const solvedWithout = interrupted && avoid !== undefined ? `; the mix was solved without ${avoid} (spot-interruption)` : '';
  return { cell, why: `as a ${cell.type} ${cell.market}, where the mix wants ${cell.wanted} and ${cell.running} run (${mixSummary(view)})${solvedWithout}` };
}
