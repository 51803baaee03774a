/**
 * Taking a drain or a return from maintenance one step further: its actions in order, each
 * journaled under the drain's key, then the record checkpointed with where it stands. A drain
 * that starts this step is written ahead: its record says draining before its first action, so
 * that a crash after any of them resumes the drain instead of finding an in-service instance
 * gone; one that changed since it was decided is abandoned instead. One that fails half-way is
 * left to the next step; a lost race stops the step.
 */
import { partId } from '../../core/command-ids.ts';
import type { Command, DrainState } from '../../core/model.ts';
import { errorKind, isLostRace } from '../../ports/errors.ts';
import { type Acting, errorMessage, runJournaled } from '../journal.ts';
import { type ActRun, type CommandOf, updateRecord } from './executor.ts';

type Advance = CommandOf<'advance'>;
type DrainAction = Advance['actions'][number];

async function carryOutAction(acting: Acting, command: Advance, action: DrainAction): Promise<void> {
  const { deps, fleet } = acting;
  const id = command.instanceId;
  switch (action) {
    case 'deregister':
      return deps.loadBalancer.deregister(fleet.targetGroups, id);
    case 'register':
      return deps.loadBalancer.register(fleet.targetGroups, id);
    case 'notify':
      return deps.events.publish('Instance Draining', { fleet: fleet.name, instanceId: id, reason: command.reason, drain: command.drain });
    case 'stop':
      return deps.compute.stop([id], false);
    case 'start':
      return deps.compute.start([id]);
    case 'mark-maintenance':
      return deps.compute.markMaintenance(id, `${fleet.name}: ${command.reason}`);
    case 'clear-maintenance':
      return deps.compute.clearMaintenance(id);
    case 'modify-type': {
      const to = command.drain?.resizeTo;
      if (to === undefined) throw new Error(`${id}: a type change without the resize's new type`);
      return deps.compute.modifyInstanceType(id, to);
    }
    case 'terminate':
      await deps.compute.terminate([id]);
      acting.terminated.push(id);
  }
}

/**
 * The drain as it stands before this step's first action. A drain that goes on past this step
 * carries it, less what its actions set; one that ends this step (terminated at once, without
 * target groups or a hook to wait for) was decided to terminate, with its capacity check passed.
 */
function drainBeforeActions(command: Advance, nowMs: number): DrainState {
  if (command.drain !== undefined) {
    const { deregisteredAtMs: _deregistered, notifiedAtMs: _notified, ...before } = command.drain;
    return before;
  }
  return { purpose: 'terminate', reason: command.reason, startedAtMs: nowMs, keepCapacity: false, stop: false };
}

/** A drain starting this step: its record says draining before its first action. */
async function writeAhead(run: ActRun, command: Advance): Promise<void> {
  const starting = (run.current.get(command.instanceId)?.lifecycle ?? 'in-service') === 'in-service';
  if (!starting || command.actions.length === 0) return;
  const drain = drainBeforeActions(command, run.nowMs);
  await updateRecord(run, command.instanceId, { lifecycle: 'draining', reason: drain.reason, drain });
}

/** Where the record stands once the actions are done: its lifecycle and drain, or no record. */
async function checkpoint(run: ActRun, command: Advance): Promise<void> {
  if (command.lifecycle === 'forget') {
    await run.acting.deps.records.deleteInstance(run.acting.fleet.name, command.instanceId);
    return;
  }
  await updateRecord(run, command.instanceId, { lifecycle: command.lifecycle, reason: command.reason, drain: command.drain ?? null });
}

async function advanceOne(run: ActRun, command: Advance): Promise<string> {
  await writeAhead(run, command);
  const done: string[] = [];
  for (const action of command.actions) {
    const part: Command = { ...command, id: partId(command.journalKey, action) };
    const { detail } = await runJournaled(run.acting, part, async () => {
      await carryOutAction(run.acting, command, action);
      return { instanceIds: [command.instanceId], detail: action };
    });
    done.push(detail);
  }
  await checkpoint(run, command);
  const what = done.length > 0 ? `${done.join(', ')}; ` : '';
  return `${what}${command.lifecycle === 'forget' ? 'record removed' : command.lifecycle}`;
}

export async function advance(run: ActRun, command: Advance): Promise<string> {
  const abandoned = run.abandoned.get(command.id);
  if (abandoned !== undefined) return abandoned;
  try {
    return await advanceOne(run, command);
  } catch (error) {
    if (isLostRace(error)) throw error;
    const { deps, fleet } = run.acting;
    deps.log.error('a drain step failed; the next step resumes it', { fleet: fleet.name, instanceId: command.instanceId, error: errorMessage(error), kind: errorKind(error) });
    return `interrupted, resumes next step: ${errorMessage(error)}`;
  }
}
