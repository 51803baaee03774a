/**
 * `fleetward identity-untagged <fleet>`: the fleet-tagged Elastic IPs, interfaces and volumes of
 * its instances that carry no `fleetward:owner` tag, which a failover of a deployment of more than
 * 100 fleets leaves in place, and the `aws ec2 create-tags` line that tags them. Reads only.
 */
import type { Command } from 'commander';
import { identityProofFor, lackingOwnerTag } from '../../functions/core/identity-ownership.ts';
import { OWNER_TAG } from '../../functions/core/tags.ts';
import { type CliIo, type CommonOptions, type RunOptions, Session, withCommonOptions } from './session.ts';

interface UntaggedReport {
  readonly fleet: string;
  readonly owner: string;
  readonly deploymentFleets: number;
  /** Whether a failover carries them untagged today (up to 100 fleets) or leaves them in place. */
  readonly carriedUntagged: boolean;
  readonly instances: ReadonlyArray<{ readonly instanceId: string; readonly resources: ReturnType<typeof lackingOwnerTag> }>;
  /** The command that tags them all; absent when there are none. */
  readonly tagCommand?: string;
}

function render(report: UntaggedReport): string {
  const count = report.instances.reduce((sum, i) => sum + i.resources.length, 0);
  if (count === 0) return `fleet ${report.fleet}: every identity resource of its instances carries ${OWNER_TAG}=${report.owner}`;
  const mode = report.carriedUntagged
    ? `a failover carries them while the deployment has at most 100 fleets (it has ${report.deploymentFleets})`
    : `this deployment has ${report.deploymentFleets} fleets: a failover leaves them in place`;
  return [
    `fleet ${report.fleet}: ${count} identity resource(s) without ${OWNER_TAG}=${report.owner}; ${mode}`,
    ...report.instances.map((i) => `  ${i.instanceId}: ${i.resources.map((r) => `${r.kind} ${r.id}`).join(', ')}`),
    'tag them:',
    `  ${report.tagCommand ?? ''}`,
  ].join('\n');
}

export function registerIdentityUntagged(program: Command, io: CliIo, run: RunOptions): void {
  withCommonOptions(
    program
      .command('identity-untagged')
      .description("the fleet's Elastic IPs, interfaces and volumes without this deployment's owner tag, and the command that tags them")
      .argument('<fleet>', 'the fleet'),
  ).action(async (name: string, options: CommonOptions) =>
    Session.with(options, io, run, async (session) => {
      const fleet = session.fleet(name);
      const { owner } = session.deps;
      const observed = await session.deps.compute.describeFleetInstances(fleet.name);
      const instances = observed
        .map((instance) => ({ instanceId: instance.instanceId, resources: lackingOwnerTag(instance.identity) }))
        .filter((i) => i.resources.length > 0);
      const ids = instances.flatMap((i) => i.resources.map((r) => r.id));
      const deploymentFleets = session.config.fleets.length;
      const report: UntaggedReport = {
        fleet: fleet.name,
        owner,
        deploymentFleets,
        carriedUntagged: identityProofFor(deploymentFleets) === 'fleet names',
        instances,
        ...(ids.length === 0 ? {} : { tagCommand: `aws ec2 create-tags --resources ${ids.join(' ')} --tags Key=${OWNER_TAG},Value=${owner}` }),
      };
      session.print(report, render);
    }),
  );
}
