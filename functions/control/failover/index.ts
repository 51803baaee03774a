/**
 * Carries out one failover, resumably, in named steps: mark the record failing-over, launch the
 * replacement, wait for it to run, move the Elastic IPs, stop the failed instance if interfaces
 * or volumes must move, move (or restore) them, swap target group membership, retire the failed
 * instance, notify, forget its record. Every step is journaled under the failover's id, so a run
 * that dies half-way resumes where it stopped and never moves anything twice.
 */
import type { InstanceRecord } from '../../core/model.ts';
import type { Acting } from '../journal.ts';
import { moveAddresses } from './addresses.ts';
import { moveAttachments, stopFailed } from './attachments.ts';
import type { FailoverCommand, FailoverRun, FailoverStep } from './failover-run.ts';
import { notifyFailover } from './notify.ts';
import { launchReplacement, waitForReplacement } from './replacement.ts';
import { retireFailed } from './retire.ts';
import { swapTargetGroups } from './target-groups.ts';

/** The steps once the replacement runs, in order. */
const ONCE_RUNNING: readonly FailoverStep[] = [moveAddresses, stopFailed, moveAttachments, swapTargetGroups, retireFailed, notifyFailover];

/** The failover's record says failing-over, with its plan, before anything is done. */
async function begin(acting: Acting, command: FailoverCommand, record: InstanceRecord): Promise<FailoverRun> {
  const run: FailoverRun = { acting, command, failed: command.instanceId, plan: command.plan, version: record.version, done: [] };
  if (record.lifecycle !== 'failing-over') {
    const changes = { lifecycle: 'failing-over' as const, reason: command.reason, failover: command.plan };
    run.version = await acting.deps.records.updateInstance(acting.fleet.name, run.failed, changes, run.version);
  }
  return run;
}

const waitingOutcome = (run: FailoverRun, waiting: string) => [...run.done, waiting].join('; ');

/** Returns the outcome for the decision log: done, or what it waits for. */
export async function carryOutFailover(acting: Acting, command: FailoverCommand, record: InstanceRecord): Promise<string> {
  const run = await begin(acting, command, record);
  const target = await launchReplacement(run);
  if (typeof target !== 'string') return waitingOutcome(run, target.waiting);
  const placed = await waitForReplacement(run, target);
  if ('waiting' in placed) return waitingOutcome(run, placed.waiting);
  for (const step of ONCE_RUNNING) {
    const waiting = await step(placed);
    if (waiting !== undefined) return waitingOutcome(placed, waiting);
  }
  await acting.deps.records.deleteInstance(acting.fleet.name, run.failed);
  return `failed over to ${target}: ${placed.done.join('; ')}`;
}
