/**
 * A failover's replacement takes its cell from the mix, through the real handler on moto: an
 * on-demand instance of a fleet whose mix wants Spot is terminated behind fleetward's back, and
 * its replacement is launched as Spot in a zone the mix is short of, the reason naming the cell.
 * moto's prices are stubs, so the table's price cache holds fixed fixtures, fetched "now".
 */
import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { mixConfigSchema } from '../../functions/core/mix/config.ts';
import { PRICED_TYPE, cacheFixturePrices } from './fixture-prices.ts';
import { FleetHarness } from './harness.ts';

const TYPE = PRICED_TYPE;

describe('a failover into the mix', () => {
  it('replaces a failed on-demand instance by a Spot one in the cell the mix is short of', async () => {
    const fleet = await FleetHarness.create({ instanceTypes: [{ type: TYPE, weight: 1 }] }, 2);
    await fleet.step(30);
    const [failed, ...others] = await fleet.instances();
    expect(others).toHaveLength(2);
    await cacheFixturePrices(fleet);
    fleet.configure({ instanceTypes: [{ type: TYPE, weight: 1 }], mix: mixConfigSchema.parse({ maxSpotShare: 1 }) });
    await fleet.ec2.send(new TerminateInstancesCommand({ InstanceIds: [failed?.InstanceId ?? ''] }));

    await fleet.step(30);
    const alive = await fleet.instances();
    const replacements = alive.filter((i) => !others.some((o) => o.InstanceId === i.InstanceId));
    expect(replacements.map((i) => i.InstanceLifecycle)).toEqual(['spot']);
    const [logged] = await fleet.records().listDecisions(fleet.name, 1);
    const failover = logged?.actions.find((a) => a.kind === 'failover');
    const zone = replacements[0]?.Placement?.AvailabilityZone ?? '';
    expect(failover?.reason).toMatch(
      new RegExp(`^it is terminated and fleetward did not ask for it: replace it in ${zone} as a t4g\\.medium spot, where the mix wants \\d and 0 run \\(mix \\$\\d+\\.\\d{4}/h for 3 units .*\\)`),
    );
  });
});
