// Time-to-live fleets: after idle.afterMinutes of zero load the minimum drops to 0 and the fleet scales to zero; load brings it back; a schedule's minimum is kept. Exact reasons.
import { describe, expect, it } from 'vitest';
import { idleSince, withIdle } from '../../functions/core/calendar/idle.ts';
import { capacityBounds } from '../../functions/core/calendar/scheduled-capacity.ts';
import type { FleetConfig } from '../../functions/core/config.ts';
import type { MetricReading } from '../../functions/core/model.ts';
import { decideCapacity } from '../../functions/core/scaling.ts';
import { decideStep } from '../../functions/core/step/index.ts';
import { NOW, SUBNET_A, SUBNET_B, fleet, instance, status, stepInput } from './step-fixtures.ts';

const MIN = 60_000;
const total = (value: number): MetricReading => ({ kind: 'value', value, timestampMs: NOW - MIN, label: 'queue' });
const missing: MetricReading = { kind: 'missing', label: 'queue', why: 'no datapoints' };
const idleFleet = (extra: Partial<FleetConfig> = {}): FleetConfig => ({
  ...fleet({ capacity: { min: 1, max: 10 }, scaling: { metricType: 'total', target: 100, scaleIn: { stabilizationSeconds: 0, cooldownSeconds: 0 } } }),
  idle: { afterMinutes: 30 },
  ...extra,
});

function decide(web: FleetConfig, previous: number, metric: MetricReading, idleSinceMs: number | undefined) {
  const since = idleSince(web, metric, idleSinceMs, NOW);
  const bounds = withIdle(capacityBounds(web, NOW), web, since, NOW);
  const decision = decideCapacity({ fleet: web, status: { desiredCapacity: previous, recommendations: [] }, currentUnits: previous, warmedUnits: previous, warmingInstances: 0, metric, nowMs: NOW, bounds });
  return { desired: decision.desiredCapacity, reason: decision.reason, since };
}

describe('idle fleets', () => {
  it.each([
    ['zero load starts the idle clock, and the minimum holds', idleFleet(), 1, total(0), undefined, { desired: 1, since: NOW, reason: 'hold at 1: queue = 0 total at target 100 per unit recommends 0, but the fleet is at capacity.min 1' }],
    ['not idle long enough yet', idleFleet(), 1, total(0), NOW - 29 * MIN, { desired: 1, since: NOW - 29 * MIN, reason: 'hold at 1: queue = 0 total at target 100 per unit recommends 0, but the fleet is at capacity.min 1' }],
    ['idle for the whole period: scale to zero, naming it', idleFleet(), 2, total(0), NOW - 30 * MIN, { desired: 0, since: NOW - 30 * MIN, reason: 'scale in 2 -> 0: queue = 0 total at target 100 per unit recommends 0; idle: no load for 30 min (idle.afterMinutes 30) lowers min to 0' }],
    ['at zero, it stays there while idle', idleFleet(), 0, total(0), NOW - 90 * MIN, { desired: 0, since: NOW - 90 * MIN, reason: 'hold at 0: queue = 0 total at target 100 per unit recommends 0; idle: no load for 90 min (idle.afterMinutes 30) lowers min to 0' }],
    ['load returns: the minimum is back and the fleet comes back on demand', idleFleet(), 0, total(250), NOW - 90 * MIN, { desired: 3, since: undefined, reason: 'scale out 1 -> 3 (raised from 0 to capacity.min): queue = 250 total at target 100 per unit recommends 3' }],
    ['a missing reading is no evidence of idleness', idleFleet(), 0, missing, NOW - 90 * MIN, { desired: 1, since: undefined, reason: 'hold at 1 (raised from 0 to capacity.min): no data for queue (no datapoints)' }],
    [
      "a schedule's minimum is kept: the schedule says the fleet runs now",
      idleFleet({ schedules: [{ name: 'always', start: '0 0 * * *', end: '1d', timeZone: 'UTC', min: 2 }] }),
      2,
      total(0),
      NOW - 90 * MIN,
      { desired: 2, since: NOW - 90 * MIN, reason: 'hold at 2: queue = 0 total at target 100 per unit recommends 0, but the fleet is at schedule "always" min 2; schedule "always" (1970-01-24 00:00-1970-01-25 00:00 UTC) sets min 2' },
    ],
    ['without idle, zero load never goes below capacity.min', { ...idleFleet(), idle: undefined }, 2, total(0), undefined, { desired: 1, since: undefined, reason: 'scale in 2 -> 1: queue = 0 total at target 100 per unit recommends 0, capped by capacity.min 1' }],
  ])('%s', (_name, web, previous, metric, idleSinceMs, expected) => {
    expect(decide(web, previous, metric, idleSinceMs)).toEqual(expected);
  });
});

describe('decideStep with idle', () => {
  it('scales an idle fleet to zero, drains every instance, and keeps the idle clock in the next status', () => {
    const observed = [instance('i-a1', SUBNET_A), instance('i-b1', SUBNET_B)];
    const decision = decideStep(stepInput({ fleet: idleFleet(), status: status(2, { idleSinceMs: NOW - 45 * MIN }), observed, metric: total(0) }));
    expect(decision.desiredCapacity).toBe(0);
    expect(decision.commands.map((c) => c.id)).toEqual(['web/42/advance/i-a1', 'web/42/advance/i-b1']);
    expect(decision.nextStatus.idleSinceMs).toBe(NOW - 45 * MIN);
  });
});
