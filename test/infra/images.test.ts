// The scale function's grants for the image gate: the two account-level reads only when a fleet has an images section, on "*" (they have no resources), and cdk-nag's findings unchanged.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../functions/core/config.ts';
import { asList, exampleConfig, policyStatements, synthesize } from './synth.ts';

const IMAGE_READS = ['ec2:GetAllowedImagesSettings', 'ec2:GetEbsEncryptionByDefault'];

const actionsOf = (config = exampleConfig) =>
  policyStatements(synthesize({ config }).template).flatMap((s) => asList(s.Action).map((action) => ({ action, resource: s.Resource })));

describe('the image gate grants', () => {
  it('reads the Allowed AMIs setting and EBS encryption by default, on "*", when a fleet has an images section', () => {
    const [web] = exampleConfig.fleets;
    const config = validateConfig({ ...exampleConfig, fleets: [{ ...web, images: { allowedOwners: ['amazon'] } }] });
    expect(actionsOf(config).filter((a) => IMAGE_READS.includes(a.action))).toEqual(IMAGE_READS.map((action) => ({ action, resource: '*' })));
  });

  it('grants neither without one', () => {
    expect(exampleConfig.fleets.some((fleet) => fleet.images !== undefined)).toBe(false);
    expect(actionsOf().filter((a) => IMAGE_READS.includes(a.action))).toEqual([]);
  });
});
