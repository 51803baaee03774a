/**
 * Voluntary disruption: runs the methods in order, each on the instances the earlier ones left in
 * service, passes each move through the gates (./gates.ts), and lets each method take out only
 * what the budget still allows. A move a gate or the budget holds back waits for a later step;
 * the decision log says which held it and its numbers. An optimization method of a fleet in
 * recommend-only mode records what it would do and changes nothing.
 */
import type { Member } from '../../placement.ts';
import type { DrainStart } from '../drains.ts';
import { type Allowance, type Budget, allowance } from './budget.ts';
import { type GateContext, gateContext, gateMoves, withDoNotDisruptProtected } from './gates.ts';
import type { DisruptionContext, DisruptionMethod, Move } from './method.ts';
import { DISRUPTION_METHODS } from './methods.ts';
import { dollars, pricesOf } from './savings.ts';

export interface DisruptionInput extends DisruptionContext {
  readonly budgets: readonly Budget[];
  /** Instances out of service (draining) already. */
  readonly disrupting: number;
}

export interface DisruptionOutcome {
  readonly drains: readonly DrainStart[];
  /** The members no method takes out: they stay in service. */
  readonly staying: readonly Member[];
  readonly notes: readonly string[];
  /** How many drains each reason started this step, for the budgets that count per window. */
  readonly started: Readonly<Record<string, number>>;
}

const UNBOUNDED: Allowance = { allowed: Number.POSITIVE_INFINITY };

/** Recommendations listed per method and step at most; the rest are counted. */
export const MAX_RECOMMENDATIONS = 20;

const instances = (count: number) => `${count} instance${count === 1 ? '' : 's'}`;

function heldBack(reason: string, held: number, wanted: number, limit: Allowance, disrupting: number): string {
  return `${reason}: ${held} of ${instances(wanted)} held back by the disruption budget ${limit.binding?.name ?? 'unknown'}, with ${disrupting} disrupting already`;
}

/** The move's reason with its estimated saving and, for optimization moves or when it held others back, the budget it used. */
function reasonOf(method: DisruptionMethod, move: Move, limit: Allowance, held: number): string {
  const saving = move.monthlySavingUsd === undefined ? '' : `; estimated saving ${dollars(move.monthlySavingUsd)}/month`;
  if (held === 0 && method.optimization !== true && move.monthlySavingUsd === undefined) return `${move.reason}${saving}`;
  const budget = limit.binding === undefined ? `; no disruption budget holds ${method.reason} back` : `; within the disruption budget ${limit.binding.name}`;
  return `${move.reason}${saving}${budget}`;
}

function recommendations(method: string, moves: readonly Move[]): string[] {
  const listed = moves.slice(0, MAX_RECOMMENDATIONS).map((move) => {
    const replacement = move.replaceWith === undefined ? '' : ` with a ${move.replaceWith}`;
    const what = move.resizeTo !== undefined ? `resize ${move.instanceId} to ${move.resizeTo}` : `${move.keepCapacity ? 'replace' : 'remove'} ${move.instanceId}${replacement}`;
    return `recommend-only (optimization.mode): ${method} would ${what}: ${move.reason}`;
  });
  const more = moves.length - listed.length;
  return more > 0 ? [...listed, `recommend-only (optimization.mode): ${method} would make ${more} more move(s) not listed`] : listed;
}

interface LoopState {
  readonly staying: readonly Member[];
  readonly disrupting: number;
  readonly drains: readonly DrainStart[];
  readonly notes: readonly string[];
  /** Disruptions started this step, by reason, for the budgets per window. */
  readonly started: Readonly<Record<string, number>>;
}

function runMethod(method: DisruptionMethod, input: DisruptionInput, gates: GateContext, state: LoopState): LoopState {
  const proposal = method.propose({ ...input, members: withDoNotDisruptProtected(state.staying), disrupting: state.disrupting });
  const gated = gateMoves(method.reason, proposal, gates);
  const limit = proposal.unbounded === true ? UNBOUNDED : allowance(input.budgets, method.reason, state.disrupting);
  const wanted = Math.min(gated.moves.length, proposal.atMost ?? Number.POSITIVE_INFINITY);
  const granted = gated.moves.slice(0, Math.min(wanted, limit.allowed));
  const held = wanted - granted.length;
  const notes = [...state.notes, ...proposal.notes, ...gated.notes];
  if (held > 0) notes.push(heldBack(method.reason, held, wanted, limit, state.disrupting));
  const moves = granted.map((move) => ({ ...move, reason: reasonOf(method, move, limit, held) }));
  if (method.optimization === true && input.fleet.optimization?.mode !== 'act') return { ...state, notes: [...notes, ...recommendations(method.reason, moves)] };
  const leaving = new Set(moves.map((move) => move.instanceId));
  return {
    staying: leaving.size === 0 ? state.staying : state.staying.filter((m) => !leaving.has(m.instanceId)),
    disrupting: state.disrupting + moves.length,
    drains: [...state.drains, ...moves],
    notes,
    started: moves.length === 0 ? state.started : { ...state.started, [method.reason]: moves.length },
  };
}

export function disrupt(input: DisruptionInput): DisruptionOutcome {
  const gates = gateContext(input.members, input.fleet.optimization, pricesOf(input));
  let state: LoopState = { staying: input.members, disrupting: input.disrupting, drains: [], notes: [], started: {} };
  for (const method of DISRUPTION_METHODS) state = runMethod(method, input, gates, state);
  return { drains: state.drains, staying: state.staying, notes: state.notes, started: state.started };
}
