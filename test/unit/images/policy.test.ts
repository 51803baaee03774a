// The image policy, rule by rule: each case is the facts of one launch and the exact findings.
import { describe, expect, it } from 'vitest';
import type { LaunchFacts, SignatureCheck } from '../../../functions/core/images/facts.ts';
import { checkImage } from '../../../functions/core/images/policy.ts';
import { NOW_MS, launchFacts, policyOf } from './fixtures.ts';

const PUBLIC_KEY = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----';
const KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

interface Case {
  readonly name: string;
  readonly images: Record<string, unknown>;
  readonly facts: LaunchFacts;
  readonly signature?: SignatureCheck;
  readonly refusals?: string[];
  readonly warnings?: string[];
}

const CASES: Case[] = [
  { name: 'an image that passes every rule', images: { allowedOwners: ['123456789012'], requiredTags: { approved: 'true' }, maxAgeDays: 30 }, facts: launchFacts() },
  {
    name: 'an owner not allowed',
    images: { allowedOwners: ['111122223333', 'amazon'] },
    facts: launchFacts(),
    refusals: ['owner: image ami-0abc is owned by 123456789012, not an allowed owner (allowedOwners: 111122223333, amazon)'],
  },
  { name: 'an owner allowed by its alias', images: { allowedOwners: ['amazon'] }, facts: launchFacts({ image: { ownerId: '137112412989', ownerAlias: 'amazon' } }) },
  {
    name: 'a required tag missing and one with another value',
    images: { requiredTags: { approved: 'true', stage: 'prod' } },
    facts: launchFacts({ image: { tags: { approved: 'no' } } }),
    refusals: ['required-tag: image ami-0abc has tag approved=no, not approved=true (requiredTags)', 'required-tag: image ami-0abc has no tag stage=prod (requiredTags)'],
  },
  {
    name: 'an image older than maxAgeDays',
    images: { maxAgeDays: 90 },
    facts: launchFacts({ image: { creationDate: '2026-08-01T12:00:00.000Z', createdAtMs: Date.parse('2026-08-01T12:00:00.000Z') } }),
    refusals: ['max-age: image ami-0abc is 122 days old (created 2026-08-01T12:00:00.000Z), over maxAgeDays 90'],
  },
  { name: 'an image exactly maxAgeDays old', images: { maxAgeDays: 1 }, facts: launchFacts() },
  {
    name: 'an unreadable creation date with a maximum age',
    images: { maxAgeDays: 1 },
    facts: launchFacts({ image: { creationDate: 'yesterday', createdAtMs: undefined } }),
    refusals: ['max-age: image ami-0abc has no readable creation date (yesterday), so its age is unknown (maxAgeDays 1)'],
  },
  {
    name: 'a deprecated image',
    images: {},
    facts: launchFacts({ image: { deprecation: { time: '2026-11-30T00:00:00.000Z', atMs: Date.parse('2026-11-30T00:00:00.000Z') } } }),
    refusals: ['deprecated: image ami-0abc is deprecated since 2026-11-30T00:00:00.000Z (refuseDeprecated)'],
  },
  { name: 'a deprecation still to come', images: {}, facts: launchFacts({ image: { deprecation: { time: '2027-01-01T00:00:00.000Z', atMs: Date.parse('2027-01-01T00:00:00.000Z') } } }) },
  { name: 'a deprecated image when refuseDeprecated is off', images: { refuseDeprecated: false }, facts: launchFacts({ image: { deprecation: { time: '2026-11-30T00:00:00.000Z', atMs: Date.parse('2026-11-30T00:00:00.000Z') } } }) },
  {
    name: 'a template naming an image EC2 does not describe',
    images: {},
    facts: launchFacts({ image: null }),
    refusals: ['image-unknown: launch template lt-0123456789abcdef0 version 3 names image ami-0abc, which EC2 does not describe (deregistered, or not shared with this account)'],
  },
  {
    name: 'a resolve:ssm: image whose parameter images.imageParameters does not list',
    images: {},
    facts: launchFacts({ image: null, template: { imageId: 'resolve:ssm:/golden/web' } }),
    refusals: [
      'image-unknown: launch template lt-0123456789abcdef0 version 3 names image resolve:ssm:/golden/web, a parameter images.imageParameters does not list (fleetward reads only the parameters its config names)',
    ],
  },
  {
    name: 'a resolve:ssm: image whose listed parameter does not resolve',
    images: { imageParameters: ['/golden/web'] },
    facts: launchFacts({ image: null, template: { imageId: 'resolve:ssm:/golden/web:7' } }),
    refusals: [
      'image-unknown: launch template lt-0123456789abcdef0 version 3 names image resolve:ssm:/golden/web:7, which does not resolve to an image EC2 describes (no such parameter or version, or its value is not an image id EC2 knows)',
    ],
  },
  { name: 'a resolve:ssm: image resolved to an approved image', images: { imageParameters: ['/golden/web'], requiredTags: { approved: 'true' } }, facts: launchFacts({ template: { imageId: 'resolve:ssm:/golden/web' } }) },
  { name: 'a valid signature', images: { signature: { publicKey: PUBLIC_KEY } }, facts: launchFacts(), signature: 'valid' },
  {
    name: 'a missing signature',
    images: { signature: { publicKey: PUBLIC_KEY } },
    facts: launchFacts(),
    signature: 'missing',
    refusals: ['signature: image ami-0abc has no approval signature (tag fleetward:approval-signature)'],
  },
  {
    name: 'a signature that does not verify',
    images: { signature: { publicKey: PUBLIC_KEY, tag: 'approval' } },
    facts: launchFacts(),
    signature: 'invalid',
    refusals: ["signature: image ami-0abc's approval signature (tag approval) does not verify with the configured public key (ECDSA_SHA_256)"],
  },
  {
    name: 'a signature that does not verify with the KMS key',
    images: { signature: { kmsKeyArn: KMS_KEY } },
    facts: launchFacts(),
    signature: 'invalid',
    refusals: [`signature: image ami-0abc's approval signature (tag fleetward:approval-signature) does not verify with KMS key ${KMS_KEY} (ECDSA_SHA_256)`],
  },
  {
    name: 'a signature KMS could not verify',
    images: { signature: { kmsKeyArn: KMS_KEY } },
    facts: launchFacts(),
    signature: { unverifiable: 'KMS Verify failed: AccessDeniedException: not authorized' },
    refusals: [
      `signature: image ami-0abc's approval signature (tag fleetward:approval-signature) could not be verified with KMS key ${KMS_KEY} (KMS Verify failed: AccessDeniedException: not authorized): refused until it verifies`,
    ],
  },
  {
    name: 'the Allowed AMIs setting enabled without the owner',
    images: {},
    facts: launchFacts({ allowedImages: { state: 'enabled', criteria: [{ imageProviders: ['amazon'] }, { imageProviders: ['111122223333'] }] } }),
    refusals: ["allowed-amis: image ami-0abc (owner 123456789012) is not allowed by the account's Allowed AMIs setting (enabled; image providers: amazon, 111122223333)"],
  },
  { name: 'the Allowed AMIs setting enabled with a criterion of no providers', images: {}, facts: launchFacts({ allowedImages: { state: 'enabled', criteria: [{ imageProviders: [] }] } }) },
  { name: 'the Allowed AMIs setting enabled with the owner', images: {}, facts: launchFacts({ allowedImages: { state: 'enabled', criteria: [{ imageProviders: ['123456789012'] }] } }) },
  {
    name: 'the Allowed AMIs setting in audit mode',
    images: {},
    facts: launchFacts({ allowedImages: { state: 'audit-mode', criteria: [] } }),
    warnings: ["allowed-amis: image ami-0abc (owner 123456789012) is not allowed by the account's Allowed AMIs setting (audit-mode; image providers: none)"],
  },
  {
    name: 'the Allowed AMIs setting unreadable',
    images: {},
    facts: launchFacts({ allowedImages: { state: 'unreadable', why: 'the emulator does not implement it' } }),
    warnings: ["allowed-amis: the account's Allowed AMIs setting could not be read (the emulator does not implement it); EC2 still applies it at launch"],
  },
  { name: 'the Allowed AMIs setting ignored', images: { respectAllowedImages: false }, facts: launchFacts({ allowedImages: { state: 'enabled', criteria: [] } }) },
];

describe('checkImage', () => {
  it.each(CASES)('$name', ({ images, facts, signature, refusals = [], warnings = [] }) => {
    const verdict = checkImage(policyOf(images), facts, signature ?? 'not-required', NOW_MS);
    expect(verdict.refusals.map((f) => `${f.rule}: ${f.reason}`)).toEqual(refusals);
    expect(verdict.warnings.map((f) => `${f.rule}: ${f.reason}`)).toEqual(warnings);
  });

  it('names the image as the subject of every image finding', () => {
    const verdict = checkImage(policyOf({ allowedOwners: ['amazon'], maxAgeDays: 1 }), launchFacts({ image: { createdAtMs: 0 } }), 'not-required', NOW_MS);
    expect(verdict.refusals.map((f) => f.subject)).toEqual(['ami-0abc', 'ami-0abc']);
  });
});
