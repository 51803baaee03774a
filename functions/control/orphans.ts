/**
 * Reporting orphaned instances (../core/orphans.ts): found with one paginated DescribeInstances
 * on the fleet tag's key, logged, and told to the operators once per instance (the ledger says
 * which were told). Never acts on them. Never throws: a failure is a warning, and the count is
 * then unknown.
 */
import { type Orphan, orphanNotice, orphansOf } from '../core/orphans.ts';
import { errorKind } from '../ports/errors.ts';
import type { Clock, ComputePort, Notifier, OrphanLedger } from '../ports/index.ts';
import { type StepLogger, errorMessage } from './journal.ts';

export interface OrphanReportDependencies {
  readonly compute: ComputePort;
  readonly orphans: OrphanLedger;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly log: StepLogger;
  /** This deployment's fleetward:owner value: only its own instances can be its orphans. */
  readonly owner: string;
}

/** The orphans found (undefined when looking failed), and those told about this time. */
export interface OrphanReport {
  readonly orphans: readonly Orphan[] | undefined;
  readonly notified: readonly string[];
}

export const ORPHAN_SUBJECT = 'fleetward: instances of a fleet that is not in the config';

export async function reportOrphans(deps: OrphanReportDependencies, fleetNames: readonly string[]): Promise<OrphanReport> {
  try {
    const orphans = orphansOf(fleetNames, deps.owner, await deps.compute.describeTaggedInstances());
    if (orphans.length === 0) return { orphans, notified: [] };
    deps.log.warn('orphaned instances: their fleet is not in the config', { instances: orphans });
    const claimed = new Set(await deps.orphans.claim(orphans.map((o) => o.instanceId), deps.clock.now()));
    const fresh = orphans.filter((o) => claimed.has(o.instanceId));
    if (fresh.length > 0) {
      await deps.notifier.notify(ORPHAN_SUBJECT, orphanNotice(fresh), { instanceIds: fresh.map((o) => o.instanceId), fleets: [...new Set(fresh.map((o) => o.fleet))] });
    }
    return { orphans, notified: fresh.map((o) => o.instanceId) };
  } catch (error) {
    deps.log.warn('looking for orphaned instances failed; the next scan looks again (the next tick due one)', { error: errorMessage(error), kind: errorKind(error) });
    return { orphans: undefined, notified: [] };
  }
}
