/**
 * Taking a drain or a return from maintenance one step further: its actions in order, each
 * journaled under the drain's key, then the record checkpointed with where it stands. A drain
 * that starts this step and changed since it was decided is abandoned instead. One that fails
 * half-way is left to the next step; a lost race stops the step.
 */
import { partId } from '../../core/command-ids.ts';
import type { Command } from '../../core/model.ts';
import { errorKind, isLostRace } from '../../ports/errors.ts';
import { type Acting, errorMessage, runJournaled } from '../journal.ts';
import type { ActRun, CommandOf } from './executor.ts';

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
    case 'terminate':
      await deps.compute.terminate([id]);
      acting.terminated.push(id);
  }
}

/** Where the record stands once the actions are done: its lifecycle and drain, or no record. */
async function checkpoint(run: ActRun, command: Advance): Promise<void> {
  const { deps, fleet } = run.acting;
  const id = command.instanceId;
  if (command.lifecycle === 'forget') {
    await deps.records.deleteInstance(fleet.name, id);
    return;
  }
  const changes = { lifecycle: command.lifecycle, reason: command.reason, drain: command.drain ?? null };
  run.versions.set(id, await deps.records.updateInstance(fleet.name, id, changes, run.versions.get(id) ?? 1));
}

async function advanceOne(run: ActRun, command: Advance): Promise<string> {
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
