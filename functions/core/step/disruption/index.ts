/**
 * Voluntary disruption: runs the methods in order, each on the instances the earlier ones left in
 * service, and lets each take out only what the budget still allows. A move the budget holds
 * back waits for a later step; the decision log says which budget held it and its numbers.
 */
import type { Member } from '../../placement.ts';
import type { DrainStart } from '../drains.ts';
import { type Allowance, type Budget, allowance } from './budget.ts';
import type { DisruptionContext } from './method.ts';
import { DISRUPTION_METHODS } from './methods.ts';

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
}

const UNBOUNDED: Allowance = { allowed: Number.POSITIVE_INFINITY };

const instances = (count: number) => `${count} instance${count === 1 ? '' : 's'}`;

function heldBack(reason: string, held: number, wanted: number, limit: Allowance, disrupting: number): string {
  return `${reason}: ${held} of ${instances(wanted)} held back by the disruption budget ${limit.binding?.name ?? 'unknown'}, with ${disrupting} disrupting already`;
}

export function disrupt(input: DisruptionInput): DisruptionOutcome {
  let staying = input.members;
  let disrupting = input.disrupting;
  const drains: DrainStart[] = [];
  const notes: string[] = [];
  for (const method of DISRUPTION_METHODS) {
    const proposal = method.propose({ ...input, members: staying, disrupting });
    const limit = proposal.unbounded === true ? UNBOUNDED : allowance(input.budgets, method.reason, disrupting);
    const granted = proposal.moves.slice(0, limit.allowed);
    const held = proposal.moves.length - granted.length;
    notes.push(...proposal.notes);
    if (held > 0) notes.push(heldBack(method.reason, held, proposal.moves.length, limit, disrupting));
    const within = held > 0 ? `; within the disruption budget ${limit.binding?.name ?? 'unknown'}` : '';
    drains.push(...granted.map((move) => ({ ...move, reason: `${move.reason}${within}` })));
    disrupting += granted.length;
    const leaving = new Set(granted.map((move) => move.instanceId));
    staying = staying.filter((m) => !leaving.has(m.instanceId));
  }
  return { drains, staying, notes };
}
