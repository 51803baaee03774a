/** Launching new capacity through the journal (../journal.ts launchAndRecord); a failure feeds the launch backoff. */
import { launchAndRecord } from '../journal.ts';
import type { ActRun, CommandOf } from './executor.ts';

export async function launch(run: ActRun, command: CommandOf<'launch'>): Promise<string> {
  return (await launchAndRecord(run.acting, command)).outcome;
}
