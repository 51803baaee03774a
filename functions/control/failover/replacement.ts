/**
 * The replacement of a failed instance: launched once (the plan remembers it), in the plan's
 * zone and market, trying the plan's type first (the mix's cell, else the failed instance's),
 * from the image the step chose (a roll's, else the template's), through the image gate like
 * every launch; then waited for until it runs.
 */
import { partId } from '../../core/command-ids.ts';
import type { ComputeInstance, LaunchCommand } from '../../ports/index.ts';
import { launchAndRecord } from '../journal.ts';
import type { FailoverRun, PlacedFailover } from './failover-run.ts';

export type Waiting = { readonly waiting: string };

function replacementLaunch(run: FailoverRun): LaunchCommand {
  const { fleet } = run.acting;
  const { plan } = run;
  const types = [...fleet.instanceTypes.filter((t) => t.type === plan.instanceType), ...fleet.instanceTypes.filter((t) => t.type !== plan.instanceType)];
  return {
    kind: 'launch',
    id: partId(run.command.id, 'launch'),
    subnetId: plan.subnetId,
    availabilityZone: plan.availabilityZone,
    capacityUnits: plan.units,
    instanceTypes: types.length > 0 ? types : fleet.instanceTypes,
    ...(plan.market === undefined ? {} : { market: plan.market }),
    ...(run.command.imageId === undefined ? {} : { imageId: run.command.imageId }),
    reason: `replacement for ${run.failed}: ${plan.cause}`,
  };
}

/** The replacement's id: launched now unless an earlier step did, and kept in the failed instance's record. */
export async function launchReplacement(run: FailoverRun): Promise<string | Waiting> {
  if (run.plan.replacementId !== undefined) return run.plan.replacementId;
  const launched = await launchAndRecord(run.acting, replacementLaunch(run));
  const replacementId = launched.instanceIds[0];
  if (replacementId === undefined) return { waiting: `waiting: the replacement did not launch (${launched.outcome})` };
  run.plan = { ...run.plan, replacementId };
  run.version = await run.acting.deps.records.updateInstance(run.acting.fleet.name, run.failed, { failover: run.plan }, run.version);
  run.done.push(`launched ${replacementId} in ${run.plan.availabilityZone}`);
  return replacementId;
}

/** The failover from here on, once the replacement runs. */
export async function waitForReplacement(run: FailoverRun, target: string): Promise<PlacedFailover | Waiting> {
  const described = await run.acting.deps.compute.describeInstances([target, run.failed]);
  const states = new Map<string, ComputeInstance>(described.map((i) => [i.instanceId, i]));
  const replacement = states.get(target);
  if (replacement?.state !== 'running') return { waiting: `waiting for ${target} to run (it is ${replacement?.state ?? 'not reported yet'})` };
  return { ...run, target, states };
}
