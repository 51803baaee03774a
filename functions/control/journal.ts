/**
 * Carrying out commands at most once: every command is journaled (the ActionJournal) before its AWS
 * call, so a repeated, concurrent or interrupted run skips what is done and finishes the rest.
 * Shared by the control step and the failover executor.
 */
import type { FleetConfig } from '../core/config.ts';
import type { CapacityExclusion, Command, ObservedInstance } from '../core/model.ts';
import { errorKind, isLostRace } from '../ports/errors.ts';
import type { Clock, ComputePort, EventPublisher, ImagePorts, LaunchCommand, LoadBalancerPort, MetricsPort, Notifier, StateStores } from '../ports/index.ts';
import { gateLaunch } from './images/gate.ts';
import { excludeAfterCapacityError } from './mix-exclusion.ts';
import type { MixPorts } from './step-mix.ts';

export interface StepLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** What a step acts through: the state ports (leases, journal, records, history) and the rest. */
export interface StepDependencies extends StateStores {
  readonly compute: ComputePort;
  readonly loadBalancer: LoadBalancerPort;
  readonly metrics: MetricsPort;
  readonly clock: Clock;
  readonly notifier: Notifier;
  readonly events: EventPublisher;
  /** The image gate's ports (./images/gate.ts). */
  readonly images: ImagePorts;
  readonly log: StepLogger;
  /** This deployment's owner identity: the fleetward:owner tag of the instances it launches and manages. */
  readonly owner: string;
  /** How many fleets this deployment configures (the validated config's): it decides which identity a failover may move. Absent: 1. */
  readonly deploymentFleets?: number;
  /** Prices and solver for fleets with an exact mix; without them such fleets launch their first listed type. */
  readonly mix?: MixPorts;
  /** Identifies this run in leases and logs. */
  readonly runId: string;
}

/** What one step's acting has done so far. */
export interface Acting {
  readonly deps: StepDependencies;
  readonly fleet: FleetConfig;
  readonly observed: readonly ObservedInstance[];
  /** The target groups each observed instance is registered in (not draining from). */
  readonly registeredIn: ReadonlyMap<string, ReadonlySet<string>>;
  readonly launched: string[];
  readonly terminated: string[];
  launchError?: string;
  launchSucceeded: boolean;
  /** Mix cells EC2 had no capacity for this step: the next solve leaves them out (../core/mix/exclusions.ts). */
  readonly capacityExclusions?: CapacityExclusion[];
}

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

export interface JournaledResult {
  readonly instanceIds: readonly string[];
  readonly detail: string;
}

/** Carries out one command at most once, whatever runs came before. Returns its outcome. */
export async function runJournaled(acting: Acting, command: Command, act: () => Promise<JournaledResult>): Promise<JournaledResult> {
  const { journal, clock } = acting.deps;
  const fleet = acting.fleet.name;
  const existing = await journal.begin(fleet, command, clock.now());
  if (existing?.state === 'done') {
    const what = existing.instanceIds.join(', ') || existing.detail;
    return { instanceIds: existing.instanceIds, detail: `skipped: already done by an earlier run (${what})` };
  }
  if (existing !== undefined && command.kind === 'launch') {
    const earlier = acting.observed.filter((o) => o.commandId === command.id).map((o) => o.instanceId);
    if (earlier.length > 0) {
      await journal.finish(fleet, command.id, 'done', earlier, 'found after an interrupted run');
      return { instanceIds: earlier, detail: `skipped: an interrupted earlier run already launched ${earlier.join(', ')}` };
    }
  }
  try {
    const result = await act();
    await journal.finish(fleet, command.id, 'done', result.instanceIds, result.detail);
    return result;
  } catch (error) {
    await journal.finish(fleet, command.id, 'failed', [], errorMessage(error));
    throw error;
  }
}

/**
 * Launches through the journal and records the new instances as in-service, in batches
 * (registering them in target groups waits until they run). The image gate checks each launch first. A failure is returned and noted for the backoff; a lost
 * race stops the step.
 */
export async function launchAndRecord(acting: Acting, command: LaunchCommand): Promise<{ instanceIds: readonly string[]; outcome: string }> {
  const { deps, fleet } = acting;
  try {
    const result = await runJournaled(acting, command, async () => {
      const gate = await gateLaunch(acting, command.imageId);
      const gated = gate.imageId === undefined ? command : { ...command, imageId: gate.imageId };
      const result = await deps.compute.launch({ fleet, command: gated, owner: deps.owner });
      const launchedAtMs = deps.clock.now();
      const reason = `launched by ${command.id}: ${command.reason}`;
      const lifecycle = command.pool === true ? ('pooled' as const) : ('in-service' as const);
      await deps.records.putNewInstances(fleet.name, result.instanceIds.map((instanceId) => ({ instanceId, lifecycle, launchedAtMs, reason })));
      acting.launched.push(...result.instanceIds);
      acting.launchSucceeded = true;
      const fallback = result.skipped.length > 0 ? ` after no capacity for ${result.skipped.join(', ')}` : '';
      return { instanceIds: result.instanceIds, detail: `launched ${result.instanceIds.join(', ')} (${result.instanceType})${fallback}${gate.note}` };
    });
    return { instanceIds: result.instanceIds, outcome: result.detail };
  } catch (error) {
    if (isLostRace(error)) throw error;
    const excluded = excludeAfterCapacityError(acting, command, error);
    if (excluded !== undefined) return { instanceIds: [], outcome: `failed: ${errorMessage(error)}; ${excluded}` };
    acting.launchError = errorMessage(error);
    deps.log.error('launch failed', { fleet: fleet.name, commandId: command.id, error: acting.launchError, kind: errorKind(error) });
    return { instanceIds: [], outcome: `failed: ${acting.launchError}` };
  }
}
