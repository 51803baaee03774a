/**
 * The SignatureVerifier on KMS: Verify with the approval key over the RAW message. KMS answers a
 * signature that does not verify with KMSInvalidSignatureException (moto with SignatureValid
 * false): both are false; any other error (no key, no permission, a disabled key) is thrown.
 */
import { type KMSClient, VerifyCommand } from '@aws-sdk/client-kms';
import type { SignatureVerifier } from '../ports/images.ts';

export class KmsVerifier implements SignatureVerifier {
  constructor(private readonly kms: KMSClient) {}

  async verify(request: Parameters<SignatureVerifier['verify']>[0]): Promise<boolean> {
    try {
      const result = await this.kms.send(
        new VerifyCommand({ KeyId: request.keyArn, Message: request.message, MessageType: 'RAW', Signature: request.signature, SigningAlgorithm: request.algorithm }),
      );
      return result.SignatureValid === true;
    } catch (error) {
      if (error instanceof Error && error.name === 'KMSInvalidSignatureException') return false;
      throw error;
    }
  }
}
