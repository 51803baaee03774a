// The scale function's grants for the image gate and the rolls: the two account-level reads only when a fleet has an images section, DescribeAlarms only with a roll alarm, on "*" (they have no resources),
// kms:Verify only on the configured approval keys and ssm:GetParameter(s) only on the configured image parameters.
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

describe('the signature and parameter grants', () => {
  const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const PUBLIC = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

  it('grants kms:Verify on the configured approval keys only, and none without one', () => {
    const [web] = exampleConfig.fleets;
    const config = validateConfig({ ...exampleConfig, fleets: [{ ...web, images: { signature: { kmsKeyArn: KEY } } }] });
    expect(actionsOf(config).filter((a) => a.action.startsWith('kms:Verify'))).toEqual([{ action: 'kms:Verify', resource: KEY }]);
    expect(actionsOf().filter((a) => a.action.startsWith('kms:Verify'))).toEqual([]);
  });

  it('grants ssm:GetParameter(s) on the named parameters only: a public one in no account, an own one in the account', () => {
    const [web] = exampleConfig.fleets;
    const config = validateConfig({ ...exampleConfig, fleets: [{ ...web, images: { imageParameters: ['/golden/web'], roll: { source: { ssmParameter: PUBLIC } } } }] });
    const granted = actionsOf(config).filter((a) => a.action.startsWith('ssm:'));
    expect(granted.map((a) => a.action)).toEqual(['ssm:GetParameter', 'ssm:GetParameters']);
    expect(JSON.stringify(granted[0]?.resource)).toContain(':ssm:');
    const resources = JSON.stringify(granted[0]?.resource);
    expect(resources).toContain('::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64');
    expect(resources).toContain(':parameter/golden/web');
    expect(asList(granted[0]?.resource)).toHaveLength(2);
    expect(actionsOf().filter((a) => a.action.startsWith('ssm:'))).toEqual([]);
  });
});
