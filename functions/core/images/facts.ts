/**
 * What the image gate knows about a launch, as the shell read it from EC2: the launch template
 * version in use, the image it resolves to, and the account's Allowed AMIs setting.
 */

export interface VolumeFacts {
  readonly device: string;
  /** Undefined: the mapping does not say (the snapshot's or the account's default decides). */
  readonly encrypted?: boolean;
}

export interface ImageFacts {
  readonly imageId: string;
  readonly name: string;
  readonly ownerId: string;
  /** amazon, aws-marketplace… as EC2 reports it; absent for an account's own images. */
  readonly ownerAlias?: string;
  /** Exactly as EC2 reports it (ISO 8601): the approval signature covers this text. */
  readonly creationDate: string;
  /** The creation date in ms since the epoch; undefined when EC2's text does not read as a date. */
  readonly createdAtMs?: number;
  /** When the image is (or was) deprecated: as EC2 reports it, and in ms since the epoch. */
  readonly deprecation?: { readonly time: string; readonly atMs: number };
  readonly tags: Readonly<Record<string, string>>;
  readonly volumes: readonly VolumeFacts[];
}

export interface AllowedImagesCriterion {
  readonly imageProviders: readonly string[];
}

/** The account's EC2 "Allowed AMIs" setting, or why it could not be read. */
export type AllowedImagesFacts =
  | { readonly state: 'enabled' | 'audit-mode' | 'disabled'; readonly criteria: readonly AllowedImagesCriterion[] }
  | { readonly state: 'unreadable'; readonly why: string };

export interface TemplateFacts {
  readonly templateId: string;
  readonly version: number;
  readonly imageId?: string;
  /** MetadataOptions.HttpTokens; undefined when the template does not set it. */
  readonly httpTokens?: string;
  readonly volumes: readonly VolumeFacts[];
  /** Some network interface of the template asks for a public IP address. */
  readonly publicIp: boolean;
  /** The user data, decoded from base64; undefined when there is none. */
  readonly userData?: string;
}

export interface LaunchFacts {
  readonly template: TemplateFacts;
  /** Undefined when the template names no image or EC2 does not know it. */
  readonly image?: ImageFacts;
  readonly allowedImages: AllowedImagesFacts;
  /** The account encrypts new EBS volumes by default in this region. */
  readonly encryptionByDefault: boolean;
}

/** The approval signature as the shell found and verified it; unverifiable: KMS did not answer, and why. */
export type SignatureCheck = 'not-required' | 'valid' | 'invalid' | 'missing' | { readonly unverifiable: string };

/** One rule a launch failed: `rule` names it, `subject` what failed it, `reason` says why with its numbers. */
export interface Finding {
  readonly rule: string;
  /** The image id, or the launch template and version. */
  readonly subject: string;
  readonly reason: string;
}
