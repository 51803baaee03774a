/**
 * The image policy: an image's facts against the fleet's rules (owners, approval tags, age,
 * deprecation, the approval signature, the account's Allowed AMIs setting). Each failed rule is a
 * finding naming the image, the rule and its numbers.
 */
import type { ImagePolicy } from '../config.ts';
import type { AllowedImagesFacts, Finding, ImageFacts, LaunchFacts, SignatureCheck } from './facts.ts';
import { parameterOf } from './parameter.ts';

const DAY_MS = 86_400_000;

export interface ImageVerdict {
  readonly refusals: readonly Finding[];
  readonly warnings: readonly Finding[];
}

const ownerText = (image: ImageFacts) => (image.ownerAlias === undefined ? image.ownerId : `${image.ownerId} (${image.ownerAlias})`);
const ownedBy = (image: ImageFacts, owners: readonly string[]) => owners.includes(image.ownerId) || (image.ownerAlias !== undefined && owners.includes(image.ownerAlias));

function ownerRule(policy: ImagePolicy, image: ImageFacts): string | undefined {
  const owners = policy.allowedOwners;
  if (owners === undefined || ownedBy(image, owners)) return undefined;
  return `image ${image.imageId} is owned by ${ownerText(image)}, not an allowed owner (allowedOwners: ${owners.join(', ')})`;
}

function tagRules(policy: ImagePolicy, image: ImageFacts): string[] {
  return Object.entries(policy.requiredTags).flatMap(([key, value]) => {
    const found = image.tags[key];
    if (found === value) return [];
    const has = found === undefined ? 'has no tag' : `has tag ${key}=${found}, not`;
    return [`image ${image.imageId} ${has} ${key}=${value} (requiredTags)`];
  });
}

function ageRule(policy: ImagePolicy, image: ImageFacts, nowMs: number): string | undefined {
  if (policy.maxAgeDays === undefined) return undefined;
  const createdMs = image.createdAtMs;
  if (createdMs === undefined) return `image ${image.imageId} has no readable creation date (${image.creationDate}), so its age is unknown (maxAgeDays ${policy.maxAgeDays})`;
  const ageMs = nowMs - createdMs;
  if (ageMs <= policy.maxAgeDays * DAY_MS) return undefined;
  return `image ${image.imageId} is ${Math.floor(ageMs / DAY_MS)} days old (created ${image.creationDate}), over maxAgeDays ${policy.maxAgeDays}`;
}

function deprecationRule(policy: ImagePolicy, image: ImageFacts, nowMs: number): string | undefined {
  const { deprecation } = image;
  if (!policy.refuseDeprecated || deprecation === undefined || deprecation.atMs > nowMs) return undefined;
  return `image ${image.imageId} is deprecated since ${deprecation.time} (refuseDeprecated)`;
}

function signatureRule(policy: ImagePolicy, image: ImageFacts, check: SignatureCheck): string | undefined {
  const signature = policy.signature;
  if (signature === undefined || check === 'valid') return undefined;
  if (check === 'missing' || check === 'not-required') return `image ${image.imageId} has no approval signature (tag ${signature.tag})`;
  const key = signature.kmsKeyArn === undefined ? 'the configured public key' : `KMS key ${signature.kmsKeyArn}`;
  if (typeof check === 'object') return `image ${image.imageId}'s approval signature (tag ${signature.tag}) could not be verified with ${key} (${check.unverifiable}): refused until it verifies`;
  return `image ${image.imageId}'s approval signature (tag ${signature.tag}) does not verify with ${key} (${signature.algorithm})`;
}

/**
 * The Allowed AMIs rule: a refusal when enabled and no criterion's image providers include the owner,
 * a warning in audit mode or unread. A criterion without providers is left to EC2 (names, ages).
 */
function allowedImagesRule(image: ImageFacts, setting: AllowedImagesFacts): { finding: string; refuses: boolean } | undefined {
  if (setting.state === 'unreadable') return { finding: `the account's Allowed AMIs setting could not be read (${setting.why}); EC2 still applies it at launch`, refuses: false };
  if (setting.state === 'disabled' || setting.criteria.some((c) => c.imageProviders.length === 0 || ownedBy(image, c.imageProviders))) return undefined;
  const providers = setting.criteria.flatMap((c) => c.imageProviders).join(', ') || 'none';
  const finding = `image ${image.imageId} (owner ${ownerText(image)}) is not allowed by the account's Allowed AMIs setting (${setting.state}; image providers: ${providers})`;
  return { finding, refuses: setting.state === 'enabled' };
}

/** Why the image a template names is unknown: none named, a resolve:ssm: parameter not listed or not resolving, or one EC2 does not describe. */
function unknownImage(policy: ImagePolicy, imageId: string | undefined): string {
  if (imageId === undefined) return 'names no image';
  const parameter = parameterOf(imageId);
  if (parameter === undefined) return `names image ${imageId}, which EC2 does not describe (deregistered, or not shared with this account)`;
  if (!(policy.imageParameters ?? []).includes(parameter.name)) return `names image ${imageId}, a parameter images.imageParameters does not list (fleetward reads only the parameters its config names)`;
  return `names image ${imageId}, which does not resolve to an image EC2 describes (no such parameter or version, or its value is not an image id EC2 knows)`;
}

/** The image the launch resolves to, judged by the fleet's policy at nowMs. */
export function checkImage(policy: ImagePolicy, facts: LaunchFacts, signature: SignatureCheck, nowMs: number): ImageVerdict {
  const { image, template } = facts;
  if (image === undefined) {
    const subject = template.imageId ?? `${template.templateId} version ${template.version}`;
    return { refusals: [{ rule: 'image-unknown', subject, reason: `launch template ${template.templateId} version ${template.version} ${unknownImage(policy, template.imageId)}` }], warnings: [] };
  }
  const finding = (rule: string) => (reason: string | undefined) => (reason === undefined ? [] : [{ rule, subject: image.imageId, reason }]);
  const refusals: Finding[] = [
    ...finding('owner')(ownerRule(policy, image)),
    ...tagRules(policy, image).flatMap(finding('required-tag')),
    ...finding('max-age')(ageRule(policy, image, nowMs)),
    ...finding('deprecated')(deprecationRule(policy, image, nowMs)),
    ...finding('signature')(signatureRule(policy, image, signature)),
  ];
  const warnings: Finding[] = [];
  const allowed = policy.respectAllowedImages ? allowedImagesRule(image, facts.allowedImages) : undefined;
  if (allowed !== undefined) (allowed.refuses ? refusals : warnings).push({ rule: 'allowed-amis', subject: image.imageId, reason: allowed.finding });
  return { refusals, warnings };
}
