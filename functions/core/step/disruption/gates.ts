/**
 * The gates every voluntary move passes before the budget counts it: do-not-disrupt, minimum
 * savings, and savings versus disruption. Each gate is a named function that says why it holds a
 * move back, or nothing. A held move waits for a later step; the decision log says which gate
 * held it, with its numbers. Recommend-only is applied after the budget, in ./index.ts.
 */
import { type OptimizationConfig, optimizationConfigSchema } from '../../optimization-config.ts';
import type { Member } from '../../placement.ts';
import { DO_NOT_DISRUPT_TAG } from '../../tags.ts';
import type { Move, Proposal } from './method.ts';
import { type FleetCost, type HourlyPrices, dollars, fleetMonthlyCost } from './savings.ts';

export interface GateContext {
  /** The fleet's optimization section, with its defaults when the fleet has none. */
  readonly optimization: OptimizationConfig;
  /** What the fleet in service costs, before this step's moves. */
  readonly fleetCost: FleetCost;
  /** Instances that carry fleetward:do-not-disrupt=true. */
  readonly doNotDisrupt: ReadonlySet<string>;
}

/** Why the gate holds this move of `method` back, or undefined when it lets it go. */
type Gate = (method: string, move: Move, context: GateContext, unbounded: boolean) => string | undefined;

const OPTIMIZATION_DEFAULTS: OptimizationConfig = optimizationConfigSchema.parse({});

export function gateContext(members: readonly Member[], optimization: OptimizationConfig | undefined, prices: HourlyPrices): GateContext {
  return {
    optimization: optimization ?? OPTIMIZATION_DEFAULTS,
    fleetCost: fleetMonthlyCost(members, prices),
    doNotDisrupt: new Set(members.filter((m) => m.doNotDisrupt === true).map((m) => m.instanceId)),
  };
}

/** The instances as the methods see them: do-not-disrupt ones as protected, so each method picks others instead. */
export const withDoNotDisruptProtected = (members: readonly Member[]): readonly Member[] =>
  members.some((m) => m.doNotDisrupt === true) ? members.map((m) => (m.doNotDisrupt === true && !m.protected ? { ...m, protected: true } : m)) : members;

/** Keeps a tagged instance out of every method but a roll past its forced-patch deadline (an unbounded proposal). */
export const doNotDisrupt: Gate = (method, move, { doNotDisrupt: tagged }, unbounded) =>
  !unbounded && tagged.has(move.instanceId) ? `do-not-disrupt: ${method} leaves ${move.instanceId} in service: it carries ${DO_NOT_DISRUPT_TAG}=true` : undefined;

/** A move with an estimated saving must save at least optimization.minSavings.monthlyUsd and percent of the fleet's cost. */
export const minimumSavings: Gate = (method, move, { optimization, fleetCost }) => {
  const saving = move.monthlySavingUsd;
  if (saving === undefined) return undefined;
  const { monthlyUsd, percent } = optimization.minSavings;
  const saves = `minimum savings: ${method} of ${move.instanceId} saves ${dollars(saving)}/month`;
  if (saving < monthlyUsd) return `${saves}, below optimization.minSavings.monthlyUsd (${dollars(monthlyUsd)})`;
  if (percent === 0) return undefined;
  const cost = fleetCost.monthlyUsd;
  if (cost === undefined || cost <= 0) {
    const why = cost === undefined ? `no price for ${fleetCost.unpriced.join(', ')}` : 'it costs nothing';
    return `${saves}, but the fleet's monthly cost is unknown (${why}), so optimization.minSavings.percent (${percent}%) cannot be checked`;
  }
  const share = (saving / cost) * 100;
  return share < percent ? `${saves}, ${share.toFixed(2)}% of the fleet's ${dollars(cost)}/month, below optimization.minSavings.percent (${percent}%)` : undefined;
};

/** Instances a move churns: the one it takes out, and the one launched in its place when it is replaced first. */
export const churnOf = (move: Move) => (move.keepCapacity ? 2 : 1);

/** The score: dollars a month saved per instance churned must reach optimization.minSavingsPerDisruption.monthlyUsd. */
export const savingsPerDisruption: Gate = (method, move, { optimization }) => {
  const saving = move.monthlySavingUsd;
  if (saving === undefined) return undefined;
  const churn = churnOf(move);
  const score = saving / churn;
  const threshold = optimization.minSavingsPerDisruption.monthlyUsd;
  if (score >= threshold) return undefined;
  const churned = churn === 1 ? `1 instance churned (${move.resizeTo === undefined ? 'removed' : 'resized'})` : `${churn} instances churned (replacement first)`;
  return `savings per disruption: ${method} of ${move.instanceId} saves ${dollars(saving)}/month for ${churned}: ${dollars(score)} per instance, below optimization.minSavingsPerDisruption.monthlyUsd (${dollars(threshold)})`;
};

export const GATES: readonly { readonly name: string; readonly gate: Gate }[] = [
  { name: 'do-not-disrupt', gate: doNotDisrupt },
  { name: 'minimum savings', gate: minimumSavings },
  { name: 'savings per disruption', gate: savingsPerDisruption },
];

export interface Gated {
  readonly moves: readonly Move[];
  /** One note per gate that held something back: its first reason and how many more it held. */
  readonly notes: readonly string[];
}

/** The moves of a proposal every gate lets go, in order, and why the others wait. */
export function gateMoves(method: string, proposal: Proposal, context: GateContext): Gated {
  const unbounded = proposal.unbounded === true;
  const held = new Map<string, { first: string; more: number }>();
  const moves = proposal.moves.filter((move) => {
    for (const { name, gate } of GATES) {
      const why = gate(method, move, context, unbounded);
      if (why === undefined) continue;
      const seen = held.get(name);
      held.set(name, seen === undefined ? { first: why, more: 0 } : { ...seen, more: seen.more + 1 });
      return false;
    }
    return true;
  });
  const notes = [...held.values()].map(({ first, more }) => (more === 0 ? first : `${first}; and ${more} more held back by the same gate`));
  return { moves, notes };
}
