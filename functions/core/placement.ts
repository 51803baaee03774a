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

/**
 * Chooses instances to remove `surplusUnits` without going under it: never a protected one;
 * impaired first, then pending, then from the zone with the most instances, then the oldest.
 */
export function selectVictims(members: readonly Member[], surplusUnits: number): Victim[] {
  const perZone = countBy(members, (m) => m.availabilityZone);
  let candidates = members.filter((m) => !m.protected);
  const victims: Victim[] = [];
  let remaining = surplusUnits;
  while (remaining > 0) {
    const fitting = candidates.filter((m) => m.units <= remaining);
    if (fitting.length === 0) break;
    const zoneCount = (m: Member) => perZone.get(m.availabilityZone) ?? 0;
    const rank = (m: Member) => [m.health === 'impaired' ? 0 : 1, m.state === 'pending' ? 0 : 1, -zoneCount(m), m.launchedAtMs];
    const ordered = [...fitting].sort((a, b) => {
      const ra = rank(a);
      const rb = rank(b);
      for (let i = 0; i < ra.length; i += 1) {
        const diff = (ra[i] ?? 0) - (rb[i] ?? 0);
        if (diff !== 0) return diff;
      }
      return a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0;
    });
    const chosen = ordered[0];
    if (chosen === undefined) break;
    const fewestInZone = Math.min(...perZone.values());
    const why =
      chosen.health === 'impaired'
        ? 'its status checks are impaired'
        : chosen.state === 'pending'
          ? 'it is still pending'
          : zoneCount(chosen) > fewestInZone
            ? `${chosen.availabilityZone} has the most instances (${zoneCount(chosen)})`
            : 'it is the oldest in a balanced fleet';
    victims.push({ instanceId: chosen.instanceId, why });
    perZone.set(chosen.availabilityZone, zoneCount(chosen) - 1);
    remaining -= chosen.units;
    candidates = candidates.filter((m) => m.instanceId !== chosen.instanceId);
  }
  return victims;
}
