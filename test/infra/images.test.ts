// The scale function's grants for the image gate and the rolls: the two account-level reads only when a fleet has an images section, DescribeAlarms only with a roll alarm, on "*" (they have no resources), and cdk-nag's findings unchanged.
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

describe('the roll grants', () => {
  it('reads alarms (cloudwatch:DescribeAlarms on "*") only when a fleet has images.roll.alarm', () => {
    const [web] = exampleConfig.fleets;
    const withAlarm = validateConfig({ ...exampleConfig, fleets: [{ ...web, images: { roll: { alarm: 'web-5xx' } } }] });
    const withoutAlarm = validateConfig({ ...exampleConfig, fleets: [{ ...web, images: { roll: {} } }] });
    expect(actionsOf(withAlarm).filter((a) => a.action === 'cloudwatch:DescribeAlarms')).toEqual([{ action: 'cloudwatch:DescribeAlarms', resource: '*' }]);
    expect(actionsOf(withoutAlarm).filter((a) => a.action === 'cloudwatch:DescribeAlarms')).toEqual([]);
  });
});
