/** Remembering an instance's health observations and identity in its record (no AWS call). */
import type { ActRun, CommandOf } from './executor.ts';

export async function trackHealth(run: ActRun, command: CommandOf<'track'>): Promise<string> {
  const { deps, fleet } = run.acting;
  const changes = { failedObservations: command.failedObservations, identity: command.identity };
  const version = await deps.records.updateInstance(fleet.name, command.instanceId, changes, run.versions.get(command.instanceId) ?? 1);
  run.versions.set(command.instanceId, version);
  return 'recorded';
}
