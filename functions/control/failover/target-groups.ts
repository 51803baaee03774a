/** A failover's target group membership: the replacement registered, then the failed instance deregistered. */
import { type FailoverStep, journaledPart } from './failover-run.ts';

export const swapTargetGroups: FailoverStep = async (run) => {
  const { fleet, deps } = run.acting;
  if (fleet.targetGroups.length === 0) return undefined;
  const groups = `${fleet.targetGroups.length} target group(s)`;
  await journaledPart(run, 'register', async () => {
    await deps.loadBalancer.register(fleet.targetGroups, run.target);
    return { instanceIds: [run.target], detail: `registered in ${groups}` };
  });
  await journaledPart(run, 'deregister', async () => {
    await deps.loadBalancer.deregister(fleet.targetGroups, run.failed);
    return { instanceIds: [run.failed], detail: `deregistered from ${groups}` };
  });
  run.done.push(`target groups -> ${run.target}`);
  return undefined;
};
