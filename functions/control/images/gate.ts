/**
 * The image gate, before every launch: the launch's facts judged by the fleet's image policy
 * (core/images/verdict.ts), once per step and image (a roll's launches name theirs), the
 * signature verified locally or with KMS. A refusal throws ImageRefusedError naming the image or
 * template and the rule (the launch fails and feeds the launch backoff; nothing is terminated);
 * a warning lets the launch go on and is noted. A resolve:ssm: template's image is pinned: the
 * launch names the image judged. Each finding is alerted once (SNS and an EventBridge Image
 * Refused or Image Warning event), remembered across steps in the AlertLog.
 */
import type { ImagePolicy } from '../../core/config.ts';
import { FleetwardError } from '../../core/errors.ts';
import type { Finding } from '../../core/images/facts.ts';
import { parameterOf } from '../../core/images/parameter.ts';
import { type ImageVerdict, judgeLaunch } from '../../core/images/verdict.ts';
import { errorKind } from '../../ports/errors.ts';
import type { Acting } from '../journal.ts';
import { verifySignature } from './verify-signature.ts';

export class ImageRefusedError extends FleetwardError {}

/** A verdict, and the image a resolve:ssm: template resolved to (the launch names it, so EC2 starts the image judged). */
interface Judged extends ImageVerdict {
  readonly resolvedImageId?: string;
}

/** Each step's verdicts, by the image a launch names ('' for the template's). */
const verdicts = new WeakMap<Acting, Map<string, Promise<Judged>>>();

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
const listed = (findings: readonly Finding[]) => findings.map((f) => `${f.reason} [${f.rule}]`).join('; ');

async function judge(acting: Acting, policy: ImagePolicy, imageId: string | undefined): Promise<Judged> {
  const { deps, fleet } = acting;
  const facts = await deps.images.launches.describeLaunch(fleet.launchTemplate, imageId, policy.imageParameters);
  const signature = facts.image === undefined ? 'not-required' : await verifySignature(deps, deps.images.verifier, policy, facts.image);
  const verdict = judgeLaunch(policy, facts, signature, deps.clock.now());
  await alertOnce(acting, verdict.refusals, 'Image Refused');
  await alertOnce(acting, verdict.warnings, 'Image Warning');
  const resolved = imageId === undefined && parameterOf(facts.template.imageId) !== undefined ? facts.image?.imageId : undefined;
  return { ...verdict, ...(resolved === undefined ? {} : { resolvedImageId: resolved }) };
}

/** Sends each finding's alert unless an earlier step did; an alert that fails is a warning in the log. */
async function alertOnce(acting: Acting, findings: readonly Finding[], detailType: 'Image Refused' | 'Image Warning'): Promise<void> {
  const { deps, fleet } = acting;
  for (const finding of findings) {
    if (!(await deps.images.alerts.firstTime(fleet.name, `${finding.rule}#${finding.subject}`, deps.clock.now()))) continue;
    const detail = { fleet: fleet.name, rule: finding.rule, subject: finding.subject, reason: finding.reason };
    const what = detailType === 'Image Refused' ? 'launch refused' : 'launch warning';
    await Promise.all([deps.notifier.notify(`fleetward: ${what} for fleet ${fleet.name} (${finding.rule})`, finding.reason, detail), deps.events.publish(detailType, detail)]).catch(
      (error: unknown) => deps.log.warn('image alert failed', { fleet: fleet.name, error: errorMessage(error), kind: errorKind(error) }),
    );
  }
}

/**
 * Checks the launch the fleet is about to make: throws ImageRefusedError when the policy refuses
 * it; otherwise returns a note of its warnings for the launch's outcome ('' without any) and the
 * image the launch must name (`imageId`, or the image a resolve:ssm: template resolved to).
 */
export async function gateLaunch(acting: Acting, imageId?: string): Promise<{ readonly note: string; readonly imageId?: string }> {
  const policy = acting.fleet.images;
  if (policy === undefined) return { note: '', ...(imageId === undefined ? {} : { imageId }) };
  const ofStep = verdicts.get(acting) ?? new Map<string, Promise<Judged>>();
  verdicts.set(acting, ofStep);
  let verdict = ofStep.get(imageId ?? '');
  if (verdict === undefined) {
    verdict = judge(acting, policy, imageId);
    ofStep.set(imageId ?? '', verdict);
  }
  const { refusals, warnings, resolvedImageId } = await verdict;
  if (refusals.length > 0) throw new ImageRefusedError(`the image policy refused the launch: ${listed(refusals)}`);
  const launched = imageId ?? resolvedImageId;
  return { note: warnings.length === 0 ? '' : `; image policy warnings: ${listed(warnings)}`, ...(launched === undefined ? {} : { imageId: launched }) };
}
