/**
 * Carrying out a failover as far as it goes this step (../failover/index.ts). One that fails
 * half-way is left to the next step, which resumes it from the journal; a lost race stops the step.
 */
import { carryOutFailover } from '../failover/index.ts';
import { errorKind, isLostRace } from '../../ports/errors.ts';
import { errorMessage } from '../journal.ts';
import type { ActRun, CommandOf } from './executor.ts';

export async function failOver(run: ActRun, command: CommandOf<'failover'>): Promise<string | undefined> {
  const { deps, fleet } = run.acting;
  const current = run.records.get(command.instanceId);
  if (current === undefined) return undefined;
  try {
    return await carryOutFailover(run.acting, command, { ...current, version: run.current.get(command.instanceId)?.version ?? current.version });
  } catch (error) {
    if (isLostRace(error)) throw error;
    deps.log.error('failover step failed; the next step resumes it', { fleet: fleet.name, instanceId: command.instanceId, error: errorMessage(error), kind: errorKind(error) });
    return `interrupted, resumes next step: ${errorMessage(error)}`;
  }
}
