/**
 * The imperative shell around the decision core: one control step for one fleet, over ports.
 * Observe and decide without the lease; a step that changes nothing ends there, writing nothing.
 * Otherwise lease, observe and decide again (on the metric reading already taken: GetMetricData
 * bills each read), re-validate just before acting, act through the
 * action journal so a repeated or crashed run never acts twice, then record the decision with its
 * reasons. Never throws: every failure is an outcome, by its kind (./step-outcome.ts).
 */
import type { FleetConfig } from '../core/config.ts';
import type { InstanceSignal, MetricReading } from '../core/model.ts';
import { errorKind } from '../ports/errors.ts';
import { steadiness } from '../core/step/unchanged.ts';
import { act, hasWork } from './act.ts';
import { announceRoll } from './images/roll-event.ts';
import { type Acting, type StepDependencies, errorMessage } from './journal.ts';
import { type StepTrigger, observeAndDecide } from './observe.ts';
import { logStep, recordStep } from './record-step.ts';
import { type StepOutcome, stoppedBy } from './step-outcome.ts';
import { LEASE_TTL_MS } from './step-timing.ts';

export type { StepDependencies, StepLogger } from './journal.ts';
export type { StepOutcome } from './step-outcome.ts';

/** What the next step would decide for a fleet, with what it saw: acts on nothing, writes nothing. */
export async function planFleetStep(deps: StepDependencies, fleet: FleetConfig) {
  const { observed, metric, decision } = await observeAndDecide(deps, fleet, { signals: [] }, false);
  return { observed, metric, decision };
}

/** Observe, decide, act, record: the step once the lease is held (the metric read before it is not read again). */
async function stepUnderLease(deps: StepDependencies, configured: FleetConfig, trigger: string, observing: StepTrigger): Promise<StepOutcome> {
  const { fleet, status, records, requests, observed, membership, metric, nowMs, decision } = await observeAndDecide(deps, configured, observing, true);
  const acting: Acting = { deps, fleet, observed, registeredIn: membership, launched: [], terminated: [], launchSucceeded: false, capacityExclusions: [] };
  const actions = await act(acting, { decision, nowMs, records, requests });
  await announceRoll(deps, fleet, status, decision);
  const recorded = await recordStep(acting, fleet, { trigger, status, decision, metric, nowMs, actions });
  return {
    fleet: fleet.name,
    outcome: 'done',
    reason: decision.reason,
    // A step that changed nothing (seen so again under the lease) took no step number.
    step: recorded.unchanged && !recorded.heartbeat ? (status?.step ?? decision.step) : decision.step,
    desiredCapacity: decision.desiredCapacity,
    capacity: decision.capacity.currentUnits,
    launched: acting.launched,
    terminated: acting.terminated,
    launchFailed: acting.launchError !== undefined,
    unowned: decision.unowned.instanceIds.length,
    actions,
  };
}

/**
 * The step observed and decided without the lease, when it changes nothing (core/step/unchanged.ts),
 * has nothing to act on, no load point to store and no heartbeat due: logged, not recorded.
 * For a step with something to do, the metric it read: the step takes the lease and observes again
 * under it, with that reading.
 */
async function unchangedStep(deps: StepDependencies, configured: FleetConfig, trigger: string, observing: StepTrigger): Promise<StepOutcome | MetricReading> {
  const { fleet, status, records, requests, observed, membership, metric, nowMs, decision } = await observeAndDecide(deps, configured, observing, false);
  if (status === undefined || decision.loadPoint !== undefined || decision.forecastModel !== undefined) return metric;
  const steady = steadiness(status, decision.nextStatus, decision, nowMs);
  if (!steady.unchanged || steady.heartbeat) return metric;
  const acting: Acting = { deps, fleet, observed, registeredIn: membership, launched: [], terminated: [], launchSucceeded: false, capacityExclusions: [] };
  if (hasWork(acting, { decision, nowMs, records, requests })) return metric;
  logStep(deps, fleet, { trigger, decision, actions: [] }, steady.since);
  const { desiredCapacity, capacity, unowned } = decision;
  const nothing = { launched: [], terminated: [], launchFailed: false, actions: [] };
  return { fleet: fleet.name, outcome: 'done', reason: decision.reason, step: status.step, desiredCapacity, capacity: capacity.currentUnits, unowned: unowned.instanceIds.length, ...nothing };
}

/** Runs one control step for one fleet; `scheduled` false for a step an event triggered (it reads the metric whatever its cadence). Never throws: failures are returned and logged. */
export async function runFleetStep(
  deps: StepDependencies,
  fleet: FleetConfig,
  trigger: string,
  signals: readonly InstanceSignal[] = [],
  scheduled = true,
): Promise<StepOutcome> {
  const observing: StepTrigger = { signals, ...(scheduled ? {} : { event: trigger }) };
  let reading: MetricReading;
  try {
    const unchanged = await unchangedStep(deps, fleet, trigger, observing);
    if ('outcome' in unchanged) return unchanged;
    reading = unchanged;
    await deps.leases.acquire(fleet.name, deps.runId, deps.clock.now(), LEASE_TTL_MS);
  } catch (error) {
    return stoppedBy(deps, fleet, trigger, error);
  }
  try {
    return await stepUnderLease(deps, fleet, trigger, { ...observing, reading });
  } catch (error) {
    return await stoppedBy(deps, fleet, trigger, error);
  } finally {
    await deps.leases.release(fleet.name, deps.runId).catch((error: unknown) =>
      deps.log.warn('releasing the lease failed; it expires by itself', { fleet: fleet.name, error: errorMessage(error), kind: errorKind(error) }),
    );
  }
}
