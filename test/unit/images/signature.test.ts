// The approval signature: signed as docs/images.md says (ECDSA over the canonical text, DER, base64 in a tag), checked good, bad, missing and with the wrong key.
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSignature } from '../../../functions/control/images/verify-signature.ts';
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
