/**
 * InsufficientInstanceCapacity through the real EC2 adapter (moto never answers it: the SDK
 * middleware does): a launch falls back to the next allowed type, and the step's outcome and
 * decision log say which types were skipped and why; with no type left, the launch fails into
 * the backoff and the operators are told.
 */
import { describe, expect, it } from 'vitest';
import { SdkFaults, clientsWithFaults } from '../fakes/sdk-faults.ts';
import { FleetHarness } from './harness.ts';

/** One zone, three instance types; EC2 has no capacity for the types listed in `full`. */
async function fleetWithoutCapacityFor(full: readonly string[]) {
  const fleet = await FleetHarness.create({}, 1);
  const faults = new SdkFaults(7, [
    { commands: ['RunInstancesCommand'], when: (input) => full.includes(String(input.InstanceType)), kinds: ['insufficient-capacity'], rate: 1 },
  ]);
  fleet.handlerClients = clientsWithFaults(faults);
  fleet.configure({ instanceTypes: [{ type: 't4g.micro', weight: 1 }, { type: 't4g.small', weight: 1 }, { type: 't4g.medium', weight: 1 }] });
  await fleet.publish(20);
  return { fleet, faults };
}

describe('a launch that meets InsufficientInstanceCapacity', () => {
  it('falls back to the next type and says which it skipped and why', async () => {
    const { fleet, faults } = await fleetWithoutCapacityFor(['t4g.micro', 't4g.small']);

    const result = await fleet.invoke();

    expect(faults.injected.map((f) => f.input.InstanceType)).toEqual([...Array(3).fill('t4g.micro'), ...Array(3).fill('t4g.small')]);
    const running = await fleet.instances();
    expect(running.map((i) => i.InstanceType)).toEqual(['t4g.medium', 't4g.medium']);
    expect(result.fleets[0]).toMatchObject({ outcome: 'done', launchFailed: false });
    const launched = result.fleets[0]?.launched ?? [];
    expect([...launched].sort()).toEqual(running.map((i) => i.InstanceId).sort());
    const skipped = 't4g.micro (InsufficientInstanceCapacity), t4g.small (InsufficientInstanceCapacity)';
    expect(result.fleets[0]?.actions.map((a) => a.outcome)).toEqual([`launched ${launched.join(', ')} (t4g.medium) after no capacity for ${skipped}`]);
    const [entry] = await fleet.records().listDecisions(fleet.name, 1);
    expect(entry?.actions.map((a) => a.outcome)).toEqual(result.fleets[0]?.actions.map((a) => a.outcome));
    expect(fleet.notifications).toEqual([]);
  });

  it('fails the launch into the backoff and notifies when no type has capacity', async () => {
    const { fleet } = await fleetWithoutCapacityFor(['t4g.micro', 't4g.small', 't4g.medium']);

    const result = await fleet.invoke();

    const subnet = fleet.subnets[0]?.subnetId;
    const reason = `no capacity in ${subnet} for any allowed type: t4g.micro (InsufficientInstanceCapacity), t4g.small (InsufficientInstanceCapacity), t4g.medium (InsufficientInstanceCapacity)`;
    expect(result.fleets[0]).toMatchObject({ outcome: 'done', launchFailed: true, launched: [] });
    expect(result.fleets[0]?.actions.map((a) => a.outcome)).toEqual([`failed: ${reason}`]);
    expect((await fleet.records().getStatus(fleet.name))?.launchFailures).toMatchObject({ count: 1, lastError: reason });
    expect(fleet.notifications).toEqual([{ subject: `fleetward: launches are failing for fleet ${fleet.name}`, message: reason, details: { fleet: fleet.name, step: 1, failures: 1 } }]);
    expect(await fleet.instances()).toEqual([]);
  });
});
