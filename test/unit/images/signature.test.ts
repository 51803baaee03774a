// The approval signature: signed as docs/images.md says (ECDSA over the canonical text, DER, base64 in a tag), checked good, bad, missing and with the wrong key,
// with the public key locally and with KMS Verify (a recording fake): once per image per step, and a KMS failure is unverifiable (refused).
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSignature, verifySignature } from '../../../functions/control/images/verify-signature.ts';
import { MemoryVerifier } from '../../../functions/memory/images.ts';
import { signedText } from '../../../functions/core/images/signature.ts';
import { IMAGE, policyOf } from './fixtures.ts';

const pair = (namedCurve: string) => generateKeyPairSync('ec', { namedCurve });
const APPROVER = pair('prime256v1');
const STRANGER = pair('prime256v1');
const publicPem = (keys: ReturnType<typeof pair>) => keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

function signatureOf(text: string, keys = APPROVER, hash = 'sha256'): string {
  return sign(hash, Buffer.from(text), { key: keys.privateKey, dsaEncoding: 'der' }).toString('base64');
}

const policy = (signature: Record<string, unknown> = {}) => policyOf({ signature: { publicKey: publicPem(APPROVER), ...signature } });
const withTag = (value: string, tag = 'fleetward:approval-signature') => ({ ...IMAGE, tags: { ...IMAGE.tags, [tag]: value } });

describe('checkSignature', () => {
  it('signs one line: version, image id, creation date', () => {
    expect(signedText('ami-0abc', '2026-11-30T12:00:00.000Z')).toBe('fleetward-image-approval/v1 ami-0abc 2026-11-30T12:00:00.000Z');
  });

  it('accepts a good signature', () => {
    expect(checkSignature(policy(), withTag(signatureOf(signedText(IMAGE.imageId, IMAGE.creationDate))))).toBe('valid');
  });

  it('accepts a good signature in a tag of its own name, with SHA-384', () => {
    const keys = pair('secp384r1');
    const image = withTag(signatureOf(signedText(IMAGE.imageId, IMAGE.creationDate), keys, 'sha384'), 'approval');
    expect(checkSignature(policyOf({ signature: { publicKey: publicPem(keys), tag: 'approval', algorithm: 'ECDSA_SHA_384' } }), image)).toBe('valid');
  });

  it.each([
    ['another image id', signedText('ami-0other', IMAGE.creationDate)],
    ['another creation date', signedText(IMAGE.imageId, '2026-11-29T12:00:00.000Z')],
    ['the bare image id', IMAGE.imageId],
  ])('refuses a signature over %s', (_name, text) => {
    expect(checkSignature(policy(), withTag(signatureOf(text)))).toBe('invalid');
  });

  it.each([
    ['not base64', 'not base64!'],
    ['base64 that is not DER', Buffer.from('hello').toString('base64')],
  ])('refuses a tag that is %s', (_name, value) => {
    expect(checkSignature(policy(), withTag(value))).toBe('invalid');
  });

  it('finds a missing signature', () => {
    expect(checkSignature(policy(), IMAGE)).toBe('missing');
    expect(checkSignature(policy(), withTag(''))).toBe('missing');
  });

  it('refuses a signature made with another key', () => {
    expect(checkSignature(policy(), withTag(signatureOf(signedText(IMAGE.imageId, IMAGE.creationDate), STRANGER)))).toBe('invalid');
  });

  it('needs no signature when the policy asks for none', () => {
    expect(checkSignature(policyOf({}), IMAGE)).toBe('not-required');
  });
});

const KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const OTHER_KEY = 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000';
const kmsPolicy = (kmsKeyArn = KMS_KEY) => policyOf({ signature: { kmsKeyArn } });
const GOOD = signatureOf(signedText(IMAGE.imageId, IMAGE.creationDate));

/** A fake KMS holding APPROVER under KMS_KEY: it verifies as KMS would, with the key's public half. */
function kms(): MemoryVerifier {
  const verifier = new MemoryVerifier();
  verifier.keys.set(KMS_KEY, (message, signature) => checkSignature(policy(), withTag(Buffer.from(signature).toString('base64'))) === 'valid' && message === signedText(IMAGE.imageId, IMAGE.creationDate));
  return verifier;
}

describe('verifySignature with a KMS key', () => {
  it('accepts a good signature, asking KMS Verify with the key and the canonical text', async () => {
    const verifier = kms();
    expect(await verifySignature({}, verifier, kmsPolicy(), withTag(GOOD))).toBe('valid');
    expect(verifier.calls).toEqual([{ keyArn: KMS_KEY, message: signedText(IMAGE.imageId, IMAGE.creationDate) }]);
  });

  it('refuses a signature made with another key, and a bad one', async () => {
    expect(await verifySignature({}, kms(), kmsPolicy(), withTag(signatureOf(signedText(IMAGE.imageId, IMAGE.creationDate), STRANGER)))).toBe('invalid');
    expect(await verifySignature({}, kms(), kmsPolicy(), withTag(signatureOf(signedText('ami-0other', IMAGE.creationDate))))).toBe('invalid');
  });

  it('finds a missing signature without asking KMS', async () => {
    const verifier = kms();
    expect(await verifySignature({}, verifier, kmsPolicy(), IMAGE)).toBe('missing');
    expect(await verifySignature({}, verifier, kmsPolicy(), withTag('not base64!'))).toBe('invalid');
    expect(verifier.calls).toEqual([]);
  });

  it('is unverifiable, with the error, when KMS does not answer: a key it does not have, or no permission', async () => {
    const verifier = kms();
    verifier.keys.set(OTHER_KEY, Object.assign(new Error('not authorized to perform kms:Verify'), { name: 'AccessDeniedException' }));
    const missingKey = 'arn:aws:kms:us-east-1:123456789012:key/ffffffff-0000-0000-0000-000000000000';
    expect(await verifySignature({}, verifier, kmsPolicy(missingKey), withTag(GOOD))).toEqual({ unverifiable: `KMS Verify failed: NotFoundException: Key '${missingKey}' does not exist` });
    expect(await verifySignature({}, verifier, kmsPolicy(OTHER_KEY), withTag(GOOD))).toEqual({ unverifiable: 'KMS Verify failed: AccessDeniedException: not authorized to perform kms:Verify' });
  });

  it('asks KMS once per image in a step, and again in the next step', async () => {
    const verifier = kms();
    const step = {};
    const checks = await Promise.all([verifySignature(step, verifier, kmsPolicy(), withTag(GOOD)), verifySignature(step, verifier, kmsPolicy(), withTag(GOOD))]);
    expect(checks).toEqual(['valid', 'valid']);
    expect(verifier.calls).toHaveLength(1);
    expect(await verifySignature({}, verifier, kmsPolicy(), withTag(GOOD))).toBe('valid');
    expect(verifier.calls).toHaveLength(2);
  });
});
