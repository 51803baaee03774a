/** The metric read cadence: which steps read the scaling metric, which decide on the standing recommendation, and why, branch by branch. */
import { describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../functions/core/config.ts';
import { type CadenceInput, cadenceOffset, metricRead, minutesToRead, unsettledReading } from '../../functions/core/metric-cadence.ts';
import type { FleetStatus, InstanceRecord } from '../../functions/core/model.ts';
import { cpuScaling, observedInstance } from './fixtures.ts';

const EVERY = 5;
const scaling = cpuScaling({ metricReads: { steadyEveryMinutes: EVERY, headroomPercent: 10 }, scaleIn: { stabilizationSeconds: 300, cooldownSeconds: 300 } });
const fleet: CadenceInput['fleet'] = { name: 'web', scaling };
const MINUTE = 60_000;
/** A minute that is not web's read minute, and one that is. */
const OFF = (1_000_000 - ((1_000_000 + cadenceOffset('web', EVERY)) % EVERY) + 2) * MINUTE;
const ON = OFF + 3 * MINUTE;
const status: FleetStatus = { step: 9, desiredCapacity: 4, recommendations: [{ atMs: OFF - 3_600_000, capacity: 4 }], lastScaleOutAtMs: OFF - 3_600_000, version: 3 };
const placement = { subnetId: 'subnet-a', availabilityZone: 'az-a' };
const running = [observedInstance('i-1', placement, OFF - 3_600_000)];
const steady: CadenceInput = { fleet, status, records: [], observed: running, requests: [], signals: [], nowMs: OFF };
const record = (lifecycle: InstanceRecord['lifecycle']) => ({ instanceId: 'i-1', lifecycle }) as InstanceRecord;

const cases: Array<{ name: string; input: Partial<CadenceInput>; expected: ReturnType<typeof metricRead> }> = [
  { name: 'steady, off its read minute: not read', input: {}, expected: { read: false, why: 'steady: read every 5 min (scaling.metricReads.steadyEveryMinutes), the next in 3 min' } },
  { name: 'steady, on its read minute: read', input: { nowMs: ON }, expected: { read: true, why: 'steady, and this is its read minute (every 5 min, scaling.metricReads.steadyEveryMinutes)' } },
  { name: 'no metricReads: every step reads', input: { fleet: { name: 'web', scaling: cpuScaling() } }, expected: { read: true, why: 'scaling.metricReads.steadyEveryMinutes is 1' } },
  { name: 'predictive', input: { fleet: { ...fleet, scaling: { ...scaling, predictive: { coverage: 0.99, coverageGain: 0, backtestDays: 3, minHistoryHours: 4, refitMinutes: 360 } } } }, expected: { read: true, why: 'scaling.predictive keeps a load point every period' } },
  { name: 'idle', input: { fleet: { ...fleet, idle: { afterMinutes: 30 } } as CadenceInput['fleet'] }, expected: { read: true, why: 'idle counts the time the metric reads zero' } },
  { name: 'an event triggered the step', input: { event: 'alarm web-high' }, expected: { read: true, why: 'the step was triggered by alarm web-high' } },
  { name: 'an instance signal', input: { signals: [{ instanceId: 'i-1', kind: 'spot-interruption', detail: 'in 2 min' }] }, expected: { read: true, why: '1 instance signal(s) came with the step' } },
  { name: 'an operator request', input: { requests: [{ id: 'r', kind: 'pause' }] as unknown as CadenceInput['requests'] }, expected: { read: true, why: '1 operator request(s) wait' } },
  { name: 'no status', input: { status: undefined }, expected: { read: true, why: 'the fleet has no status' } },
  { name: 'a drain', input: { records: [record('in-service'), record('draining')] }, expected: { read: true, why: '1 instance(s) are draining, failing over, returning or terminating' } },
  { name: 'a launch', input: { observed: [...running, observedInstance('i-2', placement, OFF - 10_000, { state: 'pending' })] }, expected: { read: true, why: '1 instance(s) are launching' } },
  { name: 'a warming instance', input: { observed: [...running, observedInstance('i-2', placement, OFF - 60_000)] }, expected: { read: true, why: '1 instance(s) are warming up' } },
  { name: 'no recommendation stands', input: { status: { ...status, recommendations: [] } }, expected: { read: true, why: 'no recommendation stands' } },
  {
    name: 'a standing recommendation below desired',
    input: { status: { ...status, recommendations: [{ atMs: OFF - 3_600_000, capacity: 3 }] } },
    expected: { read: true, why: 'the standing recommendation 3 differs from the desired capacity 4' },
  },
  {
    name: 'an unsettled last reading',
    input: { status: { ...status, metricUnsettled: true } },
    expected: { read: true, why: 'the last reading was missing or within 10% of the value that scales out (scaling.metricReads.headroomPercent)' },
  },
  {
    name: 'a recommendation changed within the quiet window',
    input: { status: { ...status, recommendations: [{ atMs: OFF - 120_000, capacity: 4 }] } },
    expected: { read: true, why: 'the recommendation changed 120 s ago, within the 300 s of stabilization and cooldown' },
  },
  { name: 'a scale-out within it', input: { status: { ...status, lastScaleOutAtMs: OFF - 299_000 } }, expected: { read: true, why: 'the fleet scaled out 299 s ago, within the 300 s of stabilization and cooldown' } },
  { name: 'a scale-in within it', input: { status: { ...status, lastScaleInAtMs: OFF - 60_000 } }, expected: { read: true, why: 'the fleet scaled in 60 s ago, within the 300 s of stabilization and cooldown' } },
  { name: 'a scale-out just outside it: not read', input: { status: { ...status, lastScaleOutAtMs: OFF - 300_000 } }, expected: { read: false, why: 'steady: read every 5 min (scaling.metricReads.steadyEveryMinutes), the next in 3 min' } },
];

describe('metricRead', () => {
  it.each(cases)('$name', ({ input, expected }) => {
    expect(metricRead({ ...steady, ...input })).toEqual(expected);
  });

  it('reads once every k minutes while steady, at a fixed offset of the fleet', () => {
    const reads = Array.from({ length: 60 }, (_, m) => metricRead({ ...steady, nowMs: OFF + m * MINUTE }).read);
    expect(reads.filter(Boolean)).toHaveLength(12);
    expect(reads.slice(0, 5)).toEqual([false, false, false, true, false]);
    expect(minutesToRead('web', EVERY, ON)).toBe(0);
  });
});

describe('unsettledReading', () => {
  const cadenced: Pick<FleetConfig, 'scaling' | 'idle'> = { scaling };
  const value = (v: number) => ({ kind: 'value' as const, value: v, timestampMs: 0, label: 'cpu' });
  const table: Array<{ name: string; fleet?: Pick<FleetConfig, 'scaling' | 'idle'>; metric: Parameters<typeof unsettledReading>[1]; warmed?: number; expected: boolean }> = [
    { name: 'well below the scale-out value (50 at 4 of 4)', metric: value(44.9), expected: false },
    { name: 'within 10% of it', metric: value(45), expected: true },
    { name: 'over it', metric: value(60), expected: true },
    { name: 'fewer warmed units than desired raise the value that scales out', metric: value(55), warmed: 2, expected: false },
    { name: 'no warmed unit', metric: value(1), warmed: 0, expected: true },
    { name: 'missing', metric: { kind: 'missing', label: 'cpu', why: 'no data' }, expected: true },
    { name: 'not read', metric: { kind: 'not-read', label: 'cpu', why: 'steady' }, expected: false },
    { name: 'a fleet that reads every step never carries it', fleet: { scaling: cpuScaling() }, metric: value(60), expected: false },
    { name: 'a total metric: 40 at target 10 for 4', fleet: { scaling: { ...scaling, metricType: 'total', target: 10 } }, metric: value(35), expected: false },
  ];
  it.each(table)('$name', ({ fleet: f = cadenced, metric, warmed = 4, expected }) => {
    expect(unsettledReading(f, metric, 4, warmed)).toBe(expected);
  });
});
