/**
 * The approval signature check: the image's signature tag (base64, DER-encoded ECDSA) over the
 * canonical text (core/images/signature.ts), verified with the configured public key
 * (node:crypto) or with KMS Verify on the configured key, at most once per key and image per step.
 * A KMS call that fails is `unverifiable` with its error: the image policy refuses it (fail closed).
 */
import { verify } from 'node:crypto';
import type { ImagePolicy } from '../../core/config.ts';
import type { ImageFacts, SignatureCheck } from '../../core/images/facts.ts';
import { signedText } from '../../core/images/signature.ts';
import type { SignatureVerifier, SigningAlgorithm } from '../../ports/images.ts';

const HASH: Record<SigningAlgorithm, string> = { ECDSA_SHA_256: 'sha256', ECDSA_SHA_384: 'sha384', ECDSA_SHA_512: 'sha512' };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

type Signature = NonNullable<ImagePolicy['signature']>;

const messageOf = (image: ImageFacts) => Buffer.from(signedText(image.imageId, image.creationDate), 'utf8');
const firstLine = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).split('\n')[0] ?? '';

/** The tag's signature bytes, or why there are none to verify. */
function signatureBytes(signature: Signature, image: ImageFacts): Buffer | 'missing' | 'invalid' {
  const value = image.tags[signature.tag];
  if (value === undefined || value === '') return 'missing';
  return BASE64.test(value) ? Buffer.from(value, 'base64') : 'invalid';
}

/** The signature checked with the configured public key (a policy with a KMS key is checked by verifySignature). */
export function checkSignature(policy: ImagePolicy, image: ImageFacts): SignatureCheck {
  const { signature } = policy;
  if (signature === undefined) return 'not-required';
  const bytes = signatureBytes(signature, image);
  if (typeof bytes === 'string') return bytes;
  if (signature.publicKey === undefined) return { unverifiable: 'no public key is configured' };
  try {
    return verify(HASH[signature.algorithm], messageOf(image), { key: signature.publicKey, dsaEncoding: 'der' }, bytes) ? 'valid' : 'invalid';
  } catch {
    // A signature that is not DER, or a key of another kind, does not verify.
    return 'invalid';
  }
}

async function kmsCheck(verifier: SignatureVerifier, signature: Signature & { kmsKeyArn: string }, image: ImageFacts, bytes: Buffer): Promise<SignatureCheck> {
  try {
    const valid = await verifier.verify({ keyArn: signature.kmsKeyArn, message: messageOf(image), signature: bytes, algorithm: signature.algorithm });
    return valid ? 'valid' : 'invalid';
  } catch (error) {
    return { unverifiable: `KMS Verify failed: ${firstLine(error)}` };
  }
}

/** Each step's KMS answers, by key, image and signature: a step asks KMS once per image. */
const answers = new WeakMap<object, Map<string, Promise<SignatureCheck>>>();

/**
 * The signature checked as the policy says: locally with its public key, or with KMS Verify on its
 * key, remembered for `step` (an object that lives one step, e.g. its dependencies).
 */
export function verifySignature(step: object, verifier: SignatureVerifier, policy: ImagePolicy, image: ImageFacts): Promise<SignatureCheck> {
  const { signature } = policy;
  const kmsKeyArn = signature?.kmsKeyArn;
  if (signature === undefined || kmsKeyArn === undefined) return Promise.resolve(checkSignature(policy, image));
  const bytes = signatureBytes(signature, image);
  if (typeof bytes === 'string') return Promise.resolve(bytes);
  const ofStep = answers.get(step) ?? new Map<string, Promise<SignatureCheck>>();
  answers.set(step, ofStep);
  const key = `${kmsKeyArn} ${image.imageId} ${image.creationDate} ${bytes.toString('base64')}`;
  const known = ofStep.get(key);
  if (known !== undefined) return known;
  const answer = kmsCheck(verifier, { ...signature, kmsKeyArn }, image, bytes);
  ofStep.set(key, answer);
  return answer;
}
