/**
 * The ports the image gate and the rolls need: the facts of a launch (the launch template version,
 * its image, the account's Allowed AMIs setting), a record of the alerts already sent, so each is
 * sent once, where a roll finds its newest image and its alarm, and KMS Verify for approval signatures.
 */
import type { FleetConfig } from '../core/config.ts';
import type { ImageFacts, LaunchFacts } from '../core/images/facts.ts';

export interface LaunchFactsPort {
  /**
   * What a launch with the fleet's launch template would start, as EC2 describes it now; `imageId` in
   * place of the template's image. A `resolve:ssm:` image is resolved when its parameter is `readable`.
   */
  describeLaunch(launchTemplate: FleetConfig['launchTemplate'], imageId?: string, readable?: readonly string[]): Promise<LaunchFacts>;
}

export interface RollSourcePort {
  /** Images named like the pattern (wildcards * and ?) from these owners, newest first. */
  imagesNamed(namePattern: string, owners: readonly string[]): Promise<ImageFacts[]>;
  /** The image an SSM parameter names, as a list of none or one (a parameter or image that does not exist is none). */
  parameterImage(name: string): Promise<ImageFacts[]>;
  /** Whether the CloudWatch alarm is in ALARM (an alarm that does not exist is not). */
  alarmFiring(alarmName: string): Promise<boolean>;
}

export interface SignatureVerifier {
  /**
   * Whether KMS Verify accepts the signature (DER) over the message (RAW) with the key: false for a
   * signature that does not verify; throws when KMS does not answer (no key, no permission, disabled).
   */
  verify(request: { readonly keyArn: string; readonly message: Uint8Array; readonly signature: Uint8Array; readonly algorithm: SigningAlgorithm }): Promise<boolean>;
}

export type SigningAlgorithm = 'ECDSA_SHA_256' | 'ECDSA_SHA_384' | 'ECDSA_SHA_512';

export interface AlertLog {
  /** True the first time `key` is recorded for the fleet, false ever after (whatever run asks). */
  firstTime(fleet: string, key: string, nowMs: number): Promise<boolean>;
}

export interface ImagePorts {
  readonly launches: LaunchFactsPort;
  readonly alerts: AlertLog;
  readonly rolls: RollSourcePort;
  readonly verifier: SignatureVerifier;
}
