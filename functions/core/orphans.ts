/**
 * Orphaned instances: live instances this deployment launched (its fleetward:owner tag) whose
 * fleetward:fleet tag names no fleet in the config (a fleet removed or renamed). fleetward never
 * adopts, counts or touches them; it reports them. Another deployment's fleets, and instances no
 * deployment launched, are not this deployment's orphans: they are not reported.
 */
import type { Ec2State } from './model.ts';

export interface TaggedInstance {
  readonly instanceId: string;
  readonly state: Ec2State;
  /** The fleetward:fleet tag's value. */
  readonly fleetTag?: string;
  /** The fleetward:owner tag's value. */
  readonly owner?: string;
}

export interface Orphan {
  readonly instanceId: string;
  readonly fleet: string;
  readonly state: Ec2State;
}

/** EC2 states of an instance that still runs or can run again. */
const LIVE: ReadonlySet<Ec2State> = new Set(['pending', 'running', 'stopping', 'stopped']);

/** The owner's live instances tagged for a fleet that is not among `fleetNames`, by instance id. */
export function orphansOf(fleetNames: readonly string[], owner: string, instances: readonly TaggedInstance[]): Orphan[] {
  const configured = new Set(fleetNames);
  return instances
    .filter((i) => i.owner === owner && i.fleetTag !== undefined && !configured.has(i.fleetTag) && LIVE.has(i.state))
    .map((i) => ({ instanceId: i.instanceId, fleet: i.fleetTag ?? '', state: i.state }))
    .sort((a, b) => a.instanceId.localeCompare(b.instanceId));
}

/** What the operators are told of orphans not reported before. */
export function orphanNotice(orphans: readonly Orphan[]): string {
  const listed = orphans.map((o) => `${o.instanceId} (fleet ${o.fleet})`).join(', ');
  return `${orphans.length} running instance(s) carry fleetward:fleet tags naming no fleet in the config; fleetward leaves them running and touches none of them: ${listed}`;
}
