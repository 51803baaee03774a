/** Forgetting the record of an instance EC2 no longer runs. */
import type { ActRun, CommandOf } from './executor.ts';

export async function forgetRecord(run: ActRun, command: CommandOf<'forget'>): Promise<string> {
  await run.acting.deps.records.deleteInstance(run.acting.fleet.name, command.instanceId);
  return 'record removed';
}
