// The EC2 adapter's read of open capacity reservations, on a recording client (moto 5.2.5 has no
// DescribeCapacityReservations: it answers NotImplementedError): the filters it sends, every page
// followed, available instances summed per type and zone, anything outside the query (a filter
// EC2 ignored) or with nothing available left out; and the memory fake answering the same way.
import { type CapacityReservation, DescribeCapacityReservationsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it, vi } from 'vitest';
import { Ec2Compute } from '../../../functions/aws/ec2-compute.ts';
import { MemoryCompute } from '../../../functions/memory/compute.ts';
import type { ReservationQuery } from '../../../functions/ports/index.ts';

const QUERY: ReservationQuery = { instanceTypes: ['m7g.large', 'c7g.large'], zones: ['us-east-1a', 'us-east-1b'], platform: 'Linux/UNIX', tenancy: 'default' };
const open = (type: string, zone: string, available: number, extra: Partial<CapacityReservation> = {}): CapacityReservation => ({
  InstanceType: type,
  AvailabilityZone: zone,
  AvailableInstanceCount: available,
  State: 'active',
  InstanceMatchCriteria: 'open',
  InstancePlatform: 'Linux/UNIX',
  Tenancy: 'default',
  ...extra,
});

/** An EC2 client that records each DescribeCapacityReservations input and answers the pages in turn. */
function recordingClient(pages: readonly CapacityReservation[][]) {
  const client = new EC2Client({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const inputs: unknown[] = [];
  vi.spyOn(client, 'send').mockImplementation(async (command: unknown) => {
    if (!(command instanceof DescribeCapacityReservationsCommand)) throw new Error('unexpected command');
    inputs.push(structuredClone(command.input));
    const page = inputs.length - 1;
    return { CapacityReservations: pages[page] ?? [], ...(page + 1 < pages.length ? { NextToken: `page-${page + 1}` } : {}) };
  });
  return { client, inputs };
}

describe('describeOpenCapacityReservations', () => {
  it('asks only for active, open reservations of the query, follows every page and sums per type and zone', async () => {
    const { client, inputs } = recordingClient([
      [open('m7g.large', 'us-east-1a', 2), open('m7g.large', 'us-east-1a', 1), open('c7g.large', 'us-east-1b', 0)],
      [open('c7g.large', 'us-east-1b', 3), open('m7g.large', 'us-east-1c', 5), open('m7g.large', 'us-east-1b', 4, { InstanceMatchCriteria: 'targeted' }), open('m7g.large', 'us-east-1b', 4, { Tenancy: 'dedicated' })],
    ]);
    const reservations = await new Ec2Compute(client).describeOpenCapacityReservations(QUERY);
    expect(reservations).toEqual([
      { type: 'm7g.large', zone: 'us-east-1a', available: 3 },
      { type: 'c7g.large', zone: 'us-east-1b', available: 3 },
    ]);
    const filters = [
      { Name: 'state', Values: ['active'] },
      { Name: 'instance-match-criteria', Values: ['open'] },
      { Name: 'instance-type', Values: ['m7g.large', 'c7g.large'] },
      { Name: 'availability-zone', Values: ['us-east-1a', 'us-east-1b'] },
      { Name: 'instance-platform', Values: ['Linux/UNIX'] },
      { Name: 'tenancy', Values: ['default'] },
    ];
    expect(inputs).toEqual([{ Filters: filters }, { Filters: filters, NextToken: 'page-1' }]);
  });

  it('asks nothing for a fleet without types or zones', async () => {
    const { client, inputs } = recordingClient([]);
    expect(await new Ec2Compute(client).describeOpenCapacityReservations({ ...QUERY, zones: [] })).toEqual([]);
    expect(inputs).toEqual([]);
  });

  it('the memory fake answers the same way', async () => {
    const compute = new MemoryCompute({ clock: { now: () => 0 }, subnets: [] });
    compute.addCapacityReservation({ type: 'm7g.large', zone: 'us-east-1a', available: 2 });
    compute.addCapacityReservation({ type: 'm7g.large', zone: 'us-east-1a', available: 1, InstancePlatform: 'Windows' });
    compute.addCapacityReservation({ type: 'c7g.large', zone: 'us-east-1b', available: 1, State: 'expired' });
    expect(await compute.describeOpenCapacityReservations(QUERY)).toEqual([{ type: 'm7g.large', zone: 'us-east-1a', available: 2 }]);
  });
});
