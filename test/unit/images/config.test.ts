// The fleet's images section: its defaults, and every invalid field named at once.
import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../../functions/core/config.ts';
import { policyOf } from './fixtures.ts';

function problemsOf(images: unknown): readonly string[] {
  try {
    policyOf(images as Record<string, unknown>);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('images config', () => {
  it('has these defaults', () => {
    expect(policyOf({ signature: { publicKey: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n' }, launchTemplateChecks: {} })).toEqual({
      requiredTags: {},
      refuseDeprecated: true,
      respectAllowedImages: true,
      signature: { tag: 'fleetward:approval-signature', algorithm: 'ECDSA_SHA_256', publicKey: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n' },
      launchTemplateChecks: { mode: 'enforce', requireImdsV2: true, requireEncryptedVolumes: true, allowPublicIp: false, scanUserData: true },
    });
  });

  it('is absent unless configured: no gate', () => {
    const config = validateConfig({
      fleets: [{ name: 'web', launchTemplate: { id: 'lt-0a' }, subnets: ['subnet-0a'], instanceTypes: [{ type: 'm7g.large' }], capacity: { min: 0, max: 1 }, scaling: { metric: { namespace: 'T', name: 'L', statistic: 'Sum' }, metricType: 'total', target: 1 } }],
    });
    expect(config.fleets[0]?.images).toBeUndefined();
  });

  it('names every invalid field at once', () => {
    expect(
      problemsOf({
        allowedOwners: ['12345', 'self'],
        maxAgeDays: 0,
        signature: { kmsKeyId: 'alias/approvals', publicKey: 'not a key', algorithm: 'RSASSA_PSS_SHA_256' },
        launchTemplateChecks: { mode: 'audit', imdsv2: true },
      }),
    ).toEqual([
      'fleets[0].images.allowedOwners[0]: must be a 12-digit account id, amazon or aws-marketplace',
      'fleets[0].images.allowedOwners[1]: must be a 12-digit account id, amazon or aws-marketplace',
      'fleets[0].images.maxAgeDays: Too small: expected number to be >=1',
      'fleets[0].images.signature.algorithm: Invalid option: expected one of "ECDSA_SHA_256"|"ECDSA_SHA_384"|"ECDSA_SHA_512"',
      'fleets[0].images.signature.publicKey: must be a PEM public key (-----BEGIN PUBLIC KEY-----)',
      'fleets[0].images.signature.kmsKeyId: unknown field',
      'fleets[0].images.launchTemplateChecks.mode: Invalid option: expected one of "enforce"|"warn"',
      'fleets[0].images.launchTemplateChecks.imdsv2: unknown field',
    ]);
  });

  it('takes a roll source by name and owners or by SSM parameter, not both, and the parameters a template may resolve', () => {
    const parameter = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
    expect(policyOf({ roll: { source: { ssmParameter: parameter } }, imageParameters: [parameter] })).toMatchObject({ roll: { source: { ssmParameter: parameter } }, imageParameters: [parameter] });
    const either = 'fleets[0].images.roll.source: must name either namePattern and owners, or ssmParameter alone';
    expect(problemsOf({ roll: { source: { ssmParameter: parameter, namePattern: 'web-*', owners: ['self'] } } })).toEqual([either]);
    expect(problemsOf({ roll: { source: { namePattern: 'web-*' } } })).toEqual([either]);
    expect(problemsOf({ imageParameters: ['ami params!'] })).toEqual(['fleets[0].images.imageParameters[0]: must be an SSM parameter name (letters, digits, _ . - and / between path parts)']);
  });

  it('wants exactly one key for a signature: the public key or a KMS key ARN', () => {
    const publicKey = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n';
    const kmsKeyArn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(problemsOf({ signature: {} })).toEqual(['fleets[0].images.signature: must set exactly one of publicKey and kmsKeyArn']);
    expect(problemsOf({ signature: { publicKey, kmsKeyArn } })).toEqual(['fleets[0].images.signature: must set exactly one of publicKey and kmsKeyArn']);
    expect(problemsOf({ signature: { kmsKeyArn: 'alias/approvals' } })).toEqual([
      'fleets[0].images.signature.kmsKeyArn: must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)',
    ]);
    expect(policyOf({ signature: { kmsKeyArn } }).signature).toEqual({ tag: 'fleetward:approval-signature', algorithm: 'ECDSA_SHA_256', kmsKeyArn });
  });
});
