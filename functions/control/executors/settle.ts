/**
 * Settling an operator request: an accepted request about an instance changes its record (and a
 * cancelled drain registers the instance again); every settled request leaves the queue.
 */
import { type ActRun, type CommandOf, updateRecord } from './executor.ts';

export async function settleRequest(run: ActRun, command: CommandOf<'settle'>): Promise<string> {
  const { deps, fleet } = run.acting;
  if (command.accepted && command.record !== undefined) {
    const { instanceId, lifecycle, reason, drain } = command.record;
    await updateRecord(run, instanceId, { lifecycle, reason, drain: drain ?? null });
    if (command.reregister === true && fleet.targetGroups.length > 0) await deps.loadBalancer.register(fleet.targetGroups, instanceId);
  }
  const request = run.requests.get(command.requestId);
  if (request !== undefined) await deps.records.deleteRequest(fleet.name, request);
  return command.accepted ? 'applied' : 'refused';
}
