/**
 * Re-validation just before acting on instances: a drain that starts this step (scale-in,
 * evacuation) goes ahead only if its instance is still as the step saw it: running, carrying the
 * fleet tag and the owner tag it had, not protected. Then the lease is renewed; a lost lease stops the step.
 */
import type { Command, InstanceRecord } from '../core/model.ts';
import type { Acting } from './journal.ts';
import { LEASE_TTL_MS } from './step-timing.ts';
import { ALIVE } from '../core/step/context.ts';
import { OWNER_TAG } from '../core/tags.ts';

type Advance = Extract<Command, { kind: 'advance' }>;

/** Drains of instances whose record said in-service when the step read it. */
export function startingDrains(commands: readonly Command[], records: ReadonlyMap<string, InstanceRecord>): Advance[] {
  return commands.filter((c): c is Advance => c.kind === 'advance' && (records.get(c.instanceId)?.lifecycle ?? 'in-service') === 'in-service');
}

/** Why each victim that changed since the step observed it is abandoned, by command id. */
async function changedVictims(acting: Acting, victims: readonly Advance[]): Promise<Map<string, string>> {
  const abandoned = new Map<string, string>();
  if (victims.length === 0) return abandoned;
  const fresh = await acting.deps.compute.describeInstances(victims.map((v) => v.instanceId));
  const byId = new Map(fresh.map((i) => [i.instanceId, i]));
  const seen = new Map(acting.observed.map((o) => [o.instanceId, o]));
  for (const victim of victims) {
    const now = byId.get(victim.instanceId);
    if (now === undefined || !ALIVE.has(now.state)) abandoned.set(victim.id, 'abandoned: the instance is no longer running');
    else if (now.fleetTag !== acting.fleet.name) abandoned.set(victim.id, 'abandoned: the instance no longer carries the fleet tag');
    else if (now.owner !== seen.get(victim.instanceId)?.owner) abandoned.set(victim.id, `abandoned: its ${OWNER_TAG} tag changed`);
    else if (now.protected) abandoned.set(victim.id, 'abandoned: the instance became protected');
  }
  return abandoned;
}

/** Re-validates the drains starting this step and renews the lease; returns the abandoned drains. */
export async function revalidate(acting: Acting, victims: readonly Advance[]): Promise<Map<string, string>> {
  const abandoned = await changedVictims(acting, victims);
  const { deps, fleet } = acting;
  await deps.leases.renew(fleet.name, deps.runId, deps.clock.now(), LEASE_TTL_MS);
  return abandoned;
}
