// The scale function's grants for the exact mix: the price reads only when a fleet has a mix
// section (capacity reservations when it may use them), on "*" (they have no resources), and RunInstances on Spot requests only when a mix may
// launch Spot; and the bundle's hook that ships highs.wasm beside it.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../functions/core/config.ts';
import { asList, exampleConfig, policyStatements, synthesize } from './synth.ts';

const actionsOf = (config = exampleConfig) =>
  policyStatements(synthesize({ config }).template).flatMap((s) => asList(s.Action).map((action) => ({ action, resources: asList(s.Resource) })));

const withMix = (mix: Record<string, unknown>) => {
  const [web] = exampleConfig.fleets;
  return validateConfig({ ...exampleConfig, fleets: [{ ...web, mix }] });
};

const PRICE_READS = ['ec2:DescribeSpotPriceHistory', 'pricing:GetProducts'];
const spotRequests = (config = exampleConfig) =>
  actionsOf(config).filter((a) => a.action === 'ec2:RunInstances' && JSON.stringify(a.resources).includes('spot-instances-request'));

describe('the mix grants', () => {
  it('reads prices only when a fleet has a mix', () => {
    expect(actionsOf(withMix({})).filter((a) => PRICE_READS.includes(a.action))).toEqual(PRICE_READS.map((action) => ({ action, resources: ['*'] })));
    expect(actionsOf().filter((a) => PRICE_READS.includes(a.action))).toEqual([]);
  });

  it('reads capacity reservations only when a mix may use them', () => {
    const reads = (config = exampleConfig) => actionsOf(config).filter((a) => a.action === 'ec2:DescribeCapacityReservations');
    expect(reads(withMix({}))).toEqual([{ action: 'ec2:DescribeCapacityReservations', resources: ['*'] }]);
    expect(reads(withMix({ useReservations: false }))).toEqual([]);
    expect(reads()).toEqual([]);
  });

  it('launches Spot requests only when a mix may launch Spot', () => {
    expect(spotRequests(withMix({ maxSpotShare: 0.5 }))).toHaveLength(1);
    expect(spotRequests(withMix({ maxSpotShare: 0 }))).toEqual([]);
    expect(spotRequests()).toEqual([]);
  });

  it('may create only the Spot service-linked role, and only when a mix may launch Spot', () => {
    const createsRole = (config: typeof exampleConfig) => actionsOf(config).filter((a) => a.action === 'iam:CreateServiceLinkedRole');
    const [grant] = createsRole(withMix({ maxSpotShare: 0.5 }));
    expect(JSON.stringify(grant?.resources)).toContain(':role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot');
    expect(createsRole(withMix({ maxSpotShare: 0 }))).toEqual([]);
    expect(createsRole(exampleConfig)).toEqual([]);
  });
});
