/**
 * What a roll reads of images each step (core/images/roll.ts ImageView): the image the launch
 * template names, the newest image of images.roll.source that the image policy approves (the
 * gate's own rules, signature included: verified, with KMS, only of the images the other rules
 * approve, newest first, until one passes), and whether images.roll.alarm is in ALARM. A read that
 * fails is logged and the step goes on without it: the roll waits, it neither starts nor moves.
 */
import type { FleetConfig, ImagePolicy, RollConfig } from '../../core/config.ts';
import type { ImageFacts, LaunchFacts } from '../../core/images/facts.ts';
import { parameterOf } from '../../core/images/parameter.ts';
import { checkImage } from '../../core/images/policy.ts';
import type { ImageView } from '../../core/images/roll.ts';
import { errorKind } from '../../ports/errors.ts';
import type { RollSourcePort } from '../../ports/images.ts';
import { type StepDependencies, errorMessage } from '../journal.ts';
import { verifySignature } from './verify-signature.ts';

/** The newest of `candidates` (newest first) the policy approves; the signature is verified only of those the other rules pass. */
async function newestApproved(deps: StepDependencies, policy: ImagePolicy, facts: LaunchFacts, candidates: readonly ImageFacts[]): Promise<string | undefined> {
  const nowMs = deps.clock.now();
  for (const image of candidates) {
    if (checkImage(policy, { ...facts, image }, 'valid', nowMs).refusals.length > 0) continue;
    const signature = await verifySignature(deps, deps.images.verifier, policy, image);
    if (checkImage(policy, { ...facts, image }, signature, nowMs).refusals.length === 0) return image.imageId;
  }
  return undefined;
}

/** The roll's candidate images, newest first: from its SSM parameter, or named like its pattern. */
function candidatesOf(rolls: RollSourcePort, source: RollConfig['source']): Promise<ImageFacts[]> {
  if (source === undefined) return Promise.resolve([]);
  if (source.ssmParameter !== undefined) return rolls.parameterImage(source.ssmParameter);
  return rolls.imagesNamed(source.namePattern ?? '', source.owners ?? []);
}

async function read(deps: StepDependencies, fleet: FleetConfig, policy: ImagePolicy): Promise<ImageView | undefined> {
  const { roll } = policy;
  if (roll === undefined) return undefined;
  const rolls = deps.images.rolls;
  const [facts, candidates, alarmFiring] = await Promise.all([
    deps.images.launches.describeLaunch(fleet.launchTemplate, undefined, policy.imageParameters),
    candidatesOf(rolls, roll.source),
    roll.alarm === undefined ? Promise.resolve(false) : rolls.alarmFiring(roll.alarm),
  ]);
  const newestImageId = await newestApproved(deps, policy, facts, candidates);
  // A resolve:ssm: template runs the image its parameter names now.
  const templateImageId = parameterOf(facts.template.imageId) === undefined ? facts.template.imageId : facts.image?.imageId;
  return { ...(templateImageId === undefined ? {} : { templateImageId }), ...(newestImageId === undefined ? {} : { newestImageId }), alarmFiring };
}

export async function readImageView(deps: StepDependencies, fleet: FleetConfig): Promise<ImageView | undefined> {
  if (fleet.images?.roll === undefined) return undefined;
  try {
    return await read(deps, fleet, fleet.images);
  } catch (error) {
    deps.log.warn('reading the roll images failed; the roll waits', { fleet: fleet.name, error: errorMessage(error), kind: errorKind(error) });
    return undefined;
  }
}
