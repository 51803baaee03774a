/**
 * Which of a failed instance's identity resources (Elastic IPs, interfaces, volumes) a failover
 * may carry, decided before any of them is touched: the rest stay where they are, each with a
 * reason. The rule follows what the role's policy allows (lib/fleet-conditions.ts): up to
 * IDENTITY_FLEET_NAMES_LIMIT fleets the fleet tag suffices, beyond that only resources carrying
 * this deployment's owner tag may be moved; one carrying another deployment's owner tag never is.
 */
import type { InstanceIdentity, ResourceOwner } from './model.ts';
import { OWNER_TAG } from './tags.ts';

/** Up to this many fleets the role's identity statements list the fleet names (4 statements of at most 43 characters a name); beyond, they require the owner tag. */
export const IDENTITY_FLEET_NAMES_LIMIT = 100;

/** How an identity resource is proven this deployment's: its fleet tag names a fleet, or it carries the owner tag. */
export type IdentityProof = 'fleet names' | 'owner tag';

export const identityProofFor = (deploymentFleets: number): IdentityProof => (deploymentFleets <= IDENTITY_FLEET_NAMES_LIMIT ? 'fleet names' : 'owner tag');

export interface IdentityOwnership {
  readonly fleet: string;
  /** This deployment's owner tag value. */
  readonly owner: string;
  /** How many fleets this deployment configures: it decides the proof IAM asks for. */
  readonly deploymentFleets: number;
}

export interface CarriedIdentity {
  /** What the failover may move. */
  readonly carried: InstanceIdentity;
  /** Why each other resource stays where it is. */
  readonly leftInPlace: readonly string[];
}

/** Why this resource may not be moved, or undefined when it may. */
function whyLeft(what: string, resource: ResourceOwner, ownership: IdentityOwnership): string | undefined {
  const { fleet, owner, deploymentFleets } = ownership;
  if (resource.owner === owner) return undefined;
  if (resource.owner !== undefined) {
    return `${what} of fleet ${fleet} is tagged ${OWNER_TAG}=${resource.owner}, not ${owner}: it is another deployment's, and fleetward does not move it`;
  }
  if (identityProofFor(deploymentFleets) === 'fleet names') return undefined;
  return `${what} of fleet ${fleet} is not tagged ${OWNER_TAG}=${owner}: this deployment (${deploymentFleets} fleets) may move only identity it owns; tag it to have it carried`;
}

/** Splits one kind of resource into those carried and the reasons of those left. */
function split<T extends ResourceOwner>(resources: readonly T[], describe: (resource: T) => string, ownership: IdentityOwnership, left: string[]): T[] {
  return resources.filter((resource) => {
    const why = whyLeft(describe(resource), resource, ownership);
    if (why !== undefined) left.push(why);
    return why === undefined;
  });
}

/** The identity a failover carries, and why the rest is left in place. Pure. */
export function carriableIdentity(identity: InstanceIdentity, ownership: IdentityOwnership): CarriedIdentity {
  const leftInPlace: string[] = [];
  const elasticIps = split(identity.elasticIps, (e) => `address ${e.allocationId} (${e.publicIp})`, ownership, leftInPlace);
  const networkInterfaces = split(identity.networkInterfaces, (n) => `interface ${n.networkInterfaceId}`, ownership, leftInPlace);
  const volumes = split(identity.volumes, (v) => `volume ${v.volumeId}`, ownership, leftInPlace);
  if (leftInPlace.length === 0) return { carried: identity, leftInPlace };
  return { carried: { elasticIps, networkInterfaces, volumes }, leftInPlace };
}

/** An identity resource by its id, as `aws ec2 create-tags --resources` takes it. */
export interface IdentityResource {
  readonly kind: 'address' | 'interface' | 'volume';
  readonly id: string;
}

/** The identity resources that carry no owner tag at all: those to tag for a failover beyond the limit to carry them. Pure. */
export function lackingOwnerTag(identity: InstanceIdentity): IdentityResource[] {
  return [
    ...identity.elasticIps.filter((e) => e.owner === undefined).map((e) => ({ kind: 'address' as const, id: e.allocationId })),
    ...identity.networkInterfaces.filter((n) => n.owner === undefined).map((n) => ({ kind: 'interface' as const, id: n.networkInterfaceId })),
    ...identity.volumes.filter((v) => v.owner === undefined).map((v) => ({ kind: 'volume' as const, id: v.volumeId })),
  ];
}
