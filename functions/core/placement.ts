/**
 * Where capacity goes and where it comes from: launches spread to balance availability zones,
 * and scale-in victims chosen so that nothing protected is touched and the fleet stays balanced.
 */
import type { InstanceTypeChoice, ObservedInstance } from './model.ts';

export interface SubnetPlacement {
  readonly subnetId: string;
  readonly availabilityZone: string;
}

export interface Member extends ObservedInstance {
  readonly units: number;
  readonly launchedAtMs: number;
}

export interface LaunchShare {
  readonly subnet: SubnetPlacement;
  readonly instances: number;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/**
 * Spreads `instances` new instances over the subnets: each goes to the zone with the fewest
 * instances, then the subnet with the fewest, then the subnet listed first.
 */
export function spreadLaunches(
  instances: number,
  subnets: readonly SubnetPlacement[],
  members: readonly Member[],
): LaunchShare[] {
  const perZone = countBy(members, (m) => m.availabilityZone);
  const perSubnet = countBy(members, (m) => m.subnetId);
  const added = new Map<string, number>();
  for (let i = 0; i < instances; i += 1) {
    let best: SubnetPlacement | undefined;
    for (const subnet of subnets) {
      if (
        best === undefined ||
        (perZone.get(subnet.availabilityZone) ?? 0) < (perZone.get(best.availabilityZone) ?? 0) ||
        ((perZone.get(subnet.availabilityZone) ?? 0) === (perZone.get(best.availabilityZone) ?? 0) &&
          (perSubnet.get(subnet.subnetId) ?? 0) < (perSubnet.get(best.subnetId) ?? 0))
      ) {
        best = subnet;
      }
    }
    if (best === undefined) break;
    perZone.set(best.availabilityZone, (perZone.get(best.availabilityZone) ?? 0) + 1);
    perSubnet.set(best.subnetId, (perSubnet.get(best.subnetId) ?? 0) + 1);
    added.set(best.subnetId, (added.get(best.subnetId) ?? 0) + 1);
  }
  return subnets.filter((s) => added.has(s.subnetId)).map((subnet) => ({ subnet, instances: added.get(subnet.subnetId) ?? 0 }));
}

/** The capacity units of these members together. */
export const sumUnits = (members: readonly Member[]) => members.reduce((total, m) => total + m.units, 0);

/** The capacity units one instance of this type provides (1 for a type the config does not list). */
export function unitsOf(instanceType: string, types: readonly InstanceTypeChoice[]): number {
  return types.find((t) => t.type === instanceType)?.weight ?? 1;
}

export interface Victim {
  readonly instanceId: string;
  readonly why: string;
}

/** Which victims go first: impaired (0, 1) before healthy, pending (0, 2) before running. */
const victimClass = (m: Member) => (m.health === 'impaired' ? 0 : 2) + (m.state === 'pending' ? 0 : 1);

const olderFirst = (a: Member, b: Member) => a.launchedAtMs - b.launchedAtMs || (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0);

/** One zone's candidates of one class, oldest first, and the first not yet taken or skipped. */
interface ZoneQueue {
  readonly zone: string;
  readonly members: Member[];
  next: number;
}

/** The candidates by class, then by zone, each zone's oldest first. */
function victimQueues(members: readonly Member[]): ZoneQueue[][] {
  const classes = Array.from({ length: 4 }, () => new Map<string, ZoneQueue>());
  for (const m of members) {
    if (m.protected) continue;
    const zones = classes[victimClass(m)] as Map<string, ZoneQueue>;
    const queue = zones.get(m.availabilityZone) ?? { zone: m.availabilityZone, members: [], next: 0 };
    queue.members.push(m);
    zones.set(m.availabilityZone, queue);
  }
  return classes.map((zones) => {
    for (const queue of zones.values()) queue.members.sort(olderFirst);
    return [...zones.values()];
  });
}

/**
 * The next victim of the first class that has one that fits: from the zone with the most
 * instances, then the oldest. An instance larger than what is left never fits again, so it is skipped for good.
 */
function nextVictim(queues: readonly ZoneQueue[][], perZone: ReadonlyMap<string, number>, remaining: number): ZoneQueue | undefined {
  for (const zones of queues) {
    let best: ZoneQueue | undefined;
    for (const queue of zones) {
      while (queue.next < queue.members.length && (queue.members[queue.next]?.units ?? 0) > remaining) queue.next += 1;
      const head = queue.members[queue.next];
      if (head === undefined) continue;
      const bestHead = best?.members[best.next];
      const count = perZone.get(queue.zone) ?? 0;
      const bestCount = best === undefined ? -1 : (perZone.get(best.zone) ?? 0);
      if (bestHead === undefined || count > bestCount || (count === bestCount && olderFirst(head, bestHead) < 0)) best = queue;
    }
    if (best !== undefined) return best;
  }
  return undefined;
}

function whyVictim(chosen: Member, perZone: ReadonlyMap<string, number>): string {
  if (chosen.health === 'impaired') return 'its status checks are impaired';
  if (chosen.state === 'pending') return 'it is still pending';
  const count = perZone.get(chosen.availabilityZone) ?? 0;
  return count > Math.min(...perZone.values()) ? `${chosen.availabilityZone} has the most instances (${count})` : 'it is the oldest in a balanced fleet';
}

/**
 * Chooses instances to remove `surplusUnits` without going under it: never a protected one;
 * impaired first, then pending, then from the zone with the most instances, then the oldest.
 * Each zone's candidates are sorted once, so choosing k victims among n costs O(n log n + k × zones).
 */
export function selectVictims(members: readonly Member[], surplusUnits: number): Victim[] {
  const perZone = countBy(members, (m) => m.availabilityZone);
  const queues = victimQueues(members);
  const victims: Victim[] = [];
  let remaining = surplusUnits;
  while (remaining > 0) {
    const queue = nextVictim(queues, perZone, remaining);
    const chosen = queue?.members[queue.next];
    if (queue === undefined || chosen === undefined) break;
    victims.push({ instanceId: chosen.instanceId, why: whyVictim(chosen, perZone) });
    queue.next += 1;
    perZone.set(chosen.availabilityZone, (perZone.get(chosen.availabilityZone) ?? 0) - 1);
    remaining -= chosen.units;
  }
  return victims;
}
