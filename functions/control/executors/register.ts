/**
 * Reconciling target-group membership on every step: each in-service instance that runs, and
 * each that this step's launches started and that already runs, is registered in every fleet
 * target group it is missing from, with one RegisterTargets call per group (chunked by the
 * adapter). RegisterTargets takes only running instances, so an instance launched pending is
 * registered by a later step; so are adopted instances, any whose registration a crash lost, and
 * any taken out of one group by hand. Instances out of service (draining, maintenance, failing
 * over) are never registered; those this step drains, fails over or settles, and failover
 * replacements, are left to their own commands.
 */
import { partId } from '../../core/command-ids.ts';
import type { Command } from '../../core/model.ts';
import { errorKind } from '../../ports/errors.ts';
import { type Acting, errorMessage } from '../journal.ts';
import type { ActRun, Executor } from './executor.ts';

/** For each target group, those of the instances it does not hold. */
function missingByGroup(acting: Acting, instanceIds: readonly string[]): Map<string, string[]> {
  const missing = new Map<string, string[]>();
  for (const arn of acting.fleet.targetGroups) {
    const absent = instanceIds.filter((id) => acting.registeredIn.get(id)?.has(arn) !== true);
    if (absent.length > 0) missing.set(arn, absent);
  }
  return missing;
}

/** Registers those of the instances that run now in the groups missing them; a failure is a warning, a later step registers them. */
export async function registerRunning(acting: Acting, instanceIds: readonly string[]): Promise<void> {
  const { deps, fleet } = acting;
  if (missingByGroup(acting, instanceIds).size === 0) return;
  try {
    const running = new Set((await deps.compute.describeInstances(instanceIds)).filter((i) => i.state === 'running').map((i) => i.instanceId));
    const registered = new Set<string>();
    for (const [arn, absent] of missingByGroup(acting, instanceIds)) {
      const batch = absent.filter((id) => running.has(id));
      if (batch.length === 0) continue;
      await deps.loadBalancer.registerTargets(arn, batch);
      for (const id of batch) registered.add(id);
    }
    if (registered.size > 0) deps.log.info('registered in the target groups', { fleet: fleet.name, instanceIds: [...registered] });
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

/** In-service instances seen running and missing from a group, that no other command of this step is about. */
function toReconcile(run: ActRun): string[] {
  const { decision, records } = run;
  const { observed, registeredIn, fleet } = run.acting;
  const handled = new Set(decision.commands.flatMap(subjectsOf));
  // A replacement whose launch a crash kept out of its failover's plan is still that failover's.
  const replacementLaunches = new Set(decision.commands.flatMap((c) => (c.kind === 'failover' ? [partId(c.id, 'launch')] : [])));
  const adopted = new Set(decision.commands.flatMap((c) => (c.kind === 'adopt' ? [c.instanceId] : [])));
  return observed
    .filter((o) => o.state === 'running' && (registeredIn.get(o.instanceId)?.size ?? 0) < fleet.targetGroups.length && !handled.has(o.instanceId))
    .filter((o) => o.commandId === undefined || !replacementLaunches.has(o.commandId))
    .filter((o) => records.get(o.instanceId)?.lifecycle === 'in-service' || adopted.has(o.instanceId))
    .map((o) => o.instanceId);
}

/**
 * Works (re-validating, renewing the lease) only when some instance is missing from a group or
 * the step launches: what the launches started and what was missing go in one call per group.
 */
export const registerUnregistered: Executor = {
  name: 'register',
  inDryRun: false,
  changesInstances: true,
  hasWork: (run) => run.acting.fleet.targetGroups.length > 0 && (toReconcile(run).length > 0 || run.decision.commands.some((c) => c.kind === 'launch')),
  execute: (run) => registerRunning(run.acting, [...new Set([...toReconcile(run), ...run.launchedByLaunches])]),
};
