/**
 * The roll phase, before the disruption methods: the roll's state after this step and what it may
 * replace (core/images/roll.ts), and the image this step's launches use while a roll holds one.
 * Without images.roll the state is dropped; without the images read, it is kept and waits.
 */
import { type ImageView, type RollDecision, ROLL_REASON, decideRoll } from '../images/roll.ts';
import type { Command, InstanceRecord, RollState } from '../model.ts';
import type { Member } from '../placement.ts';
import type { StepContext } from './context.ts';

export function planRoll(context: StepContext, images: ImageView | undefined, healthy: readonly Member[], draining: readonly InstanceRecord[]): RollDecision {
  const config = context.fleet.images?.roll;
  const previous = context.status?.roll;
  if (config === undefined) return { notes: [] };
  if (images === undefined) return { ...(previous === undefined ? {} : { state: previous }), notes: ['images.roll: the images were not read this step (see the log); the roll waits'] };
  const rollDraining = draining.filter((r) => r.drain?.reason.startsWith(ROLL_REASON) === true).length;
  return decideRoll({ config, previous, view: images, members: healthy, rollDraining, nowMs: context.nowMs });
}

/**
 * Every command that launches (a launch, a failover's replacement) starts the image the fleet
 * should run: the roll's (its target, or the previous one when rolling back) unless the launch
 * template names it (a failover whose replacement is launched already keeps it). Applied to the step's whole command list, so a new launch path gets it too.
 */
export function withRollImage(commands: readonly Command[], roll: RollState | undefined, images: ImageView | undefined): Command[] {
  const imageId = roll?.targetImageId;
  if (imageId === undefined || imageId === images?.templateImageId) return [...commands];
  const launches = (command: Command) => command.kind === 'launch' || (command.kind === 'failover' && command.plan.replacementId === undefined);
  return commands.map((command) => (launches(command) ? { ...command, imageId, reason: `${command.reason}; image ${imageId} (the roll's)` } : command));
}
