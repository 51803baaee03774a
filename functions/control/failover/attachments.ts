/**
 * A failover's secondary interfaces and data volumes: the failed instance is stopped first (so
 * that volumes detach cleanly), then each is moved to the replacement at the same device, or, for
 * a cross-zone restore, each volume is restored from its latest snapshot in the replacement's zone.
 */
import { type FailoverStep, type PlacedFailover, journaledPart } from './failover-run.ts';

const STOPPED = new Set(['stopped', 'terminated']);

const hasAttachments = (run: PlacedFailover) => run.plan.identity.networkInterfaces.length + run.plan.identity.volumes.length > 0;

export const stopFailed: FailoverStep = async (run) => {
  const old = run.states.get(run.failed);
  if (!hasAttachments(run) || old === undefined || STOPPED.has(old.state)) return undefined;
  const { compute } = run.acting.deps;
  await journaledPart(run, 'stop', async () => {
    await compute.stop([run.failed], true);
    return { instanceIds: [run.failed], detail: `stopped ${run.failed} to release its interfaces and volumes` };
  });
  const now = (await compute.describeInstances([run.failed]))[0];
  if (now === undefined || STOPPED.has(now.state)) return undefined;
  return `waiting for ${run.failed} to stop (it is ${now.state}) before moving its interfaces and volumes`;
};

async function restoreVolumes(run: PlacedFailover): Promise<void> {
  const { compute } = run.acting.deps;
  for (const volume of run.plan.identity.volumes) {
    const restored = await journaledPart(run, `restore/${volume.volumeId}`, async () => {
      const result = await compute.restoreVolume(volume.volumeId, run.target, run.plan.availabilityZone, volume.device, {
        fleet: run.acting.fleet.name,
        owner: run.acting.deps.owner,
      });
      const at = new Date(result.snapshotStartMs).toISOString();
      return { instanceIds: [run.target], detail: `restored ${volume.volumeId} as ${result.volumeId} from ${result.snapshotId} of ${at}` };
    });
    run.done.push(restored.detail);
  }
}

async function moveInterfacesAndVolumes(run: PlacedFailover): Promise<void> {
  const { compute } = run.acting.deps;
  for (const eni of run.plan.identity.networkInterfaces) {
    await journaledPart(run, `eni/${eni.networkInterfaceId}`, async () => {
      await compute.moveNetworkInterface(eni.networkInterfaceId, run.target, eni.deviceIndex);
      return { instanceIds: [run.target], detail: `attached at device index ${eni.deviceIndex}` };
    });
    run.done.push(`${eni.networkInterfaceId} -> ${run.target}`);
  }
  for (const volume of run.plan.identity.volumes) {
    await journaledPart(run, `volume/${volume.volumeId}`, async () => {
      await compute.moveVolume(volume.volumeId, run.target, volume.device, true);
      return { instanceIds: [run.target], detail: `attached at ${volume.device}` };
    });
    run.done.push(`${volume.volumeId} -> ${run.target} at ${volume.device}`);
  }
}

export const moveAttachments: FailoverStep = async (run) => {
  if (!hasAttachments(run)) return undefined;
  if (run.plan.restoreVolumes) await restoreVolumes(run);
  else await moveInterfacesAndVolumes(run);
  return undefined;
};
