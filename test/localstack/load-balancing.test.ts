/**
 * fleetward at an endpoint without ELBv2: LocalStack community answers 501 for it, and a fleet
 * with target groups still scales there, its decision log saying why its groups were left alone.
 */
import { describe, expect, it } from 'vitest';
import { FleetHarness } from '../integration/harness.ts';

const TARGET_GROUP = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef';

describe('on LocalStack, whose ELBv2 answers 501', () => {
  it('scales a fleet with target groups, noting that load balancing is unavailable at this endpoint', async () => {
    const fleet = await FleetHarness.create({ targetGroups: [TARGET_GROUP] });

    const out = await fleet.step(30);
    const [decision] = await fleet.records().listDecisions(fleet.name, 1);
    const inService = await fleet.instances();
    const shrunk = await fleet.step(10);

    expect(out).toMatchObject({ status: 'done', fleets: [{ outcome: 'done', desiredCapacity: 3, launched: expect.any(Array) }] });
    expect(inService).toHaveLength(3);
    expect(decision?.decision.notes[0]).toMatch(
      /^load balancing unavailable at this endpoint \(HTTP 501: .+\): target group\(s\) not read, registered or deregistered this step$/,
    );
    expect(shrunk).toMatchObject({ status: 'done', fleets: [{ outcome: 'done', desiredCapacity: 1 }] });
  });
});
