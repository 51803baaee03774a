// The KMS and SSM adapters over recording fake clients: what they send, and how they read what
// AWS answers where moto answers otherwise (KMSInvalidSignatureException is false, other KMS
// errors are thrown; a missing SSM parameter or a value that is no image id is undefined).
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { KmsVerifier } from '../../../functions/aws/kms-verifier.ts';
import { SsmImageParameters } from '../../../functions/aws/ssm-image-parameters.ts';

const named = (name: string) => Object.assign(new Error(`${name} happened`), { name });

/** A client whose send records each command's input and answers `answer` (or throws it). */
function recording<T>(answer: unknown): { client: T; inputs: unknown[] } {
  const inputs: unknown[] = [];
  const send = (command: { input: unknown }) => {
    inputs.push(command.input);
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  return { client: { send } as unknown as T, inputs };
}

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const request = { keyArn: KEY, message: Buffer.from('fleetward-image-approval/v1 ami-0abc 2026-11-30T12:00:00.000Z'), signature: Buffer.from('sig'), algorithm: 'ECDSA_SHA_256' as const };

describe('KmsVerifier', () => {
  it('asks Verify with the key, the RAW message, the signature and the algorithm', async () => {
    const kms = recording<KMSClient>({ SignatureValid: true });
    expect(await new KmsVerifier(kms.client).verify(request)).toBe(true);
    expect(kms.inputs).toEqual([{ KeyId: KEY, Message: request.message, MessageType: 'RAW', Signature: request.signature, SigningAlgorithm: 'ECDSA_SHA_256' }]);
  });

  it.each([
    ['KMSInvalidSignatureException (AWS)', named('KMSInvalidSignatureException')],
    ['SignatureValid false (moto)', { SignatureValid: false }],
  ])('reads %s as a signature that does not verify', async (_name, answer) => {
    expect(await new KmsVerifier(recording<KMSClient>(answer).client).verify(request)).toBe(false);
  });

  it.each(['AccessDeniedException', 'NotFoundException', 'DisabledException', 'ThrottlingException'])('throws %s: KMS did not answer', async (name) => {
    await expect(new KmsVerifier(recording<KMSClient>(named(name)).client).verify(request)).rejects.toThrow(`${name} happened`);
  });
});

describe('SsmImageParameters', () => {
  it('reads the image id a parameter (with its selector) names', async () => {
    const ssm = recording<SSMClient>({ Parameter: { Value: 'ami-0abc' } });
    expect(await new SsmImageParameters(ssm.client).imageIdOf('/golden/web:3')).toBe('ami-0abc');
    expect(ssm.inputs).toEqual([{ Name: '/golden/web:3' }]);
  });

  it.each([
    ['a value that is no image id', { Parameter: { Value: 'latest' } }],
    ['ParameterNotFound', named('ParameterNotFound')],
    ['ParameterVersionNotFound', named('ParameterVersionNotFound')],
  ])('is undefined for %s', async (_name, answer) => {
    expect(await new SsmImageParameters(recording<SSMClient>(answer).client).imageIdOf('/golden/web')).toBeUndefined();
  });

  it('throws AccessDeniedException: the parameter is not granted', async () => {
    await expect(new SsmImageParameters(recording<SSMClient>(named('AccessDeniedException')).client).imageIdOf('/golden/web')).rejects.toThrow('AccessDeniedException happened');
  });
});
