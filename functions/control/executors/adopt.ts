/** Adopting an instance that carries the fleet tag but has no record: in service (or in maintenance, as its tag says) from now on. */
import type { ActRun, CommandOf } from './executor.ts';

export async function adoptInstance(run: ActRun, command: CommandOf<'adopt'>): Promise<string> {
  const { deps, fleet } = run.acting;
  const { lifecycle } = command;
  const record = { instanceId: command.instanceId, lifecycle, launchedAtMs: command.launchedAtMs, reason: `adopted: ${command.reason}` };
  await deps.records.putInstance(fleet.name, record, undefined);
  run.current.set(command.instanceId, { version: 1, lifecycle });
  return `recorded as ${lifecycle}`;
}
