/**
 * Which interfaces and volumes a fleet step describes to find identity, on a client answering
 * EC2's XML from a replayed fleet: only the candidates the instances' own answer names (kept
 * secondary interfaces and data volumes), by id and the fleet tag; none when there are none; the
 * fleet tag alone beyond IDENTITY_BY_ID_LIMIT candidates.
 */
import { describe, expect, it } from 'vitest';
import { Ec2Compute, IDENTITY_BY_ID_LIMIT, identityFilters } from '../../../functions/aws/ec2-compute.ts';
import { FLEET_TAG } from '../../../functions/core/tags.ts';
import { type ReplayFleet, buildReplayFleet, replayClient } from '../../fakes/ec2-replay.ts';

const FLEET = 'web';
const hex = (prefix: string, n: number) => `${prefix}-${n.toString(16).padStart(17, '0')}`;

/** The fleet's step: every request's action and filters, and each instance's identity. */
async function observe(fleet: ReplayFleet) {
  const requests: { action: string; filters: Record<string, string[]> }[] = [];
  const client = replayClient(fleet, (action, params) => {
    const filters: Record<string, string[]> = {};
    for (let i = 1; params.has(`Filter.${i}.Name`); i++) {
      filters[params.get(`Filter.${i}.Name`) ?? ''] = [...params.entries()].filter(([k]) => k.startsWith(`Filter.${i}.Value.`)).map(([, v]) => v);
    }
    requests.push({ action, filters });
  });
  const instances = await new Ec2Compute(client).describeFleetInstances(FLEET);
  return { requests, identity: new Map(instances.map((i) => [i.instanceId, i.identity])) };
}

const identityRequests = (requests: { action: string; filters: Record<string, string[]> }[]) =>
  requests.filter((r) => r.action === 'DescribeVolumes' || r.action === 'DescribeNetworkInterfaces');

describe('identityFilters', () => {
  const tagged = { Name: `tag:${FLEET_TAG}`, Values: [FLEET] };
  it.each([
    ['no candidate: no call', 0, []],
    ['3 candidates: one call on their ids', 3, [3]],
    ['450 candidates: 200 ids a call', 450, [200, 200, 50]],
    [`${IDENTITY_BY_ID_LIMIT} candidates: still by id`, IDENTITY_BY_ID_LIMIT, [200, 200, 200, 200, 200]],
  ])('%s', (_case, count, sizes) => {
    const ids = Array.from({ length: count }, (_, n) => hex('vol', n));
    const calls = identityFilters(FLEET, 'volume-id', ids);
    expect(calls.map(([tag, byId]) => [tag, byId?.Name, byId?.Values?.length])).toEqual(sizes.map((size) => [tagged, 'volume-id', size]));
    expect(calls.flatMap((filters) => filters[1]?.Values ?? [])).toEqual(ids);
  });

  it(`describes on the fleet tag alone beyond ${IDENTITY_BY_ID_LIMIT} candidates`, () => {
    const ids = Array.from({ length: IDENTITY_BY_ID_LIMIT + 1 }, (_, n) => hex('vol', n));
    expect(identityFilters(FLEET, 'volume-id', ids)).toEqual([[tagged]]);
  });
});

describe('reading a fleet step identity', () => {
  it('describes only the kept secondary interfaces and data volumes, and finds all of the identity', async () => {
    const { requests, identity } = await observe(buildReplayFleet(300, 5, FLEET_TAG, FLEET));
    expect(identityRequests(requests)).toEqual([
      { action: 'DescribeNetworkInterfaces', filters: { [`tag:${FLEET_TAG}`]: [FLEET], 'network-interface-id': [0, 1, 2, 3, 4].map((n) => hex('eni', 1e6 + n)) } },
      { action: 'DescribeVolumes', filters: { [`tag:${FLEET_TAG}`]: [FLEET], 'volume-id': [0, 1, 2, 3, 4].map((n) => hex('vol', 1e6 + n)) } },
    ]);
    expect(identity.get(hex('i', 4))).toEqual({
      elasticIps: [{ allocationId: hex('eipalloc', 4), publicIp: '198.51.100.4' }],
      networkInterfaces: [{ networkInterfaceId: hex('eni', 1e6 + 4), deviceIndex: 1 }],
      volumes: [{ volumeId: hex('vol', 1e6 + 4), device: '/dev/sdf' }],
    });
    expect(identity.get(hex('i', 5))).toEqual({ elasticIps: [], networkInterfaces: [], volumes: [] });
  });

  it('makes no interface or volume call when no instance keeps one', async () => {
    const { requests, identity } = await observe(buildReplayFleet(300, 0, FLEET_TAG, FLEET));
    expect(identityRequests(requests)).toEqual([]);
    expect(requests.filter((r) => r.action === 'DescribeAddresses')).toHaveLength(1);
    expect([...identity.values()].every((i) => i.volumes.length + i.networkInterfaces.length + i.elasticIps.length === 0)).toBe(true);
  });

  it('leaves a kept volume or interface without the fleet tag out of the identity', async () => {
    const fleet = buildReplayFleet(10, 2, FLEET_TAG, FLEET);
    const untagged = { ...fleet, volumes: fleet.volumes.map((v) => (v.id === hex('vol', 1e6) ? { ...v, tags: {} } : v)), interfaces: fleet.interfaces.map((e) => (e.id === hex('eni', 1e6 + 1) ? { ...e, tags: {} } : e)) };
    const { identity } = await observe(untagged);
    expect([identity.get(hex('i', 0))?.volumes, identity.get(hex('i', 0))?.networkInterfaces.length]).toEqual([[], 1]);
    expect([identity.get(hex('i', 1))?.volumes.length, identity.get(hex('i', 1))?.networkInterfaces]).toEqual([1, []]);
  });

  it(`finds the identity on the fleet tag alone when more than ${IDENTITY_BY_ID_LIMIT} instances keep one`, async () => {
    const count = IDENTITY_BY_ID_LIMIT + 50;
    const { requests, identity } = await observe(buildReplayFleet(count, count, FLEET_TAG, FLEET));
    expect(identityRequests(requests).map((r) => [r.action, Object.keys(r.filters)])).toEqual([
      ['DescribeNetworkInterfaces', [`tag:${FLEET_TAG}`]],
      ['DescribeVolumes', [`tag:${FLEET_TAG}`]],
    ]);
    expect([...identity.values()].filter((i) => i.volumes.length === 1 && i.networkInterfaces.length === 1 && i.elasticIps.length === 1)).toHaveLength(count);
  }, 30_000);
});
