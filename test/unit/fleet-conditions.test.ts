// The scale role's tag conditions at the limits: fleet names and target group ARNs listed up to
// them, the owner tag one past them, and instances always by the owner tag.
import { describe, expect, it } from 'vitest';
import { fleetConditions, IDENTITY_FLEET_NAMES_LIMIT, TARGET_GROUP_ARNS_LIMIT, targetGroupGrant } from '../../lib/fleet-conditions.ts';

const names = (count: number) => Array.from({ length: count }, (_, i) => `fleet-${i}`);
const owned = (prefix: string) => ({ StringEquals: { [`${prefix}/fleetward:owner`]: 'owner-1' }, StringLike: { [`${prefix}/fleetward:fleet`]: '*' } });

describe('fleetConditions', () => {
  it.each([
    [1, 'fleet names'],
    [IDENTITY_FLEET_NAMES_LIMIT, 'fleet names'],
    [IDENTITY_FLEET_NAMES_LIMIT + 1, 'owner tag'],
    [500, 'owner tag'],
  ] as const)('at %i fleets proves identity resources by the %s, and instances by the owner tag', (count, proof) => {
    const conditions = fleetConditions(names(count), 'owner-1');
    expect(conditions.identityProof).toBe(proof);
    expect(conditions.onOwnInstances).toEqual(owned('ec2:ResourceTag'));
    expect(conditions.launchRequest).toEqual(owned('aws:RequestTag'));
    const listed = (prefix: string) => ({ StringEquals: { [`${prefix}/fleetward:fleet`]: names(count) } });
    expect(conditions.onIdentity).toEqual(proof === 'fleet names' ? listed('ec2:ResourceTag') : owned('ec2:ResourceTag'));
    expect(conditions.restoreRequest).toEqual(proof === 'fleet names' ? listed('aws:RequestTag') : owned('aws:RequestTag'));
  });
});

describe('targetGroupGrant', () => {
  const arns = (count: number) => Array.from({ length: count }, (_, i) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-${i}/0123456789abcdef`);

  it('lists the target groups up to the limit, with no condition', () => {
    expect(targetGroupGrant(arns(TARGET_GROUP_ARNS_LIMIT), 'any', 'owner-1')).toEqual({ resources: arns(TARGET_GROUP_ARNS_LIMIT), byOwnerTag: false });
  });

  it('grants every target group with the owner tag one past it', () => {
    expect(targetGroupGrant(arns(TARGET_GROUP_ARNS_LIMIT + 1), 'any', 'owner-1')).toEqual({
      resources: ['any'],
      conditions: { StringEquals: { 'aws:ResourceTag/fleetward:owner': 'owner-1' } },
      byOwnerTag: true,
    });
  });
});
