/** A failover's Elastic IPs: each re-associated with the replacement, once. */
import { type FailoverStep, journaledPart } from './failover-run.ts';

export const moveAddresses: FailoverStep = async (run) => {
  for (const address of run.plan.identity.elasticIps) {
    await journaledPart(run, `eip/${address.allocationId}`, async () => {
      await run.acting.deps.compute.associateAddress(address.allocationId, run.target);
      return { instanceIds: [run.target], detail: `moved ${address.publicIp}` };
    });
    run.done.push(`Elastic IP ${address.publicIp} -> ${run.target}`);
  }
  return undefined;
};
