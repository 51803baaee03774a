// Rightsizing a singleton through decideStep: inside its maintenance window it drains to resize
// (no replacement launched, the reason with its numbers); outside it it does nothing; a fleet
// larger than one is replaced first instead; while resizing, its units count as in flight.
import { describe, expect, it } from 'vitest';
import { optimizationConfigSchema } from '../../functions/core/optimization-config.ts';
import { rightsizingSchema } from '../../functions/core/rightsizing/config.ts';
import type { RightsizingView } from '../../functions/core/rightsizing/view.ts';
import { decideStep } from '../../functions/core/step/index.ts';
import { NOW, SUBNET_A, cpu, fleet, instance, record, status, stepInput } from './step-fixtures.ts';

const DAY = 288;
const VIEW: RightsizingView = {
  sizes: { 'm7g.2xlarge': { vcpus: 8, memoryMiB: 32_768 }, 'm7g.large': { vcpus: 2, memoryMiB: 8192 } },
  hourlyUsd: { 'm7g.2xlarge': 0.3264, 'm7g.large': 0.0816 },
  usage: { 'i-pet': { cpu: Array.from({ length: DAY }, () => 10), memory: Array.from({ length: DAY }, () => 10) } },
  priceSource: 'test prices',
};
const hour = new Date(NOW).getUTCHours();
const windowAt = (startHour: number) => [{ name: 'nightly', start: `0 ${startHour} * * *`, end: '2h', timeZone: 'UTC' }];
const pet = (startHour: number, max = 1) => ({
  ...fleet({ capacity: { min: 1, max }, instanceTypes: [{ type: 'm7g.2xlarge', weight: 1 }, { type: 'm7g.large', weight: 1 }] }),
  maintenanceWindows: windowAt(startHour),
  rightsizing: rightsizingSchema.parse({ windowDays: 1 }),
  optimization: optimizationConfigSchema.parse({ mode: 'act' }),
});
const observed = [instance('i-pet', SUBNET_A, { instanceType: 'm7g.2xlarge' })];

describe('rightsizing a singleton', () => {
  it('drains it to resize inside the window, and launches nothing in its place', () => {
    const decision = decideStep(stepInput({ fleet: pet(hour), observed, status: status(1), metric: cpu(10), rightsizing: VIEW }));
    const resize = decision.commands.find((c) => c.kind === 'advance');
    expect(resize).toMatchObject({ kind: 'advance', instanceId: 'i-pet', drain: { purpose: 'resize', resizeTo: 'm7g.large', keepCapacity: false } });
    expect(resize?.reason).toMatch(/^rightsizing i-pet: m7g\.2xlarge p95 CPU 10\.0% \(0\.80 of 8 vCPUs\), memory 10\.0% \(3\.2 of 32\.0 GiB\) over 1 days: m7g\.large holds it at 40\.0% \(<= 70%\), \$59\.57 instead of \$238\.27 a month \(test prices\); inside maintenance window "nightly" /);
    expect(decision.commands.filter((c) => c.kind === 'launch')).toEqual([]);
  });

  it('only recommends without optimization.mode act, as every optimization method', () => {
    const { optimization: _act, ...recommendOnly } = pet(hour);
    const decision = decideStep(stepInput({ fleet: recommendOnly, observed, status: status(1), metric: cpu(10), rightsizing: VIEW }));
    expect(decision.commands.filter((c) => c.kind === 'advance')).toEqual([]);
    expect(decision.notes.find((n) => n.startsWith('recommend-only'))).toMatch(/^recommend-only \(optimization\.mode\): rightsizing would resize i-pet to m7g\.large: rightsizing i-pet: .*; estimated saving \$178\.70\/month; no disruption budget holds rightsizing back$/);
  });

  it('waits outside the window, saying for what', () => {
    const decision = decideStep(stepInput({ fleet: pet((hour + 12) % 24), observed, status: status(1), metric: cpu(10), rightsizing: VIEW }));
    expect(decision.commands.filter((c) => c.kind === 'advance')).toEqual([]);
    expect(decision.notes.find((n) => n.startsWith('rightsizing i-pet:'))).toMatch(/; waits for a maintenance window: outside the maintenance windows/);
  });

  it('replaces, not resizes, in a fleet that may hold more than one instance (test/unit/rightsizing-fleet.test.ts)', () => {
    const decision = decideStep(stepInput({ fleet: pet(hour, 3), observed, status: status(1), metric: cpu(10), rightsizing: VIEW }));
    expect(decision.commands.find((c) => c.kind === 'advance')).toMatchObject({ instanceId: 'i-pet', drain: { purpose: 'terminate', replaceWith: 'm7g.large', keepCapacity: true } });
    expect(decision.commands.filter((c) => c.kind === 'launch')).toMatchObject([{ instanceTypes: [{ type: 'm7g.large', weight: 1 }] }]);
  });

  it('counts a resizing instance as in flight: nothing is launched while it is stopped', () => {
    const stopped = [instance('i-pet', SUBNET_A, { instanceType: 'm7g.2xlarge', state: 'stopped' })];
    const resizing = record('i-pet', { lifecycle: 'draining', drain: { purpose: 'resize', resizeTo: 'm7g.large', reason: 'rightsizing', startedAtMs: NOW - 60_000, keepCapacity: false, stop: false, notifiedAtMs: NOW - 60_000 } });
    const decision = decideStep(stepInput({ fleet: pet(hour), observed: stopped, records: [resizing], status: status(1), metric: cpu(10) }));
    expect(decision.commands.filter((c) => c.kind === 'launch')).toEqual([]);
    expect(decision.commands.find((c) => c.kind === 'advance')).toMatchObject({ actions: ['modify-type', 'start'], lifecycle: 'returning' });
  });
});
