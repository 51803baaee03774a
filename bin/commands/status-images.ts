/**
 * The image columns of `fleetward status`, for fleets with an `images` section: the image the
 * fleet launches (a roll's, else the launch template's), the newest approved one (images.roll.source),
 * how many live instances run each image, and the roll's state. Reads only.
 */
import type { FleetConfig } from '../../functions/core/config.ts';
import type { ImageView } from '../../functions/core/images/roll.ts';
import type { FleetStatus, RollState } from '../../functions/core/model.ts';
import type { ComputeInstance } from '../../functions/ports/index.ts';
import type { StepDependencies } from '../../functions/control/journal.ts';
import { readImageView } from '../../functions/control/images/roll-view.ts';

export interface ImagesView {
  /** The image new instances get; null when the launch template's could not be read. */
  readonly inUse: string | null;
  /** Null without images.roll.source, or when no candidate is approved. */
  readonly newestApproved: string | null;
  /** Live instances by the image they run ('unknown' when EC2 does not say). */
  readonly instancesByImage: Readonly<Record<string, number>>;
  readonly roll: RollState | null;
}

const LIVE = new Set<string>(['pending', 'running', 'stopping', 'stopped']);

async function templateImage(deps: StepDependencies, fleet: FleetConfig): Promise<ImageView | undefined> {
  if (fleet.images?.roll !== undefined) return readImageView(deps, fleet);
  const facts = await deps.images.launches.describeLaunch(fleet.launchTemplate).catch(() => undefined);
  const templateImageId = facts?.template.imageId;
  return templateImageId === undefined ? undefined : { templateImageId, alarmFiring: false };
}

export async function viewImages(deps: StepDependencies, fleet: FleetConfig, status: FleetStatus | undefined, observed: readonly ComputeInstance[]): Promise<ImagesView | undefined> {
  if (fleet.images === undefined) return undefined;
  const images = await templateImage(deps, fleet);
  const roll = fleet.images.roll === undefined ? undefined : status?.roll;
  const instancesByImage: Record<string, number> = {};
  for (const instance of observed) if (LIVE.has(instance.state)) instancesByImage[instance.imageId ?? 'unknown'] = (instancesByImage[instance.imageId ?? 'unknown'] ?? 0) + 1;
  return { inUse: roll?.targetImageId ?? images?.templateImageId ?? null, newestApproved: images?.newestImageId ?? null, instancesByImage, roll: roll ?? null };
}

const on = (view: ImagesView, imageId: string) => `${view.instancesByImage[imageId] ?? 0} instance${view.instancesByImage[imageId] === 1 ? '' : 's'}`;

export function renderImages(view: ImagesView, checkpoints: number): string {
  const inUse = view.inUse === null ? 'in use unknown' : `in use ${view.inUse} (${on(view, view.inUse)})`;
  const newest =
    view.newestApproved === null ? '' : view.newestApproved === view.inUse ? ', the newest approved' : `, newest approved ${view.newestApproved} (${on(view, view.newestApproved)})`;
  const others = Object.entries(view.instancesByImage)
    .filter(([image]) => image !== view.inUse && image !== view.newestApproved)
    .map(([image, count]) => `${image} (${count})`);
  const other = others.length === 0 ? '' : `, others ${others.join(', ')}`;
  const { roll } = view;
  const back = roll?.phase === 'rolling-back' || roll?.phase === 'rolled-back';
  const where = back ? '' : `, checkpoint ${(roll?.checkpoint ?? 0) + 1} of ${checkpoints}`;
  const state = roll === null ? '' : `; roll ${roll.phase}, onto ${roll.targetImageId} from ${roll.previousImageId}${where}: ${roll.reason}`;
  return `images: ${inUse}${newest}${other}${state}`;
}
