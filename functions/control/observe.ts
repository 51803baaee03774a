/**
 * Observing a fleet and deciding for it: EC2's and the target groups' view of its instances (with
 * the groups each is in, for the shell to register what is missing), its records, requests,
 * subnets, metric, load history and a roll's images, handed to the pure decision core.
 */
import type { FleetConfig } from '../core/config.ts';
import type { FleetStatus, InstanceSignal, MetricReading, ObservedInstance, TargetHealth } from '../core/model.ts';
import { decideStep } from '../core/step/index.ts';
import { readImageView } from './images/roll-view.ts';
import { predictiveStateForStep } from './predictive-state.ts';
import { type StepDependencies, errorMessage } from './journal.ts';
import type { ComputeInstance } from '../ports/index.ts';
import { ALIVE } from '../core/step/context.ts';
import { mergeTargetHealth } from '../core/target-health.ts';

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

/** EC2's view merged with the target groups' view of each instance, and the groups each is in. */
async function observe(deps: StepDependencies, fleet: FleetConfig): Promise<{ observed: ObservedInstance[]; membership: Membership }> {
  const [instances, { health, membership }] = await Promise.all([deps.compute.describeFleetInstances(fleet.name), readTargetGroups(deps, fleet)]);
  const unregistered = fleet.targetGroups.length > 0 ? 'not-registered' : 'unknown';
  return { observed: instances.map((instance) => observedOf(instance, health.get(instance.instanceId) ?? unregistered)), membership };
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
    imageId: instance.imageId,
    targetHealth,
    identity: instance.identity,
  };
}

/** The fleet's status; without one, the newest step in its decision log (a lost status), read only then. */
async function statusOrLoggedStep(deps: StepDependencies, fleet: FleetConfig): Promise<{ status?: FleetStatus; loggedStep?: number }> {
  const status = await deps.records.getStatus(fleet.name);
  if (status !== undefined) return { status };
  const [newest] = await deps.records.listDecisions(fleet.name, 1);
  if (newest === undefined) return {};
  deps.log.warn('the fleet has a decision log but no status: its status was lost, and step numbers go on after the log', { fleet: fleet.name, loggedStep: newest.step });
  return { loggedStep: newest.step };
}

/** Observes the fleet and decides, acting on nothing; writes only a backfilled load history, and only with `storeBackfill`. */
export async function observeAndDecide(deps: StepDependencies, fleet: FleetConfig, signals: readonly InstanceSignal[], storeBackfill: boolean) {
  const [{ status, loggedStep }, records, requests, { observed, membership }, subnets, predictive, images] = await Promise.all([
    statusOrLoggedStep(deps, fleet),
    deps.records.listInstances(fleet.name),
    deps.records.listRequests(fleet.name),
    observe(deps, fleet),
    deps.compute.describeSubnets(fleet.subnets),
    predictiveStateForStep(deps, fleet, storeBackfill),
    readImageView(deps, fleet),
  ]);
  const nowMs = deps.clock.now();
  const running = observed.filter((o) => ALIVE.has(o.state)).map((o) => o.instanceId);
  const metric: MetricReading = await deps.metrics.latest(fleet.scaling.metric, running, nowMs).catch((error: unknown) => ({
    kind: 'missing' as const,
    label: `${fleet.scaling.metric.namespace}/${fleet.scaling.metric.name}`,
    why: `reading it failed: ${errorMessage(error)}`,
  }));
  const decision = decideStep({
    fleet,
    owner: deps.owner,
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
    ...(loggedStep === undefined ? {} : { loggedStep }),
  });
  return { status, records, requests, observed, membership, metric, nowMs, decision };
}

