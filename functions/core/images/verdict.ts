/**
 * The image gate's verdict on one launch: the image policy and the launch template checks
 * together. Template findings refuse the launch in enforce mode and are warnings in warn mode.
 */
import type { ImagePolicy } from '../config.ts';
import type { Finding, LaunchFacts, SignatureCheck } from './facts.ts';
import { checkTemplate } from './launch-template.ts';
import { type ImageVerdict, checkImage } from './policy.ts';

export type { ImageVerdict } from './policy.ts';

export function judgeLaunch(policy: ImagePolicy, facts: LaunchFacts, signature: SignatureCheck, nowMs: number): ImageVerdict {
  const image = checkImage(policy, facts, signature, nowMs);
  const checks = policy.launchTemplateChecks;
  const template: Finding[] = checks === undefined ? [] : checkTemplate(checks, facts);
  const enforced = checks?.mode === 'enforce';
  return {
    refusals: [...image.refusals, ...(enforced ? template : [])],
    warnings: [...image.warnings, ...(enforced ? [] : template)],
  };
}
