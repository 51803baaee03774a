/**
 * What a roll reads of images each step (core/images/roll.ts ImageView): the image the launch
 * template names, the newest image of images.roll.source that the image policy approves (the
 * gate's own rules, signature included), and whether images.roll.alarm is in ALARM. A read that
 * fails is logged and the step goes on without it: the roll waits, it neither starts nor moves.
 */
import type { FleetConfig, ImagePolicy } from '../../core/config.ts';
import type { ImageFacts, LaunchFacts } from '../../core/images/facts.ts';
import { checkImage } from '../../core/images/policy.ts';
import type { ImageView } from '../../core/images/roll.ts';
import { errorKind } from '../../ports/errors.ts';
import { type StepDependencies, errorMessage } from '../journal.ts';
import { checkSignature } from './verify-signature.ts';

/** The newest of `candidates` (newest first) the policy approves. */
function newestApproved(policy: ImagePolicy, facts: LaunchFacts, candidates: readonly ImageFacts[], nowMs: number): string | undefined {
  return candidates.find((image) => checkImage(policy, { ...facts, image }, checkSignature(policy, image), nowMs).refusals.length === 0)?.imageId;
}

async function read(deps: StepDependencies, fleet: FleetConfig, policy: ImagePolicy): Promise<ImageView | undefined> {
  const { roll } = policy;
  if (roll === undefined) return undefined;
  const rolls = deps.images.rolls;
  const [facts, candidates, alarmFiring] = await Promise.all([
    deps.images.launches.describeLaunch(fleet.launchTemplate),
    roll.source === undefined ? Promise.resolve([]) : rolls.imagesNamed(roll.source.namePattern, roll.source.owners),
    roll.alarm === undefined ? Promise.resolve(false) : rolls.alarmFiring(roll.alarm),
  ]);
  const newestImageId = newestApproved(policy, facts, candidates, deps.clock.now());
  const templateImageId = facts.template.imageId;
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
