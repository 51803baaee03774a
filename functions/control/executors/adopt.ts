/** Adopting a live instance that carries the fleet tag but has no record: it is in service from now on. */
import type { ActRun, CommandOf } from './executor.ts';

export async function adoptInstance(run: ActRun, command: CommandOf<'adopt'>): Promise<string> {
  const { deps, fleet } = run.acting;
  const record = { instanceId: command.instanceId, lifecycle: 'in-service' as const, launchedAtMs: command.launchedAtMs, reason: `adopted: ${command.reason}` };
  await deps.records.putInstance(fleet.name, record, undefined);
  run.current.set(command.instanceId, { version: 1, lifecycle: 'in-service' });
  return 'recorded as in-service';
}
