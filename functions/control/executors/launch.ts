/**
 * Launching new capacity through the journal (../journal.ts launchAndRecord); a failure feeds the
 * launch backoff. What already runs is registered in the target groups at once, the rest later;
 * warm pool launches never are.
 */
import { launchAndRecord } from '../journal.ts';
import type { ActRun, CommandOf } from './executor.ts';
import { registerRunning } from './register.ts';

export async function launch(run: ActRun, command: CommandOf<'launch'>): Promise<string> {
  const launched = await launchAndRecord(run.acting, command);
  if (command.pool !== true) await registerRunning(run.acting, launched.instanceIds);
  return launched.outcome;
}
