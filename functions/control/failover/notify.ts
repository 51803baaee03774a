/**
 * Telling the operators (SNS) and the users' automation (EventBridge) that a failover is done:
 * each journaled apart, so that a crash between them does not send the first again. The message
 * names the identity left in place, for the operator to tag or move by hand.
 */
import { type FailoverStep, journaledPart } from './failover-run.ts';

export const notifyFailover: FailoverStep = async (run) => {
  const { deps, fleet } = run.acting;
  const { failed, target, plan } = run;
  const detail = { fleet: fleet.name, failedInstance: failed, replacement: target, cause: plan.cause, plan, moved: run.done };
  await journaledPart(run, 'notify', async () => {
    const left = plan.leftInPlace === undefined ? '' : `; left in place: ${plan.leftInPlace.join('; ')}`;
    await deps.notifier.notify(`fleetward: ${fleet.name} failed over ${failed} to ${target}`, `${plan.cause}${left}`, detail);
    return { instanceIds: [target], detail: 'notified' };
  });
  await journaledPart(run, 'event', async () => {
    await deps.events.publish('Instance Failover', detail);
    return { instanceIds: [target], detail: 'published' };
  });
  return undefined;
};
