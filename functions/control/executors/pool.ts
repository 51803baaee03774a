/**
 * Carrying out the warm pool's commands through the journal: start ready members into service
 * (EC2 first, then each record, in service and warming up from now: a crash in between leaves a
 * running pooled member, which the pool's upkeep stops again), stop prepared members, or
 * terminate stale or surplus ones (their records are forgotten once EC2 reports them gone).
 */
import { runJournaled } from '../journal.ts';
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

export async function poolAction(run: ActRun, command: CommandOf<'pool'>): Promise<string> {
  const { compute } = run.acting.deps;
  const ids = command.instanceIds.join(', ');
  const result = await runJournaled(run.acting, command, async () => {
    if (command.action === 'start') await startIntoService(run, command);
    else if (command.action === 'stop') await compute.stop(command.instanceIds, false);
    else {
      await compute.terminate(command.instanceIds);
      run.acting.terminated.push(...command.instanceIds);
    }
    const done = { start: 'started into service', stop: 'stopped into the warm pool', terminate: 'terminated' }[command.action];
    return { instanceIds: command.instanceIds, detail: `${done}: ${ids}` };
  });
  return result.detail;
}
