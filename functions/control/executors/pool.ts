/**
 * Carrying out the warm pool's commands through the journal: start ready members into service
 * (EC2 first, then each record, in service and warming up from now: a crash in between leaves a
 * running pooled member, which the pool's upkeep stops again), stop prepared members, or
 * terminate stale, surplus or unprepared ones (their records are forgotten once EC2 reports them
 * gone). A start EC2 refuses (no capacity for the type in the zone, often, for a stopped
 * instance) terminates the members it named, so that the next step launches in their place
 * instead of trying them again; the pool refills.
 */
import { isLostRace } from '../../ports/errors.ts';
import { errorMessage, runJournaled } from '../journal.ts';
import type { ActRun, CommandOf } from './executor.ts';

async function startIntoService(run: ActRun, command: CommandOf<'pool'>): Promise<void> {
  const { deps, fleet } = run.acting;
  await deps.compute.start(command.instanceIds);
  const launchedAtMs = deps.clock.now();
  for (const instanceId of command.instanceIds) {
    const version = run.current.get(instanceId)?.version ?? 1;
    await deps.records.putInstance(fleet.name, { instanceId, lifecycle: 'in-service', launchedAtMs, reason: `started from the warm pool by ${command.id}: ${command.reason}` }, version);
    run.current.set(instanceId, { version: version + 1, lifecycle: 'in-service' });
  }
  run.acting.launched.push(...command.instanceIds);
}

const DONE = { start: 'started into service', stop: 'stopped into the warm pool', terminate: 'terminated' } as const;

async function carryOut(run: ActRun, command: CommandOf<'pool'>): Promise<string> {
  const { compute } = run.acting.deps;
  const result = await runJournaled(run.acting, command, async () => {
    if (command.action === 'start') await startIntoService(run, command);
    else if (command.action === 'stop') await compute.stop(command.instanceIds, false);
    else {
      await compute.terminate(command.instanceIds);
      run.acting.terminated.push(...command.instanceIds);
    }
    return { instanceIds: command.instanceIds, detail: `${DONE[command.action]}: ${command.instanceIds.join(', ')}` };
  });
  return result.detail;
}

/** After a refused start: the members are given up on, so that the next step launches instead. */
async function giveUpOn(run: ActRun, command: CommandOf<'pool'>, error: unknown): Promise<string> {
  const failed = `failed: ${errorMessage(error)}`;
  try {
    await run.acting.deps.compute.terminate(command.instanceIds);
    run.acting.terminated.push(...command.instanceIds);
    return `${failed}; terminated ${command.instanceIds.join(', ')}: the next step launches in their place`;
  } catch (terminateError) {
    if (isLostRace(terminateError)) throw terminateError;
    return `${failed}; terminating them failed too (${errorMessage(terminateError)}): the next step tries again`;
  }
}

export async function poolAction(run: ActRun, command: CommandOf<'pool'>): Promise<string> {
  try {
    return await carryOut(run, command);
  } catch (error) {
    if (isLostRace(error)) throw error;
    run.acting.deps.log.warn('warm pool action failed', { fleet: run.acting.fleet.name, commandId: command.id, action: command.action, error: errorMessage(error) });
    if (command.action === 'start') return giveUpOn(run, command, error);
    return `failed: ${errorMessage(error)}; the next step tries again`;
  }
}
