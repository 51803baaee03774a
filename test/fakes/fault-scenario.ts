/**
 * A scaling scenario under injected SDK faults, shared by the fault suite and bench:faults: the
 * real handler in-process on the emulator, every client of it faulty at one rate (throttling,
 * 5xx, timeouts, lost answers, InsufficientInstanceCapacity), a load that rises and falls; then
 * clean steps until the fleet has converged. Counts what must not happen (exceptions escaping the
 * handler, a unique event answered "duplicate", an alert no injected fault explains) and the
 * churn, to be compared with the same scenario without faults.
 */
import { paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { FLEET_TAG } from '../../functions/core/tags.ts';
import { FleetHarness, METRIC_NAMESPACE } from '../integration/harness.ts';
import { RETRYABLE_FAULTS, SdkFaults, clientsWithFaults } from './sdk-faults.ts';

/** The scenario's load, cycled: with a target of 10 per instance, 1 to 9 instances. */
export const LOAD_CYCLE = [30, 50, 80, 90, 60, 20, 10, 40, 70, 30];
/** Clean steps allowed after the faults stop before the fleet counts as not converging. */
const MAX_CLEAN_STEPS = 5;

export interface ScenarioResult {
  readonly rate: number;
  readonly steps: number;
  readonly faultsInjected: number;
  readonly escaped: number;
  readonly falseDuplicates: number;
  /** Steps of the fleet that stopped quietly (a lease still held, a lost race) or loudly (a call failed on every attempt), or events that failed around them. */
  readonly skipped: number;
  readonly failed: number;
  readonly alerts: number;
  readonly falseAlerts: readonly string[];
  /** Clean steps until running instances, records and status agree with the last load; undefined if not within MAX_CLEAN_STEPS. */
  readonly stepsToConverge: number | undefined;
  /** Instances launched and terminated over the whole run. */
  readonly launched: number;
  readonly terminated: number;
}

/** An alert is explained when its reason is an injected error (the SDK gave up after its attempts) or capacity EC2 refused. */
const explained = (message: string) => /injected\)|InsufficientInstanceCapacity/.test(message);

async function fleetInstances(fleet: FleetHarness) {
  const found: Array<{ id: string; state: string }> = [];
  const pages = paginateDescribeInstances({ client: fleet.ec2 }, { Filters: [{ Name: `tag:${FLEET_TAG}`, Values: [fleet.fleet.name] }] });
  for await (const page of pages) {
    for (const reservation of page.Reservations ?? []) {
      for (const i of reservation.Instances ?? []) found.push({ id: i.InstanceId ?? '', state: i.State?.Name ?? '' });
    }
  }
  return found;
}

/** Running instances, the status's desired capacity and the in-service records all match what the load needs. */
async function converged(fleet: FleetHarness, load: number): Promise<boolean> {
  const needed = Math.ceil(load / 10);
  const running = (await fleetInstances(fleet)).filter((i) => i.state === 'running').map((i) => i.id).sort();
  const records = (await fleet.records().listInstances(fleet.fleet.name)).filter((r) => r.lifecycle === 'in-service').map((r) => r.instanceId).sort();
  const status = await fleet.records().getStatus(fleet.fleet.name);
  return running.length === needed && status?.desiredCapacity === needed && JSON.stringify(running) === JSON.stringify(records);
}

/** Runs `steps` steps at `rate` (0: no faults), then clean steps until converged. */
export async function runFaultScenario(rate: number, steps: number, seed = 1): Promise<ScenarioResult> {
  const fleet = await FleetHarness.create({}, 3);
  const faults = new SdkFaults(seed, [{ kinds: [...RETRYABLE_FAULTS, 'insufficient-capacity'], rate }]);
  fleet.handlerClients = clientsWithFaults(faults);
  // A fleet and a metric of its own: runs sharing one emulator must not meet each other's instances or load.
  const name = `faults-${seed}-${Math.round(rate * 1000)}`;
  fleet.configure({
    name,
    instanceTypes: [{ type: 't4g.micro', weight: 1 }, { type: 't4g.small', weight: 1 }],
    scaling: { metric: { namespace: METRIC_NAMESPACE, name, dimensions: {}, statistic: 'Average', periodSeconds: 60 } },
  });
  let escaped = 0;
  let falseDuplicates = 0;
  let skipped = 0;
  let failed = 0;
  const step = async (load: number) => {
    fleet.clock.advance(60);
    await fleet.publish(load, name);
    try {
      const result = await fleet.invoke();
      if (result.status === 'duplicate') falseDuplicates += 1;
      const outcome = result.status === 'failed' ? 'failed' : result.fleets[0]?.outcome;
      if (outcome === 'skipped') skipped += 1;
      if (outcome === 'failed') failed += 1;
    } catch {
      escaped += 1;
    }
  };
  for (let i = 0; i < steps; i += 1) await step(LOAD_CYCLE[i % LOAD_CYCLE.length] ?? 0);
  faults.stop();
  const lastLoad = LOAD_CYCLE[(steps - 1) % LOAD_CYCLE.length] ?? 0;
  let stepsToConverge: number | undefined;
  for (let clean = 1; clean <= MAX_CLEAN_STEPS && stepsToConverge === undefined; clean += 1) {
    await step(lastLoad);
    if (await converged(fleet, lastLoad)) stepsToConverge = clean;
  }
  const instances = await fleetInstances(fleet);
  return {
    rate,
    steps,
    faultsInjected: faults.injected.length,
    escaped,
    falseDuplicates,
    skipped,
    failed,
    alerts: fleet.notifications.length,
    falseAlerts: fleet.notifications.filter((n) => !explained(n.message)).map((n) => `${n.subject}: ${n.message}`),
    stepsToConverge,
    launched: instances.length,
    terminated: instances.filter((i) => i.state === 'terminated' || i.state === 'shutting-down').length,
  };
}
