/** Telling the operators (SNS) and the users' automation (EventBridge) that a failover is done, once. */
import { type FailoverStep, journaledPart } from './failover-run.ts';

export const notifyFailover: FailoverStep = async (run) => {
  const { deps, fleet } = run.acting;
  const { failed, target, plan } = run;
  await journaledPart(run, 'notify', async () => {
    const detail = { fleet: fleet.name, failedInstance: failed, replacement: target, cause: plan.cause, plan, moved: run.done };
    await deps.notifier.notify(`fleetward: ${fleet.name} failed over ${failed} to ${target}`, plan.cause, detail);
    await deps.events.publish('Instance Failover', detail);
    return { instanceIds: [target], detail: 'notified' };
  });
  return undefined;
};
