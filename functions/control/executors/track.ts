/** Remembering an instance's health observations and identity in its record (no AWS call). */
import { type ActRun, type CommandOf, updateRecord } from './executor.ts';

export async function trackHealth(run: ActRun, command: CommandOf<'track'>): Promise<string> {
  await updateRecord(run, command.instanceId, { failedObservations: command.failedObservations, identity: command.identity });
  return 'recorded';
}
