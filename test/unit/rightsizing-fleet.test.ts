// Rightsizing a fleet of more than one through decideStep: an over-sized instance is replaced
// first by the cheapest listed type of its weight that fits (the replacement launched as that
// type, the old instance drained once it serves), one at a time without a budget naming
// rightsizing, with exact reasons; recommend-only, maintenance windows, the gates and the mix.
import { describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../functions/core/config.ts';
import type { InstanceRecord, ObservedInstance } from '../../functions/core/model.ts';
import { optimizationConfigSchema } from '../../functions/core/optimization-config.ts';
import { rightsizingSchema } from '../../functions/core/rightsizing/config.ts';
import type { RightsizingView } from '../../functions/core/rightsizing/view.ts';
import { decideStep } from '../../functions/core/step/index.ts';
import { mixConfigSchema } from '../../functions/core/mix/config.ts';
import { LONG_AGO, NOW, SUBNET_A, SUBNET_B, cpu, fleet, instance, record, status, stepInput } from './step-fixtures.ts';

const DAY = 288;
const steady = (percent: number) => Array.from({ length: DAY }, () => percent);
const VIEW: RightsizingView = {
  sizes: { 'm7g.2xlarge': { vcpus: 8, memoryMiB: 32_768 }, 'm7g.xlarge': { vcpus: 4, memoryMiB: 16_384 }, 'm7g.large': { vcpus: 2, memoryMiB: 8192 } },
  hourlyUsd: { 'm7g.2xlarge': 0.3264, 'm7g.xlarge': 0.1632, 'm7g.large': 0.0816 },
  usage: {
    'i-old': { cpu: steady(10), memory: steady(10) },
    'i-mid': { cpu: steady(20), memory: steady(20) },
    'i-busy': { cpu: steady(60), memory: steady(30) },
  },
  priceSource: 'test prices',
};
const hour = new Date(NOW).getUTCHours();
const TYPES = [
  { type: 'm7g.2xlarge', weight: 1 },
  { type: 'm7g.xlarge', weight: 1 },
  { type: 'm7g.large', weight: 1 },
];

function web(overrides: Partial<FleetConfig> = {}, rightsizing: object = {}): FleetConfig {
  return {
    ...fleet({ capacity: { min: 3, max: 6 }, instanceTypes: TYPES }),
    rightsizing: rightsizingSchema.parse({ windowDays: 1, ...rightsizing }),
    optimization: optimizationConfigSchema.parse({ mode: 'act' }),
    ...overrides,
  };
}

const observed: ObservedInstance[] = [
  instance('i-old', SUBNET_A, { instanceType: 'm7g.2xlarge', launchTimeMs: LONG_AGO - 2000 }),
  instance('i-mid', SUBNET_B, { instanceType: 'm7g.2xlarge', launchTimeMs: LONG_AGO - 1000 }),
  instance('i-busy', SUBNET_A, { instanceType: 'm7g.2xlarge' }),
];
const records = (extra: Record<string, Partial<InstanceRecord>> = {}) =>
  observed.map((o, i) => record(o.instanceId, { launchedAtMs: LONG_AGO - (2 - i) * 1000, ...extra[o.instanceId] }));

const decide = (fleetConfig: FleetConfig, more: Partial<Parameters<typeof stepInput>[0]> = {}) =>
  decideStep(stepInput({ fleet: fleetConfig, observed, records: records(), status: status(3), metric: cpu(50), rightsizing: VIEW, ...more }));

const launches = (decision: ReturnType<typeof decideStep>) => decision.commands.filter((c) => c.kind === 'launch');
const advances = (decision: ReturnType<typeof decideStep>) => decision.commands.filter((c) => c.kind === 'advance');
const rightsizingNotes = (decision: ReturnType<typeof decideStep>) => decision.notes.filter((n) => n.includes('rightsizing'));

const OLD_REASON =
  'rightsizing i-old: m7g.2xlarge p95 CPU 10.0% (0.80 of 8 vCPUs), memory 10.0% (3.2 of 32.0 GiB) over 1 days: m7g.large holds it at 40.0% (<= 70%), $59.57 instead of $238.27 a month (test prices); replaced by a m7g.large first';
const BUSY_NOTE =
  'rightsizing i-busy: m7g.2xlarge p95 CPU 60.0% (4.80 of 8 vCPUs), memory 30.0% (9.6 of 32.0 GiB) over 1 days: no cheaper listed type holds it at <= 70% (rightsizing.maxUtilizationPercent)';

describe('rightsizing a fleet of more than one', () => {
  it('replaces the largest saving first: a launch of the chosen type, then the drain, with the saving and the budget', () => {
    const decision = decide(web());
    expect(advances(decision)).toMatchObject([{ instanceId: 'i-old', drain: { purpose: 'terminate', replaceWith: 'm7g.large', keepCapacity: true } }]);
    expect(advances(decision)[0]?.reason).toBe(
      `${OLD_REASON}; estimated saving $178.70/month; no disruption budget holds rightsizing back; waiting for capacity first: 2 of desired 3 in service without it`,
    );
    expect(launches(decision)).toMatchObject([{ kind: 'launch', subnetId: SUBNET_A.subnetId, capacityUnits: 1, instanceTypes: [{ type: 'm7g.large', weight: 1 }] }]);
    expect(launches(decision)[0]?.reason).toBe('capacity 2 is below desired 3: 1 x m7g.large in us-east-1a, replacing i-old (rightsizing)');
    expect(rightsizingNotes(decision)).toEqual([BUSY_NOTE]);
  });

  it('recommend-only changes nothing and logs the move with its saving', () => {
    const decision = decide(web({ optimization: optimizationConfigSchema.parse({}) }));
    expect(decision.commands).toEqual([]);
    expect(decision.notes.filter((n) => n.startsWith('recommend-only'))).toEqual([
      `recommend-only (optimization.mode): rightsizing would replace i-old with a m7g.large: ${OLD_REASON}; estimated saving $178.70/month; no disruption budget holds rightsizing back`,
    ]);
  });

  it('moves one at a time without a budget naming rightsizing: nothing while an instance drains', () => {
    const draining = records({ 'i-old': { lifecycle: 'draining', drain: { purpose: 'terminate', replaceWith: 'm7g.large', reason: 'rightsizing', startedAtMs: NOW - 60_000, keepCapacity: true, stop: false } } });
    const replacement = instance('i-new', SUBNET_A, { instanceType: 'm7g.large', state: 'pending', launchTimeMs: NOW - 30_000 });
    const decision = decide(web(), { observed: [...observed, replacement], records: [...draining, record('i-new', { launchedAtMs: NOW - 30_000 })] });
    expect(launches(decision)).toEqual([]);
    expect(advances(decision).map((a) => a.instanceId)).toEqual(['i-old']);
    expect(rightsizingNotes(decision)).toEqual([]);
  });

  it('launches the replacement again when its launch did not happen, while the drain waits', () => {
    const draining = records({ 'i-old': { lifecycle: 'draining', drain: { purpose: 'terminate', replaceWith: 'm7g.large', reason: 'rightsizing', startedAtMs: NOW - 60_000, keepCapacity: true, stop: false } } });
    const decision = decide(web(), { records: draining });
    expect(launches(decision).map((l) => [l.kind === 'launch' ? l.instanceTypes : [], l.reason])).toEqual([
      [[{ type: 'm7g.large', weight: 1 }], 'capacity 2 is below desired 3: 1 x m7g.large in us-east-1a, replacing i-old (rightsizing)'],
    ]);
  });

  it('skips an instance tagged do-not-disrupt: the next largest saving goes', () => {
    const tagged = observed.map((o) => (o.instanceId === 'i-old' ? { ...o, doNotDisrupt: true } : o));
    const decision = decide(web(), { observed: tagged });
    expect(advances(decision).map((a) => [a.instanceId, a.kind === 'advance' ? a.drain?.replaceWith : undefined])).toEqual([['i-mid', 'm7g.xlarge']]);
    expect(advances(decision)[0]?.reason).toMatch(/^rightsizing i-mid: m7g\.2xlarge p95 CPU 20\.0% \(1\.60 of 8 vCPUs\), memory 20\.0% \(6\.4 of 32\.0 GiB\) over 1 days: m7g\.xlarge holds it at 40\.0% \(<= 70%\), \$119\.14 instead of \$238\.27 a month \(test prices\); replaced by a m7g\.xlarge first; estimated saving \$119\.14\/month; /);
  });

  it('once the old instance is deregistered (its replacement served), a new gap takes the usual path', () => {
    const deregistered = records({
      'i-old': { lifecycle: 'draining', drain: { purpose: 'terminate', replaceWith: 'm7g.large', reason: 'rightsizing', startedAtMs: NOW - 60_000, keepCapacity: true, stop: false, deregisteredAtMs: NOW - 30_000 } },
    });
    const decision = decide(web(), { records: deregistered });
    expect(launches(decision).map((l) => (l.kind === 'launch' ? l.instanceTypes.map((t) => t.type) : []))).toEqual([['m7g.2xlarge', 'm7g.xlarge', 'm7g.large']]);
  });

  it('moves as many as a budget naming rightsizing allows', () => {
    const budgeted = web({ disruption: { budgets: [{ max: 2, reasons: ['rightsizing'] }] } as FleetConfig['disruption'] });
    const decision = decide(budgeted);
    expect(advances(decision).map((a) => [a.instanceId, a.kind === 'advance' ? a.drain?.replaceWith : undefined])).toEqual([
      ['i-old', 'm7g.large'],
      ['i-mid', 'm7g.xlarge'],
    ]);
    expect(launches(decision).map((l) => (l.kind === 'launch' ? l.instanceTypes[0]?.type : ''))).toEqual(['m7g.large', 'm7g.xlarge']);
  });

  it.each<[string, FleetConfig, Partial<Parameters<typeof stepInput>[0]>, string[]]>([
    [
      'waits for a maintenance window with rightsizing.inMaintenanceWindow',
      web({ maintenanceWindows: [{ name: 'nightly', start: `0 ${(hour + 12) % 24} * * *`, end: '2h', timeZone: 'UTC' }] }, { inMaintenanceWindow: true }),
      {},
      [BUSY_NOTE, 'rightsizing: 2 over-sized instance(s) wait for a maintenance window (rightsizing.inMaintenanceWindow): outside the maintenance windows; the next, "nightly", opens 1970-01-24 15:00 UTC'],
    ],
    [
      'leaves a fleet with a mix to the mix',
      web({ mix: mixConfigSchema.parse({}) }),
      {},
      ['rightsizing: in a fleet with a mix section the types that cannot hold the load per unit of the fleet leave the mix (core/mix/step-exclusions.ts); the mix chooses the types and its method moves what runs'],
    ],
    [
      'only types of the same weight replace an instance one for one',
      web({ instanceTypes: [{ type: 'm7g.2xlarge', weight: 1 }, { type: 'm7g.xlarge', weight: 2 }, { type: 'm7g.large', weight: 2 }] }),
      {},
      [
        'rightsizing i-old: m7g.2xlarge p95 CPU 10.0% (0.80 of 8 vCPUs), memory 10.0% (3.2 of 32.0 GiB) over 1 days: no cheaper listed type holds it at <= 70% (rightsizing.maxUtilizationPercent); and 2 more keep their type or cannot be sized',
      ],
    ],
    [
      'does nothing while the fleet is below desired',
      web(),
      { status: status(4), metric: cpu(60) },
      [],
    ],
    [
      'the minimum savings gate holds a move that saves too little',
      web({ optimization: optimizationConfigSchema.parse({ mode: 'act', minSavings: { monthlyUsd: 500 } }) }),
      {},
      [
        BUSY_NOTE,
        'minimum savings: rightsizing of i-old saves $178.70/month, below optimization.minSavings.monthlyUsd ($500.00); and 1 more held back by the same gate',
      ],
    ],
  ])('%s', (_name, fleetConfig, more, notes) => {
    const decision = decide(fleetConfig, more);
    expect(advances(decision).filter((a) => a.reason.startsWith('rightsizing'))).toEqual([]);
    expect(rightsizingNotes(decision)).toEqual(notes);
  });
});
