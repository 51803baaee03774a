/**
 * Registering in the fleet's target groups the in-service instances that run but are not
 * registered. RegisterTargets takes only running instances, so an instance launched pending is
 * registered by a later step; so are adopted instances, and any whose registration a crash lost.
 * Instances this step drains, fails over or settles, and failover replacements, are left to their
 * own commands.
 */
import { partId } from '../../core/command-ids.ts';
import type { Command } from '../../core/model.ts';
import { errorKind } from '../../ports/errors.ts';
import { type Acting, errorMessage } from '../journal.ts';
import type { ActRun, Executor } from './executor.ts';

/** Registers those of the instances that run now; a failure is a warning, a later step registers them. */
export async function registerRunning(acting: Acting, instanceIds: readonly string[]): Promise<void> {
  const { deps, fleet } = acting;
  if (fleet.targetGroups.length === 0 || instanceIds.length === 0) return;
  try {
    const running = (await deps.compute.describeInstances(instanceIds)).filter((i) => i.state === 'running').map((i) => i.instanceId);
    for (const instanceId of running) await deps.loadBalancer.register(fleet.targetGroups, instanceId);
    if (running.length > 0) deps.log.info('registered in the target groups', { fleet: fleet.name, instanceIds: running });
  } catch (error) {
    deps.log.warn('registering in the target groups failed; a later step registers them', { fleet: fleet.name, error: errorMessage(error), kind: errorKind(error) });
  }
}

/** The instances a drain, failover or settlement of this step is about: registering them is theirs. */
function subjectsOf(command: Command): string[] {
  if (command.kind === 'failover') return [command.instanceId, ...(command.plan.replacementId === undefined ? [] : [command.plan.replacementId])];
  if ((command.kind === 'advance' || command.kind === 'settle') && command.instanceId !== undefined) return [command.instanceId];
  return [];
}

/** In-service instances seen running and not registered, that no other command of this step is about. */
function unregistered(run: ActRun): string[] {
  const { decision, records } = run;
  const handled = new Set(decision.commands.flatMap(subjectsOf));
  // A replacement whose launch a crash kept out of its failover's plan is still that failover's.
  const replacementLaunches = new Set(decision.commands.flatMap((c) => (c.kind === 'failover' ? [partId(c.id, 'launch')] : [])));
  const adopted = new Set(decision.commands.flatMap((c) => (c.kind === 'adopt' ? [c.instanceId] : [])));
  return run.acting.observed
    .filter((o) => o.state === 'running' && o.targetHealth === 'not-registered' && !handled.has(o.instanceId))
    .filter((o) => o.commandId === undefined || !replacementLaunches.has(o.commandId))
    .filter((o) => records.get(o.instanceId)?.lifecycle === 'in-service' || adopted.has(o.instanceId))
    .map((o) => o.instanceId);
}

export const registerUnregistered: Executor = {
  name: 'register',
  inDryRun: false,
  changesInstances: true,
  hasWork: (run) => run.acting.fleet.targetGroups.length > 0,
  execute: (run) => registerRunning(run.acting, unregistered(run)),
};
