/**
 * Observing a fleet and deciding for it: EC2's and the target groups' view of its instances (with
 * the groups each is in, for the shell to register what is missing), its records, requests,
 * subnets, metric (when its read cadence says so), load history and a roll's images, handed to
 * the pure decision core.
 */
import type { FleetConfig } from '../core/config.ts';
import type { InstanceSignal, MetricReading, ObservedInstance, TargetHealth } from '../core/model.ts';
import { readImageView } from './images/roll-view.ts';
import { predictiveStateForStep } from './predictive-state.ts';
import { readRightsizingView } from './rightsizing-view.ts';
import { decideWithMix } from './step-mix.ts';
import { type StepDependencies, errorMessage } from './journal.ts';
import type { ComputeInstance } from '../ports/index.ts';
import { ALIVE } from '../core/step/context.ts';
import { mergeTargetHealth } from '../core/target-health.ts';
import { type CadenceInput, metricRead, notRead } from '../core/metric-cadence.ts';
import { LoadBalancingUnavailableError } from '../ports/errors.ts';

/** The groups each instance is registered in (draining from a group is not being in it). */
export type Membership = ReadonlyMap<string, ReadonlySet<string>>;

/** Each target group read once: the instances' health across them, and the groups each is in. */
async function readTargetGroups(deps: StepDependencies, fleet: FleetConfig): Promise<{ health: Map<string, TargetHealth>; membership: Membership }> {
  const perGroup = await Promise.all(fleet.targetGroups.map(async (arn) => [arn, await deps.loadBalancer.targetHealth([arn])] as const));
  const health = new Map<string, TargetHealth>();
  const membership = new Map<string, Set<string>>();
  for (const [arn, states] of perGroup) {
    for (const [instanceId, state] of states) {
      mergeTargetHealth(health, instanceId, state);
      if (state === 'draining') continue;
      const groups = membership.get(instanceId) ?? new Set<string>();
      membership.set(instanceId, groups.add(arn));
    }
  }
  return { health, membership };
}

/** The target groups' view, or none at an endpoint that does not implement load balancing (an emulator answering 501). */
async function readServableTargetGroups(deps: StepDependencies, fleet: FleetConfig) {
  try {
    return { ...(await readTargetGroups(deps, fleet)), servable: fleet };
  } catch (error) {
    if (!(error instanceof LoadBalancingUnavailableError)) throw error;
    deps.log.warn('load balancing is unavailable at this endpoint: the step goes on without target groups', { fleet: fleet.name, error: error.message });
    const note = `${error.message}: target group(s) not read, registered or deregistered this step`;
    return { health: new Map<string, TargetHealth>(), membership: new Map<string, Set<string>>(), servable: { ...fleet, targetGroups: [] }, note };
  }
}

/**
 * EC2's view merged with the target groups' view of each instance, the groups each is in, and
 * the fleet as this step can serve it (without target groups where load balancing is unavailable).
 */
async function observe(deps: StepDependencies, fleet: FleetConfig) {
  const [instances, { health, membership, servable, note }] = await Promise.all([deps.compute.describeFleetInstances(fleet.name), readServableTargetGroups(deps, fleet)]);
  const unregistered = servable.targetGroups.length > 0 ? 'not-registered' : 'unknown';
  const observed = instances.map((instance) => observedOf(instance, health.get(instance.instanceId) ?? unregistered));
  return { observed, membership: membership as Membership, fleet: servable, ...(note === undefined ? {} : { note }) };
}

/** An instance as the core reads it: field by field, so every one has the same shape (copying it stays cheap). */
function observedOf(instance: ComputeInstance, targetHealth: TargetHealth): ObservedInstance {
  return {
    instanceId: instance.instanceId,
    state: instance.state,
    health: instance.health,
    instanceType: instance.instanceType,
    subnetId: instance.subnetId,
    availabilityZone: instance.availabilityZone,
    launchTimeMs: instance.launchTimeMs,
    protected: instance.protected,
    commandId: instance.commandId,
    owner: instance.owner,
    maintenance: instance.maintenance,
    doNotDisrupt: instance.doNotDisrupt,
    imageId: instance.imageId,
    market: instance.market,
    targetHealth,
    identity: instance.identity,
  };
}

/**
 * The fleet's records, in one read for a fleet without load history; without a status, the newest
 * step in its decision log (a lost status), read only then.
 */
async function readRecords(deps: StepDependencies, fleet: FleetConfig) {
  const { status, instances, requests } = await deps.records.readFleet(fleet.name, { keepsLoadHistory: fleet.scaling.predictive !== undefined });
  if (status !== undefined) return { status, records: instances, requests };
  const [newest] = await deps.records.listDecisions(fleet.name, 1);
  if (newest === undefined) return { records: instances, requests };
  deps.log.warn('the fleet has a decision log but no status: its status was lost, and step numbers go on after the log', { fleet: fleet.name, loggedStep: newest.step });
  return { records: instances, requests, loggedStep: newest.step };
}

/** What triggered a step and what it already read: an event (not the schedule) makes it read the metric; a reading taken once is not bought again. */
export interface StepTrigger {
  readonly signals: readonly InstanceSignal[];
  readonly event?: string;
  readonly reading?: MetricReading;
}

/** The scaling metric as this step decides on it: the reading already taken, none when the cadence skips it (core/metric-cadence.ts), else read now. */
async function metricForStep(deps: StepDependencies, fleet: FleetConfig, cadence: CadenceInput, reading: MetricReading | undefined): Promise<MetricReading> {
  if (reading?.kind === 'value') return reading;
  const plan = metricRead(cadence);
  if (!plan.read) return notRead(fleet.scaling.metric, plan.why);
  const running = cadence.observed.filter((o) => ALIVE.has(o.state)).map((o) => o.instanceId);
  return deps.metrics.latest(fleet.scaling.metric, running, cadence.nowMs).catch((error: unknown) => ({
    kind: 'missing' as const,
    label: `${fleet.scaling.metric.namespace}/${fleet.scaling.metric.name}`,
    why: `reading it failed: ${errorMessage(error)}`,
  }));
}

/**
 * Observes the fleet and decides, acting on nothing; writes only a backfilled load history and the
 * mix's fetched prices, and only with `storeBackfill`. Returns the fleet as this step can serve it, for acting.
 */
export async function observeAndDecide(deps: StepDependencies, configured: FleetConfig, trigger: StepTrigger, storeBackfill: boolean) {
  const { signals } = trigger;
  const [{ status, records, requests, loggedStep }, { observed, membership, fleet, note }, subnets, predictive, images] = await Promise.all([
    readRecords(deps, configured),
    observe(deps, configured),
    deps.compute.describeSubnets(configured.subnets),
    predictiveStateForStep(deps, configured, storeBackfill),
    readImageView(deps, configured),
  ]);
  const nowMs = deps.clock.now();
  const cadence = { fleet, status, records, observed, requests, signals, nowMs, ...(trigger.event === undefined ? {} : { event: trigger.event }) };
  const metric = await metricForStep(deps, fleet, cadence, trigger.reading);
  const rightsizing = await readRightsizingView(deps, fleet, observed, nowMs);
  const input = {
    fleet,
    owner: deps.owner,
    ...(deps.deploymentFleets === undefined ? {} : { deploymentFleets: deps.deploymentFleets }),
    status,
    records,
    observed,
    subnets,
    metric,
    nowMs,
    signals,
    requests,
    ...(predictive === undefined ? {} : { predictive }),
    ...(images === undefined ? {} : { images }),
    ...(rightsizing === undefined ? {} : { rightsizing }),
    ...(loggedStep === undefined ? {} : { loggedStep }),
  };
  // A plan (storeBackfill false) writes nothing: the prices it fetches are not cached either.
  const decided = await decideWithMix(deps.mix, input, storeBackfill, deps.compute);
  const decision = note === undefined ? decided : { ...decided, notes: [note, ...decided.notes] };
  return { fleet, status, records, requests, observed, membership, metric, nowMs, decision };
}

