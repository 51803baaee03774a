/**
 * One failover as a step carries it out: the command, its plan as far as it is known, what is
 * done so far, and the journaled part each step of it runs under (`<failover id>/<part>`).
 */
import { partId } from '../../core/command-ids.ts';
import type { Command, FailoverPlan } from '../../core/model.ts';
import type { ComputeInstance } from '../../ports/index.ts';
import { type Acting, type JournaledResult, runJournaled } from '../journal.ts';

export type FailoverCommand = Extract<Command, { kind: 'failover' }>;

export interface FailoverRun {
  readonly acting: Acting;
  readonly command: FailoverCommand;
  /** The failed instance. */
  readonly failed: string;
  plan: FailoverPlan;
  /** The failed instance's record version. */
  version: number;
  /** What is done, in words, for the decision log and the notification. */
  readonly done: string[];
}

/** A failover whose replacement runs: the replacement, and both instances as EC2 reports them now. */
export interface PlacedFailover extends FailoverRun {
  readonly target: string;
  readonly states: ReadonlyMap<string, ComputeInstance>;
}

/** One step of a failover once its replacement runs: why it waits, or undefined to go on. */
export type FailoverStep = (run: PlacedFailover) => Promise<string | undefined>;

/** Carries out one part of the failover at most once, journaled under the failover's id. */
export function journaledPart(run: FailoverRun, part: string, act: () => Promise<JournaledResult>): Promise<JournaledResult> {
  return runJournaled(run.acting, { ...run.command, id: partId(run.command.id, part) }, act);
}
