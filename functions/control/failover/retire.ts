/** Retiring the failed instance once its identity has moved: terminated, or quarantined for forensics. */
import { type FailoverStep, journaledPart } from './failover-run.ts';

export const retireFailed: FailoverStep = async (run) => {
  const { plan, failed } = run;
  const old = run.states.get(failed);
  if (old === undefined || old.state === 'terminated') return undefined;
  const { deps, fleet } = run.acting;
  await journaledPart(run, plan.retire, async () => {
    if (plan.retire === 'quarantine') await deps.compute.quarantine(failed, fleet.name, plan.cause);
    else await deps.compute.terminate([failed]);
    return { instanceIds: [failed], detail: plan.retire === 'quarantine' ? 'quarantined' : 'terminated' };
  });
  if (plan.retire === 'terminate') run.acting.terminated.push(failed);
  run.done.push(plan.retire === 'quarantine' ? `${failed} quarantined` : `${failed} terminated`);
  return undefined;
};
