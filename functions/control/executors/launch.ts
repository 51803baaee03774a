/**
 * Launching new capacity through the journal (../journal.ts launchAndRecord), one command (one
 * RunInstances with a count) per type and subnet; a failure feeds the launch backoff. What the
 * launches start is left to the register chore (./register.ts), which registers everything of
 * the step that runs with one RegisterTargets per group; warm pool launches never are.
 */
import { launchAndRecord } from '../journal.ts';
import type { ActRun, CommandOf } from './executor.ts';

export async function launch(run: ActRun, command: CommandOf<'launch'>): Promise<string> {
  const launched = await launchAndRecord(run.acting, command);
  if (command.pool !== true) run.launchedByLaunches.push(...launched.instanceIds);
  return launched.outcome;
}
