/**
 * The shape every voluntary disruption method has: given the instances still in service and the
 * desired capacity, which instances it would take out now, most wanted first, each with its
 * reason. The loop in ./index.ts runs the methods in order and lets the budget decide how many go.
 */
import type { MaintenanceWindow } from '../../calendar/maintenance-window.ts';
import type { FleetConfig } from '../../config.ts';
import type { RollPlan } from '../../images/roll.ts';
import type { RightsizingView } from '../../rightsizing/view.ts';
import type { MixView } from '../../mix/view.ts';
import type { Member } from '../../placement.ts';
import type { Evacuation } from '../context.ts';
import type { DrainStart } from '../drains.ts';

export interface DisruptionContext {
  readonly fleet: FleetConfig;
  readonly nowMs: number;
  readonly desired: number;
  /** In service, healthy, and not taken out by an earlier method this step. */
  readonly members: readonly Member[];
  readonly evacuating: Evacuation;
  /** What a roll onto another image may replace this step, while one runs. */
  readonly roll?: RollPlan;
  /** Sizes, prices and utilisation for rightsizing a singleton, when the shell read them. */
  readonly rightsizing?: RightsizingView;
  /** Whether the step is inside one of the fleet's maintenanceWindows, for the methods that must wait for one. */
  readonly maintenanceWindow: MaintenanceWindow;
  /** The zones replacements may launch into (neither degraded nor evacuated), in config order. */
  readonly zones?: readonly string[];
  /** On-demand USD an hour per instance type, for estimated savings; the shipped price table when absent. */
  readonly hourlyPrices?: Readonly<Record<string, number>>;
  /** The fleet's exact mix this step, for fleets with one. */
  readonly mix?: MixView;
  /** Zones failover found degraded: nothing is moved into them. */
  readonly degraded?: ReadonlySet<string>;
  /** Instances out of service already, this step's earlier moves included. */
  readonly disrupting?: number;
}

/** One instance a method would take out, and what taking it out saves, when the method knows. */
export interface Move extends DrainStart {
  /** Estimated US dollars a month the move saves; the savings gates apply to moves that carry it. */
  readonly monthlySavingUsd?: number;
}

export interface Proposal {
  /** The instances to drain, most wanted first; the budget may let only the first few go. */
  readonly moves: readonly Move[];
  /** Why the method could not do all it wanted, for the decision log. */
  readonly notes: readonly string[];
  /** The budgets do not hold these moves back (a roll past its forced-patch deadline). */
  readonly unbounded?: boolean;
  /** At most this many of the moves that pass the gates go this step, whatever the budgets allow (one at a time). */
  readonly atMost?: number;
}

export interface DisruptionMethod {
  /** The reason disruption budgets name it by (`disruption.budgets[].reasons`). */
  readonly reason: string;
  /** An optimization method: it runs only with the fleet's `optimization` section, and recommend-only holds it. */
  readonly optimization?: true;
  propose(context: DisruptionContext): Proposal;
}

export const NOTHING: Proposal = { moves: [], notes: [] };
