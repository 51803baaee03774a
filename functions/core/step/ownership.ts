/**
 * Phase zero: whose instances these are. Of the instances carrying the fleet tag, a deployment
 * manages those it launched: its own fleetward:owner tag and a fleetward:command-id. One launched
 * by another deployment is never adopted, counted or touched; one no deployment launched (no
 * owner tag: a third party tagged it) only with the fleet's adoption.foreign opt-in. The instances
 * left alone are reported, and the operators told once about each new one.
 */
import { stepCommandId } from '../command-ids.ts';
import type { FleetConfig, ForeignAdoption } from '../config.ts';
import type { Command, FleetStatus, InstanceRecord, ObservedInstance } from '../model.ts';

/** How many of the instances left alone the fleet's status remembers (the notification compares these). */
export const UNOWNED_REMEMBERED = 50;
/** How many instance ids one note lists. */
const LISTED = 10;

/** What ownership is judged on: any view of an instance with its tags (the core's, or the compute port's). */
type Tagged = Pick<ObservedInstance, 'instanceId' | 'state' | 'owner' | 'commandId' | 'protected'>;

export interface OwnershipSort<T extends Tagged = ObservedInstance> {
  /** The instances this deployment manages (foreign ones kept by adoption.foreign: keep are protected). */
  readonly managed: readonly T[];
  /** The instances left alone that still run (or could), sorted by id: the ones reported. */
  readonly unowned: readonly string[];
  /** Every instance left alone, terminated ones included: their records are let go of. */
  readonly released: ReadonlySet<string>;
  /** Why each group is left alone, with its instances. */
  readonly notes: readonly string[];
}

/** What the decision says of the instances left alone. */
export interface OwnershipReport {
  readonly instanceIds: readonly string[];
  readonly notes: readonly string[];
  /** Some were not reported by the last step: tell the operators (once: the status remembers them). */
  readonly notify: boolean;
}

const foreignModeOf = (fleet: FleetConfig): ForeignAdoption => fleet.adoption?.foreign ?? 'ignore';

/** Whether the instance is one this deployment launched. */
export const launchedBy = (owner: string, instance: Tagged) => instance.owner === owner && instance.commandId !== undefined;

const listed = (ids: readonly string[]) => (ids.length > LISTED ? `${ids.slice(0, LISTED).join(', ')} and ${ids.length - LISTED} more` : ids.join(', '));

function notesOf(fleet: FleetConfig, byOwner: ReadonlyMap<string, string[]>, foreign: readonly string[]): string[] {
  const notes = [...byOwner].map(
    ([other, ids]) => `not touching ${ids.length} instance(s) of fleet ${fleet.name} launched by another deployment (fleetward:owner ${other}): ${listed(ids)}`,
  );
  if (foreign.length > 0) {
    notes.push(
      `not adopting ${foreign.length} instance(s) that carry the fleet tag but that fleetward did not launch ` +
        `(no fleetward:owner and fleetward:command-id of this deployment; adoption.foreign is ignore): ${listed(foreign)}`,
    );
  }
  return notes;
}

/** The list of one other owner's instances, created on first use (one push per instance: linear). */
function othersOf(byOwner: Map<string, string[]>, owner: string): string[] {
  let ids = byOwner.get(owner);
  if (ids === undefined) {
    ids = [];
    byOwner.set(owner, ids);
  }
  return ids;
}

/** Sorts the observed instances into those this deployment manages and those it leaves alone. */
export function sortByOwner<T extends Tagged>(fleet: FleetConfig, owner: string, observed: readonly T[]): OwnershipSort<T> {
  const mode = foreignModeOf(fleet);
  const managed: T[] = [];
  const byOwner = new Map<string, string[]>();
  const foreign: string[] = [];
  const released = new Set<string>();
  for (const instance of observed) {
    const another = instance.owner !== undefined && instance.owner !== owner;
    if (launchedBy(owner, instance)) managed.push(instance);
    else if (!another && mode === 'manage') managed.push(instance);
    else if (!another && mode === 'keep') managed.push({ ...instance, protected: true });
    else {
      released.add(instance.instanceId);
      if (instance.state === 'terminated' || instance.state === 'shutting-down') continue;
      if (another) othersOf(byOwner, instance.owner ?? '').push(instance.instanceId);
      else foreign.push(instance.instanceId);
    }
  }
  for (const ids of byOwner.values()) ids.sort();
  foreign.sort();
  const unowned = [...[...byOwner.values()].flat(), ...foreign].sort();
  return { managed, unowned, released, notes: notesOf(fleet, byOwner, foreign) };
}

/** The report of this step, and whether it names an instance the last one did not. */
export function ownershipReport(sort: OwnershipSort, status: FleetStatus | undefined): OwnershipReport {
  const before = new Set(status?.unowned ?? []);
  const remembered = sort.unowned.slice(0, UNOWNED_REMEMBERED);
  return { instanceIds: sort.unowned, notes: sort.notes, notify: remembered.some((id) => !before.has(id)) };
}

/**
 * Records of instances now left alone (another deployment's, or foreign without the opt-in):
 * fleetward lets go of them, and no later phase sees them.
 */
export function releaseUnowned(
  context: { readonly fleet: FleetConfig; readonly step: number },
  records: readonly InstanceRecord[],
  unowned: ReadonlySet<string>,
): { readonly records: readonly InstanceRecord[]; readonly releases: readonly Command[] } {
  if (unowned.size === 0) return { records, releases: [] };
  const releases: Command[] = records
    .filter((record) => unowned.has(record.instanceId))
    .map((record) => ({
      kind: 'forget',
      id: stepCommandId(context.fleet.name, context.step, 'forget', record.instanceId),
      instanceId: record.instanceId,
      reason: 'the instance is not this deployment\'s (see the notes): fleetward lets go of its record and leaves it alone',
    }));
  return { records: records.filter((record) => !unowned.has(record.instanceId)), releases };
}
