/**
 * The open capacity reservations a fleet's launches would use, as EC2 describes them: the filters
 * that ask only for active reservations with open matching of the fleet's types, zones, platform
 * and tenancy (well under EC2's 200 filter values: a fleet lists at most 40 types), and their
 * available instances summed per type and zone (a reservation EC2 answers outside the query is
 * left out, in case a filter is ignored).
 */
import type { CapacityReservation, Filter } from '@aws-sdk/client-ec2';
import type { OpenReservation } from '../core/mix/problem.ts';
import type { ReservationQuery } from '../ports/index.ts';

export function reservationFilters(query: ReservationQuery): Filter[] {
  return [
    { Name: 'state', Values: ['active'] },
    { Name: 'instance-match-criteria', Values: ['open'] },
    { Name: 'instance-type', Values: [...query.instanceTypes] },
    { Name: 'availability-zone', Values: [...query.zones] },
    { Name: 'instance-platform', Values: [query.platform] },
    { Name: 'tenancy', Values: [query.tenancy] },
  ];
}

const matches = (reservation: CapacityReservation, query: ReservationQuery) =>
  reservation.State === 'active' &&
  reservation.InstanceMatchCriteria === 'open' &&
  reservation.InstancePlatform === query.platform &&
  (reservation.Tenancy ?? 'default') === query.tenancy &&
  query.instanceTypes.includes(reservation.InstanceType ?? '') &&
  query.zones.includes(reservation.AvailabilityZone ?? '');

/** Available instances per type and zone, in the order first met; none where nothing is available. */
export function sumReservations(reservations: readonly CapacityReservation[], query: ReservationQuery): OpenReservation[] {
  const sums = new Map<string, { type: string; zone: string; available: number }>();
  for (const reservation of reservations) {
    const available = reservation.AvailableInstanceCount ?? 0;
    if (available <= 0 || !matches(reservation, query)) continue;
    const type = reservation.InstanceType ?? '';
    const zone = reservation.AvailabilityZone ?? '';
    const key = `${type} ${zone}`;
    const sum = sums.get(key) ?? { type, zone, available: 0 };
    sum.available += available;
    sums.set(key, sum);
  }
  return [...sums.values()];
}
