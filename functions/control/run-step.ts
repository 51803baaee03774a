/**
 * The imperative shell around the decision core: one control step for one fleet, over ports.
 * Lease, observe, decide, re-validate just before acting, act through the action journal so a
 * repeated or crashed run never acts twice, then record the decision with its reasons.
 */
import type { FleetConfig } from '../core/config.ts';
import type { InstanceSignal, LaunchFailures, MetricReading, ObservedInstance } from '../core/model.ts';
import { decideStep } from '../core/step/index.ts';
import { FleetwardError, LeaseHeldError } from '../ports/errors.ts';
import type { DecisionEntry } from '../ports/index.ts';
import { act } from './act.ts';
import { predictiveStateForStep, savePredictiveState } from './predictive-state.ts';
import { type Acting, type StepDependencies, errorMessage } from './journal.ts';
import { LEASE_TTL_MS } from './step-timing.ts';

export type { StepDependencies, StepLogger } from './journal.ts';

export interface StepOutcome {
  readonly fleet: string;
  readonly outcome: 'done' | 'skipped' | 'failed';
  readonly reason: string;
  readonly step?: number;
  readonly desiredCapacity?: number;
  readonly capacity?: number;
  readonly launched: readonly string[];
  readonly terminated: readonly string[];
  readonly launchFailed: boolean;
  readonly actions: DecisionEntry['actions'];
}

const ALIVE = new Set(['pending', 'running']);

function nextLaunchFailures(acting: Acting, previous: LaunchFailures | undefined, nowMs: number): LaunchFailures | undefined {
  if (acting.launchError !== undefined) {
    return { count: (previous?.count ?? 0) + 1, lastAtMs: nowMs, lastError: acting.launchError };
  }
  return acting.launchSucceeded ? undefined : previous;
}

/** EC2's view merged with the target groups' view of each instance. */
async function observe(deps: StepDependencies, fleet: FleetConfig): Promise<ObservedInstance[]> {
  const [instances, health] = await Promise.all([
    deps.compute.describeFleetInstances(fleet.name),
    fleet.targetGroups.length > 0 ? deps.loadBalancer.targetHealth(fleet.targetGroups) : Promise.resolve(new Map()),
  ]);
  return instances.map(({ fleetTag: _fleetTag, ...instance }) => ({
    ...instance,
    targetHealth: health.get(instance.instanceId) ?? (fleet.targetGroups.length > 0 ? 'not-registered' : 'unknown'),
  }));
}

/** Observes the fleet and decides, acting on nothing; writes only a backfilled load history, and only with `storeBackfill`. */
async function observeAndDecide(deps: StepDependencies, fleet: FleetConfig, signals: readonly InstanceSignal[], storeBackfill: boolean) {
  const [status, records, requests, observed, subnets, predictive] = await Promise.all([
    deps.records.getStatus(fleet.name),
    deps.records.listInstances(fleet.name),
    deps.records.listRequests(fleet.name),
    observe(deps, fleet),
    deps.compute.describeSubnets(fleet.subnets),
    predictiveStateForStep(deps, fleet, storeBackfill),
  ]);
  const nowMs = deps.clock.now();
  const running = observed.filter((o) => ALIVE.has(o.state)).map((o) => o.instanceId);
  const metric: MetricReading = await deps.metrics.latest(fleet.scaling.metric, running, nowMs).catch((error: unknown) => ({
    kind: 'missing' as const,
    label: `${fleet.scaling.metric.namespace}/${fleet.scaling.metric.name}`,
    why: `reading it failed: ${errorMessage(error)}`,
  }));
  const decision = decideStep({ fleet, status, records, observed, subnets, metric, nowMs, signals, requests, ...(predictive === undefined ? {} : { predictive }) });
  return { status, records, requests, observed, metric, nowMs, decision };
}

/** What the next step would decide for a fleet, with what it saw: acts on nothing, writes nothing. */
export async function planFleetStep(deps: StepDependencies, fleet: FleetConfig) {
  const { observed, metric, decision } = await observeAndDecide(deps, fleet, [], false);
  return { observed, metric, decision };
}

/** Runs one control step for one fleet. Never throws: failures are returned and logged. */
export async function runFleetStep(
  deps: StepDependencies,
  fleet: FleetConfig,
  trigger: string,
  signals: readonly InstanceSignal[] = [],
): Promise<StepOutcome> {
  const empty = { launched: [], terminated: [], launchFailed: false, actions: [] };
  const startedAtMs = deps.clock.now();
  try {
    await deps.leases.acquire(fleet.name, deps.runId, startedAtMs, LEASE_TTL_MS);
  } catch (error) {
    if (error instanceof LeaseHeldError) {
      deps.log.info('another run holds the lease; skipping', { fleet: fleet.name, reason: error.message });
      return { fleet: fleet.name, outcome: 'skipped', reason: error.message, ...empty };
    }
    throw error;
  }
  try {
    const { status, records, requests, observed, metric, nowMs, decision } = await observeAndDecide(deps, fleet, signals, true);

    const acting: Acting = { deps, fleet, observed, launched: [], terminated: [], launchSucceeded: false };
    const actions = await act(acting, { decision, nowMs, records, requests });
    const launchFailures = nextLaunchFailures(acting, status?.launchFailures, nowMs);
    const { launchFailures: _previous, ...rest } = decision.nextStatus;
    await deps.records.putStatus(fleet.name, launchFailures ? { ...rest, launchFailures } : rest, status?.version);
    await savePredictiveState(deps, fleet, decision);
    await deps.records.appendDecision(fleet.name, {
      step: decision.step,
      atMs: nowMs,
      trigger,
      decision: {
        desiredCapacity: decision.desiredCapacity,
        direction: decision.direction,
        reason: decision.reason,
        ...(decision.recommendation === undefined ? {} : { recommendation: decision.recommendation }),
        capacity: decision.capacity,
        notes: decision.notes,
        dryRun: decision.dryRun,
      },
      metric,
      actions,
    });
    deps.log.info('step decided', {
      fleet: fleet.name,
      step: decision.step,
      trigger,
      desiredCapacity: decision.desiredCapacity,
      reason: decision.reason,
      notes: decision.notes,
      actions,
    });
    if (acting.launchError !== undefined) {
      await deps.notifier.notify(`fleetward: launches are failing for fleet ${fleet.name}`, acting.launchError, {
        fleet: fleet.name,
        step: decision.step,
        failures: launchFailures?.count,
      });
    }
    return {
      fleet: fleet.name,
      outcome: 'done',
      reason: decision.reason,
      step: decision.step,
      desiredCapacity: decision.desiredCapacity,
      capacity: decision.capacity.currentUnits,
      launched: acting.launched,
      terminated: acting.terminated,
      launchFailed: acting.launchError !== undefined,
      actions,
    };
  } catch (error) {
    const message = errorMessage(error);
    deps.log.error('step failed', { fleet: fleet.name, trigger, error: message, kind: error instanceof FleetwardError ? error.name : 'unexpected' });
    await deps.notifier
      .notify(`fleetward: a step failed for fleet ${fleet.name}`, message, { fleet: fleet.name, trigger })
      .catch((notifyError: unknown) => deps.log.warn('notification failed', { error: errorMessage(notifyError) }));
    return { fleet: fleet.name, outcome: 'failed', reason: message, ...empty };
  } finally {
    await deps.leases.release(fleet.name, deps.runId).catch((error: unknown) =>
      deps.log.warn('releasing the lease failed; it expires by itself', { fleet: fleet.name, error: errorMessage(error) }),
    );
  }
}
