/**
 * Carries out one failover, resumably: launch the replacement, move the Elastic IPs, stop the
 * failed instance if interfaces or volumes must move, move (or restore) them, swap target group
 * membership, retire the failed instance, notify. Every step is journaled under the failover's
 * id, so a run that dies half-way resumes where it stopped and never moves anything twice.
 */
import type { Command, FailoverPlan, InstanceRecord } from '../core/model.ts';
import type { LaunchCommand } from '../ports/index.ts';
import { type Acting, launchAndRecord, runJournaled } from './journal.ts';

type FailoverCommand = Extract<Command, { kind: 'failover' }>;

const STOPPED = new Set(['stopped', 'terminated']);

/** Returns the outcome for the decision log: done, or what it waits for. */
export async function carryOutFailover(acting: Acting, command: FailoverCommand, record: InstanceRecord): Promise<string> {
  const { deps, fleet } = acting;
  const failed = command.instanceId;
  const step = (name: string): Command => ({ ...command, id: `${command.id}/${name}` });
  const done: string[] = [];
  let plan: FailoverPlan = command.plan;
  let version = record.version;

  if (record.lifecycle !== 'failing-over') {
    version = await deps.records.updateInstance(fleet.name, failed, { lifecycle: 'failing-over', reason: command.reason, failover: plan }, version);
  }

  let replacementId = plan.replacementId;
  if (replacementId === undefined) {
    const types = [
      ...fleet.instanceTypes.filter((t) => t.type === plan.instanceType),
      ...fleet.instanceTypes.filter((t) => t.type !== plan.instanceType),
    ];
    const launch: LaunchCommand = {
      kind: 'launch',
      id: `${command.id}/launch`,
      subnetId: plan.subnetId,
      availabilityZone: plan.availabilityZone,
      capacityUnits: plan.units,
      instanceTypes: types.length > 0 ? types : fleet.instanceTypes,
      reason: `replacement for ${failed}: ${plan.cause}`,
    };
    const launched = await launchAndRecord(acting, launch);
    replacementId = launched.instanceIds[0];
    if (replacementId === undefined) return `waiting: the replacement did not launch (${launched.outcome})`;
    plan = { ...plan, replacementId };
    await deps.records.updateInstance(fleet.name, failed, { failover: plan }, version);
    done.push(`launched ${replacementId} in ${plan.availabilityZone}`);
  }
  const target = replacementId;

  const states = new Map((await deps.compute.describeInstances([target, failed])).map((i) => [i.instanceId, i]));
  const replacement = states.get(target);
  if (replacement?.state !== 'running') {
    return [...done, `waiting for ${target} to run (it is ${replacement?.state ?? 'not reported yet'})`].join('; ');
  }

  for (const address of plan.identity.elasticIps) {
    await runJournaled(acting, step(`eip/${address.allocationId}`), async () => {
      await deps.compute.associateAddress(address.allocationId, target);
      return { instanceIds: [target], detail: `moved ${address.publicIp}` };
    });
    done.push(`Elastic IP ${address.publicIp} -> ${target}`);
  }

  const { networkInterfaces, volumes } = plan.identity;
  if (networkInterfaces.length + volumes.length > 0) {
    const old = states.get(failed);
    if (old !== undefined && !STOPPED.has(old.state)) {
      await runJournaled(acting, step('stop'), async () => {
        await deps.compute.stop([failed], true);
        return { instanceIds: [failed], detail: `stopped ${failed} to release its interfaces and volumes` };
      });
      const now = (await deps.compute.describeInstances([failed]))[0];
      if (now !== undefined && !STOPPED.has(now.state)) {
        return [...done, `waiting for ${failed} to stop (it is ${now.state}) before moving its interfaces and volumes`].join('; ');
      }
    }
    if (plan.restoreVolumes) {
      for (const volume of volumes) {
        const restored = await runJournaled(acting, step(`restore/${volume.volumeId}`), async () => {
          const result = await deps.compute.restoreVolume(volume.volumeId, target, plan.availabilityZone, volume.device, fleet.name);
          return {
            instanceIds: [target],
            detail: `restored ${volume.volumeId} as ${result.volumeId} from ${result.snapshotId} of ${new Date(result.snapshotStartMs).toISOString()}`,
          };
        });
        done.push(restored.detail);
      }
    } else {
      for (const eni of networkInterfaces) {
        await runJournaled(acting, step(`eni/${eni.networkInterfaceId}`), async () => {
          await deps.compute.moveNetworkInterface(eni.networkInterfaceId, target, eni.deviceIndex);
          return { instanceIds: [target], detail: `attached at device index ${eni.deviceIndex}` };
        });
        done.push(`${eni.networkInterfaceId} -> ${target}`);
      }
      for (const volume of volumes) {
        await runJournaled(acting, step(`volume/${volume.volumeId}`), async () => {
          await deps.compute.moveVolume(volume.volumeId, target, volume.device, true);
          return { instanceIds: [target], detail: `attached at ${volume.device}` };
        });
        done.push(`${volume.volumeId} -> ${target} at ${volume.device}`);
      }
    }
  }

  if (fleet.targetGroups.length > 0) {
    // Also when the launch was recovered from an interrupted run, which registered nothing.
    await runJournaled(acting, step('register'), async () => {
      await deps.loadBalancer.register(fleet.targetGroups, target);
      return { instanceIds: [target], detail: `registered in ${fleet.targetGroups.length} target group(s)` };
    });
    await runJournaled(acting, step('deregister'), async () => {
      await deps.loadBalancer.deregister(fleet.targetGroups, failed);
      return { instanceIds: [failed], detail: `deregistered from ${fleet.targetGroups.length} target group(s)` };
    });
    done.push(`target groups -> ${target}`);
  }

  if (states.get(failed) !== undefined && states.get(failed)?.state !== 'terminated') {
    await runJournaled(acting, step(plan.retire), async () => {
      if (plan.retire === 'quarantine') await deps.compute.quarantine(failed, fleet.name, plan.cause);
      else await deps.compute.terminate([failed]);
      return { instanceIds: [failed], detail: plan.retire === 'quarantine' ? 'quarantined' : 'terminated' };
    });
    if (plan.retire === 'terminate') acting.terminated.push(failed);
    done.push(plan.retire === 'quarantine' ? `${failed} quarantined` : `${failed} terminated`);
  }

  await runJournaled(acting, step('notify'), async () => {
    const detail = { fleet: fleet.name, failedInstance: failed, replacement: target, cause: plan.cause, plan, moved: done };
    await deps.notifier.notify(`fleetward: ${fleet.name} failed over ${failed} to ${target}`, plan.cause, detail);
    await deps.events.publish('Instance Failover', detail);
    return { instanceIds: [target], detail: 'notified' };
  });
  await deps.records.deleteInstance(fleet.name, failed);
  return `failed over to ${target}: ${done.join('; ')}`;
}
