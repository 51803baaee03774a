/**
 * The tag conditions of the scale role's EC2 statements, shaped so that the role's policy does not
 * grow with the fleets: an instance is this deployment's by its owner tag (with some fleet tag);
 * an identity resource (Elastic IP, interface, volume) by its fleet tag naming a configured fleet
 * up to IDENTITY_FLEET_NAMES_LIMIT fleets, and beyond that by the owner tag too (docs/deployment.md).
 */
import { IDENTITY_FLEET_NAMES_LIMIT, type IdentityProof, identityProofFor } from '../functions/core/identity-ownership.ts';
import { FLEET_TAG, OWNER_TAG } from '../functions/core/tags.ts';

// The limit lives with the failover's rule of what it may move, which must agree with this policy.
export { IDENTITY_FLEET_NAMES_LIMIT, type IdentityProof };

/** An IAM statement's Condition block. */
export type Conditions = Record<string, Record<string, unknown>>;

/** The conditions of each kind of statement, none of which grows with the fleets past the limit. */
export interface FleetConditions {
  /** On an instance (`ec2:ResourceTag`): this deployment's owner tag and a fleet tag. */
  readonly onOwnInstances: Conditions;
  /** On what RunInstances creates (`aws:RequestTag`): the same two tags in the request. */
  readonly launchRequest: Conditions;
  /** On an Elastic IP, interface or volume a failover moves (`ec2:ResourceTag`). */
  readonly onIdentity: Conditions;
  /** On the volume CreateVolume restores (`aws:RequestTag`). */
  readonly restoreRequest: Conditions;
  readonly identityProof: IdentityProof;
}

/** This deployment's owner tag and any fleet tag, under a condition key prefix. */
function ownedWithFleetTag(prefix: string, owner: string): Conditions {
  return { StringEquals: { [`${prefix}/${OWNER_TAG}`]: owner }, StringLike: { [`${prefix}/${FLEET_TAG}`]: '*' } };
}

/** The conditions for a deployment of these fleets with this owner tag value. */
export function fleetConditions(fleetNames: readonly string[], owner: string): FleetConditions {
  const byNames = identityProofFor(fleetNames.length) === 'fleet names';
  const identity = (prefix: string): Conditions =>
    byNames ? { StringEquals: { [`${prefix}/${FLEET_TAG}`]: [...fleetNames] } } : ownedWithFleetTag(prefix, owner);
  return {
    onOwnInstances: ownedWithFleetTag('ec2:ResourceTag', owner),
    launchRequest: ownedWithFleetTag('aws:RequestTag', owner),
    onIdentity: identity('ec2:ResourceTag'),
    restoreRequest: identity('aws:RequestTag'),
    identityProof: byNames ? 'fleet names' : 'owner tag',
  };
}

/** Up to this many target groups the ELBv2 statement lists their ARNs (about 100 characters each). */
export const TARGET_GROUP_ARNS_LIMIT = 40;

/** The target groups fleetward may register in: the configured ones by ARN, or beyond the limit those with this deployment's owner tag. */
export interface TargetGroupGrant {
  readonly resources: string[];
  readonly conditions?: Conditions;
  readonly byOwnerTag: boolean;
}

/** The grant on the configured target groups; `anyTargetGroup` is the ARN pattern of every target group of the account and region. */
export function targetGroupGrant(targetGroups: readonly string[], anyTargetGroup: string, owner: string): TargetGroupGrant {
  if (targetGroups.length <= TARGET_GROUP_ARNS_LIMIT) return { resources: [...targetGroups], byOwnerTag: false };
  return { resources: [anyTargetGroup], conditions: { StringEquals: { [`aws:ResourceTag/${OWNER_TAG}`]: owner } }, byOwnerTag: true };
}
