// Which identity resources a failover may carry, by the deployment's fleet count and each
// resource's owner tag, with the exact reason of each left in place.
import { describe, expect, it } from 'vitest';
import { IDENTITY_FLEET_NAMES_LIMIT, carriableIdentity, identityProofFor, lackingOwnerTag } from '../../functions/core/identity-ownership.ts';
import { type InstanceIdentity, NO_IDENTITY } from '../../functions/core/model.ts';

const OWNER = 'fleetward-prod';
const address = (owner?: string) => ({ allocationId: 'eipalloc-0a1', publicIp: '198.51.100.7', ...(owner === undefined ? {} : { owner }) });
const eni = (owner?: string) => ({ networkInterfaceId: 'eni-0b2', deviceIndex: 1, ...(owner === undefined ? {} : { owner }) });
const volume = (owner?: string) => ({ volumeId: 'vol-0c3', device: '/dev/sdf', ...(owner === undefined ? {} : { owner }) });
const only = (extra: Partial<InstanceIdentity>): InstanceIdentity => ({ ...NO_IDENTITY, ...extra });

const untagged = (what: string, fleets: number) =>
  `${what} of fleet web is not tagged fleetward:owner=${OWNER}: this deployment (${fleets} fleets) may move only identity it owns; tag it to have it carried`;
const another = (what: string) => `${what} of fleet web is tagged fleetward:owner=fleetward-staging, not ${OWNER}: it is another deployment's, and fleetward does not move it`;

describe('identityProofFor', () => {
  it.each([
    [1, 'fleet names'],
    [IDENTITY_FLEET_NAMES_LIMIT, 'fleet names'],
    [IDENTITY_FLEET_NAMES_LIMIT + 1, 'owner tag'],
  ] as const)('%i fleets: %s', (fleets, proof) => {
    expect(identityProofFor(fleets)).toBe(proof);
  });
});

describe('carriableIdentity', () => {
  it.each([
    ['100 fleets, no owner tag: the fleet tag suffices', 100, only({ elasticIps: [address()] }), only({ elasticIps: [address()] }), []],
    ['101 fleets, no owner tag: left in place', 101, only({ elasticIps: [address()] }), NO_IDENTITY, [untagged('address eipalloc-0a1 (198.51.100.7)', 101)]],
    ['101 fleets, this owner: carried', 101, only({ elasticIps: [address(OWNER)] }), only({ elasticIps: [address(OWNER)] }), []],
    ['1 fleet, another owner: left in place', 1, only({ volumes: [volume('fleetward-staging')] }), NO_IDENTITY, [another('volume vol-0c3')]],
    ['500 fleets, another owner: left in place', 500, only({ networkInterfaces: [eni('fleetward-staging')] }), NO_IDENTITY, [another('interface eni-0b2')]],
    [
      '150 fleets, a mix: each kind split apart',
      150,
      { elasticIps: [address(OWNER)], networkInterfaces: [eni()], volumes: [volume(OWNER)] },
      { elasticIps: [address(OWNER)], networkInterfaces: [], volumes: [volume(OWNER)] },
      [untagged('interface eni-0b2', 150)],
    ],
  ] as const)('%s', (_case, deploymentFleets, identity, carried, leftInPlace) => {
    const result = carriableIdentity(identity, { fleet: 'web', owner: OWNER, deploymentFleets });
    expect(result).toEqual({ carried, leftInPlace });
  });

  it('returns the same identity object when it carries everything (no change to remember)', () => {
    const identity = only({ elasticIps: [address()], volumes: [volume()] });
    expect(carriableIdentity(identity, { fleet: 'web', owner: OWNER, deploymentFleets: 3 }).carried).toBe(identity);
  });
});

describe('lackingOwnerTag', () => {
  it('names the resources without any owner tag, by kind, and not those with this or another owner', () => {
    const identity = { elasticIps: [address(), { ...address(OWNER), allocationId: 'eipalloc-0d4' }], networkInterfaces: [eni('fleetward-staging')], volumes: [volume()] };
    expect(lackingOwnerTag(identity)).toEqual([
      { kind: 'address', id: 'eipalloc-0a1' },
      { kind: 'volume', id: 'vol-0c3' },
    ]);
    expect(lackingOwnerTag(NO_IDENTITY)).toEqual([]);
  });
});
