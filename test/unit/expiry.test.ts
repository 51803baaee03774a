// The expiry method: instances past lifetime.maxHours are replaced oldest first, replacement first, within lifetime.maxReplacing and the disruption budgets, with exact reasons and ages.
import { describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../functions/core/config.ts';
import { decideStep } from '../../functions/core/step/index.ts';
import { disruptionBudgets } from '../../functions/core/step/disruption/budget.ts';
import { NOW, SUBNET_A, SUBNET_B, cpu, fleet, instance, record, status, stepInput } from './step-fixtures.ts';

const HOUR = 3_600_000;
const withLifetime = (lifetime: FleetConfig['lifetime'], base: FleetConfig = fleet()): FleetConfig => ({ ...base, ...(lifetime === undefined ? {} : { lifetime }) });
const LIFETIME = { maxHours: 168, maxReplacing: 1, inMaintenanceWindow: false };

const ages: [string, typeof SUBNET_A, number][] = [
  ['i-a1', SUBNET_A, 200],
  ['i-a2', SUBNET_A, 100],
  ['i-b1', SUBNET_B, 170.5],
  ['i-b2', SUBNET_B, 10],
];
const observed = ages.map(([id, subnet, hours]) => instance(id, subnet, { launchTimeMs: NOW - hours * HOUR }));
const records = ages.map(([id, , hours]) => record(id, { launchedAtMs: NOW - hours * HOUR }));

const step = (lifetimeFleet: FleetConfig, extra: Partial<Parameters<typeof stepInput>[0]> = {}) =>
  decideStep(stepInput({ fleet: lifetimeFleet, status: status(4), observed, records, metric: cpu(50), ...extra }));

describe('expiry', () => {
  it('replaces the oldest expired instance first, launching its replacement before draining it, and holds the next back by lifetime.maxReplacing', () => {
    const decision = step(withLifetime(LIFETIME));
    expect(decision.commands.map((c) => [c.id, c.reason])).toEqual([
      ['web/42/launch/subnet-0a', 'capacity 3 is below desired 4: 1 instance(s) in us-east-1a to balance zones'],
      ['web/42/advance/i-a1', 'expired: 200 h old, over lifetime.maxHours 168; within the disruption budget lifetime.maxReplacing (1); waiting for capacity first: 3 of desired 4 in service without it'],
    ]);
    expect(decision.notes).toEqual(['expiry: 1 of 2 instances held back by the disruption budget lifetime.maxReplacing (1), with 0 disrupting already']);
  });

  it('takes two at once with maxReplacing 50%, oldest first, and says each one\'s age', () => {
    const decision = step(withLifetime({ ...LIFETIME, maxReplacing: '50%' }));
    expect(decision.commands.filter((c) => c.kind === 'advance').map((c) => [c.id, c.reason])).toEqual([
      ['web/42/advance/i-a1', 'expired: 200 h old, over lifetime.maxHours 168; waiting for capacity first: 2 of desired 4 in service without it'],
      ['web/42/advance/i-b1', 'expired: 170.5 h old, over lifetime.maxHours 168; waiting for capacity first: 2 of desired 4 in service without it'],
    ]);
    expect(decision.notes).toEqual([]);
  });

  it('waits while another drain uses the budget', () => {
    const draining = record('i-b2', { launchedAtMs: NOW - 10 * HOUR, lifecycle: 'draining', drain: { purpose: 'terminate', reason: 'drain requested by bob', startedAtMs: NOW - 1000, keepCapacity: true, stop: false } });
    const decision = step(withLifetime(LIFETIME), { records: [...records.slice(0, 3), draining] });
    expect(decision.commands.filter((c) => c.kind === 'advance' && c.id !== 'web/42/advance/i-b2')).toEqual([]);
    expect(decision.notes).toEqual(['expiry: 2 of 2 instances held back by the disruption budget lifetime.maxReplacing (1), with 1 disrupting already']);
  });

  it('counts age from the record, from EC2 LaunchTime for an instance without one, skips protected ones and says so', () => {
    const adopted = observed.map((o) => (o.instanceId === 'i-a1' ? { ...o, protected: true } : o.instanceId === 'i-b2' ? { ...o, launchTimeMs: NOW - 169 * HOUR } : o));
    const decision = step(withLifetime({ ...LIFETIME, maxReplacing: 3 }), { observed: adopted, records: records.slice(0, 3) });
    expect(decision.commands.filter((c) => c.kind === 'advance').map((c) => [c.id, c.reason])).toEqual([
      ['web/42/advance/i-b1', 'expired: 170.5 h old, over lifetime.maxHours 168; waiting for capacity first: 2 of desired 4 in service without it'],
      ['web/42/advance/i-b2', 'expired: 169 h old, over lifetime.maxHours 168; waiting for capacity first: 2 of desired 4 in service without it'],
    ]);
    expect(decision.notes).toEqual(['expiry: i-a1 expired but protected (fleetward:protected), not replaced']);
  });

  it('waits for a maintenance window with lifetime.inMaintenanceWindow, and names the window when inside one', () => {
    const sunday = { name: 'sunday', start: '0 3 * * 0', end: '2h', timeZone: 'UTC' };
    const gated = { ...withLifetime({ ...LIFETIME, inMaintenanceWindow: true }), maintenanceWindows: [sunday] };
    // NOW is 1970-01-24T03:33:20Z, a Saturday: outside the Sunday window.
    const outside = step(gated);
    expect(outside.commands).toEqual([]);
    expect(outside.notes).toEqual(['expiry: 2 expired instance(s) wait for a maintenance window (lifetime.inMaintenanceWindow): outside the maintenance windows; the next, "sunday", opens 1970-01-25 03:00 UTC']);
    const inside = step({ ...gated, maintenanceWindows: [{ ...sunday, start: '0 3 * * 6' }] });
    expect(inside.commands.filter((c) => c.kind === 'advance').map((c) => c.reason)).toEqual([
      'expired: 200 h old, over lifetime.maxHours 168; inside maintenance window "sunday" (1970-01-24 03:00-05:00 UTC); within the disruption budget lifetime.maxReplacing (1); waiting for capacity first: 3 of desired 4 in service without it',
    ]);
  });

  it('does nothing without a lifetime, nor when every instance is younger', () => {
    expect(step(fleet()).commands).toEqual([]);
    expect(step(withLifetime({ ...LIFETIME, maxHours: 200 })).commands).toEqual([]);
  });

  it('lists lifetime.maxReplacing as the expiry budget after the others', () => {
    expect(disruptionBudgets(withLifetime({ ...LIFETIME, maxReplacing: '25%' }), 8).at(-1)).toEqual({ name: 'lifetime.maxReplacing (25% of 8 instances: 2)', limit: 2, reasons: ['expiry'] });
  });
});
