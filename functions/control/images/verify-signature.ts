/**
 * The approval signature check: the image's signature tag (base64, DER-encoded ECDSA) verified
 * with the configured public key over the canonical text (core/images/signature.ts), with node:crypto.
 */
import { verify } from 'node:crypto';
import type { ImagePolicy } from '../../core/config.ts';
import type { ImageFacts, SignatureCheck } from '../../core/images/facts.ts';
import { signedText } from '../../core/images/signature.ts';

type Algorithm = NonNullable<ImagePolicy['signature']>['algorithm'];

const HASH: Record<Algorithm, string> = { ECDSA_SHA_256: 'sha256', ECDSA_SHA_384: 'sha384', ECDSA_SHA_512: 'sha512' };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function checkSignature(policy: ImagePolicy, image: ImageFacts): SignatureCheck {
  const { signature } = policy;
  if (signature === undefined) return 'not-required';
  const value = image.tags[signature.tag];
  if (value === undefined || value === '') return 'missing';
  if (!BASE64.test(value)) return 'invalid';
  try {
    const message = Buffer.from(signedText(image.imageId, image.creationDate), 'utf8');
    const valid = verify(HASH[signature.algorithm], message, { key: signature.publicKey, dsaEncoding: 'der' }, Buffer.from(value, 'base64'));
    return valid ? 'valid' : 'invalid';
  } catch {
    // A signature that is not DER, or a key of another kind, does not verify.
    return 'invalid';
  }
}
