// Property tests (fast-check) of the core's safety invariants over random fleets, instances, metrics and status histories.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../functions/core/config.ts';
import { type Ec2State, type FleetStatus, type InstanceRecord, type MetricReading, NO_IDENTITY, type ObservedInstance } from '../../functions/core/model.ts';
import { type SubnetPlacement, unitsOf } from '../../functions/core/placement.ts';
import { type StepDecision, type StepInput, decideStep } from '../../functions/core/step/index.ts';

const NOW = 10_000_000_000;
const OWNER = 'fleetward-test';
const SEED = 20_240_611;
const RUNS = 300;

const ALL_SUBNETS: readonly SubnetPlacement[] = [
  { subnetId: 'subnet-0a1', availabilityZone: 'eu-west-1a' },
  { subnetId: 'subnet-0a2', availabilityZone: 'eu-west-1a' },
  { subnetId: 'subnet-0b1', availabilityZone: 'eu-west-1b' },
  { subnetId: 'subnet-0c1', availabilityZone: 'eu-west-1c' },
];
const TYPES = ['m7g.large', 'm7g.xlarge', 'm7g.2xlarge'];
const STATES: readonly Ec2State[] = ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'];

const seconds = (max: number) => fc.integer({ min: 0, max });
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const fleetArb: fc.Arbitrary<FleetConfig> = fc
  .record({
    min: fc.integer({ min: 0, max: 6 }),
    span: fc.integer({ min: 0, max: 12 }),
    initial: optional(fc.nat()),
    weights: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
    subnets: fc.subarray([...ALL_SUBNETS], { minLength: 1 }),
    metricType: fc.constantFrom('per-instance' as const, 'total' as const),
    target: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0.5, max: 100, noNaN: true })),
    warmupSeconds: seconds(300),
    // Often zero, as in most real configs, so that scale-out happens often enough to be tested.
    outStabilization: fc.oneof(fc.constant(0), seconds(300)),
    outCooldown: fc.oneof(fc.constant(0), seconds(300)),
    outMaxStep: optional(fc.integer({ min: 1, max: 5 })),
    inStabilization: fc.oneof(fc.constant(0), seconds(600)),
    inCooldown: fc.oneof(fc.constant(0), seconds(600)),
    inMaxStep: optional(fc.integer({ min: 1, max: 5 })),
    dryRun: fc.boolean(),
    failoverEnabled: fc.boolean(),
    unhealthyThreshold: fc.integer({ min: 1, max: 3 }),
  })
  .map((f) => {
    const max = Math.max(1, f.min + f.span);
    return {
      name: 'prop-fleet',
      launchTemplate: { id: 'lt-0abc', version: '$Latest' as const },
      subnets: f.subnets.map((s) => s.subnetId),
      instanceTypes: f.weights.map((weight, i) => ({ type: TYPES[i] ?? 'm7g.large', weight })),
      capacity: {
        min: f.min,
        max,
        ...(f.initial === undefined ? {} : { initial: f.min + (f.initial % (max - f.min + 1)) }),
      },
      scaling: {
        metric: { namespace: 'AWS/EC2', name: 'CPUUtilization', dimensions: {}, statistic: 'Average', periodSeconds: 60 },
        metricType: f.metricType,
        target: f.target,
        warmupSeconds: f.warmupSeconds,
        scaleOut: {
          stabilizationSeconds: f.outStabilization,
          cooldownSeconds: f.outCooldown,
          ...(f.outMaxStep === undefined ? {} : { maxStep: f.outMaxStep }),
        },
        scaleIn: {
          stabilizationSeconds: f.inStabilization,
          cooldownSeconds: f.inCooldown,
          ...(f.inMaxStep === undefined ? {} : { maxStep: f.inMaxStep }),
        },
        scaleOutAlarms: [],
      },
      targetGroups: [],
      drain: {
        deregistrationTimeoutSeconds: 330,
        waitForContinue: false,
        continueTimeoutSeconds: 3600,
        onContinueTimeout: 'continue' as const,
        maxDraining: 1,
        stopInMaintenance: false,
      },
      failover: {
        enabled: f.failoverEnabled,
        gracePeriodSeconds: 300,
        unhealthyThreshold: f.unhealthyThreshold,
        onFailure: 'terminate' as const,
        crossAzRestore: false,
        rebalanceRecommendation: 'ignore' as const,
        degradedZone: { impairedShare: 0.5, minImpaired: 2 },
      },
      dryRun: f.dryRun,
      tags: {},
    };
  });

const instanceArb = fc.record({
  state: fc.constantFrom(...STATES),
  health: fc.constantFrom('ok' as const, 'impaired' as const, 'unknown' as const),
  targetHealth: fc.constantFrom('healthy' as const, 'unhealthy' as const, 'not-registered' as const, 'unknown' as const),
  // One past the listed types: an instance type the config does not list.
  typeIndex: fc.integer({ min: 0, max: TYPES.length }),
  subnetIndex: fc.integer({ min: 0, max: ALL_SUBNETS.length - 1 }),
  protected: fc.boolean(),
  // Mostly this deployment's; sometimes another's, or no deployment's (a third party tagged it).
  owner: fc.constantFrom(OWNER, OWNER, OWNER, 'other-stack', undefined),
  launchedSecondsAgo: seconds(900),
  record: fc.constantFrom('none' as const, 'in-service' as const, 'in-service' as const, 'terminating' as const),
  recordedSecondsAgo: seconds(900),
});

const statusArb: fc.Arbitrary<FleetStatus | undefined> = optional(
  fc.record({
    step: fc.integer({ min: 0, max: 10_000 }),
    // Deliberately also outside min..max: the config may have changed since.
    desiredCapacity: fc.integer({ min: 0, max: 25 }),
    recommendations: fc.array(fc.record({ secondsAgo: seconds(900), capacity: fc.integer({ min: 0, max: 30 }) }), { maxLength: 8 }),
    lastScaleOutSecondsAgo: optional(seconds(900)),
    lastScaleInSecondsAgo: optional(seconds(900)),
    launchFailures: optional(fc.record({ count: fc.integer({ min: 1, max: 8 }), secondsAgo: seconds(1200) })),
  }).map((s) => ({
    step: s.step,
    desiredCapacity: s.desiredCapacity,
    recommendations: s.recommendations
      .map((r) => ({ atMs: NOW - r.secondsAgo * 1000, capacity: r.capacity }))
      .sort((a, b) => a.atMs - b.atMs),
    ...(s.lastScaleOutSecondsAgo === undefined ? {} : { lastScaleOutAtMs: NOW - s.lastScaleOutSecondsAgo * 1000 }),
    ...(s.lastScaleInSecondsAgo === undefined ? {} : { lastScaleInAtMs: NOW - s.lastScaleInSecondsAgo * 1000 }),
    ...(s.launchFailures === undefined
      ? {}
      : { launchFailures: { count: s.launchFailures.count, lastAtMs: NOW - s.launchFailures.secondsAgo * 1000, lastError: 'InsufficientInstanceCapacity' } }),
    version: 1,
  })),
);

const metricArb: fc.Arbitrary<MetricReading> = fc.oneof(
  { arbitrary: fc.constant<MetricReading>({ kind: 'missing', label: 'cpu', why: 'no datapoints' }), weight: 1 },
  {
    // Whole values spread over the usual range, and doubles for the odd ones (tiny, negative, huge).
    arbitrary: fc
      .oneof(fc.integer({ min: 0, max: 300 }), fc.double({ min: -10, max: 10_000, noNaN: true }))
      .map((value): MetricReading => ({ kind: 'value', value, timestampMs: NOW, label: 'cpu' })),
    weight: 4,
  },
);

const stepInputArb: fc.Arbitrary<StepInput> = fc
  .record({
    fleet: fleetArb,
    status: statusArb,
    instances: fc.array(instanceArb, { maxLength: 14 }),
    vanishedRecords: fc.integer({ min: 0, max: 3 }),
    metric: metricArb,
    nowOffsetMs: fc.integer({ min: 0, max: 60_000 }),
  })
  .map(({ fleet, status, instances, vanishedRecords, metric, nowOffsetMs }) => {
    const observed: ObservedInstance[] = instances.map((spec, index) => {
      const subnet = ALL_SUBNETS[spec.subnetIndex] ?? ALL_SUBNETS[0];
      return {
        instanceId: `i-${String(index).padStart(4, '0')}`,
        state: spec.state,
        health: spec.health,
        instanceType: TYPES[spec.typeIndex] ?? 't3.micro',
        subnetId: subnet?.subnetId ?? 'subnet-0a1',
        availabilityZone: subnet?.availabilityZone ?? 'eu-west-1a',
        launchTimeMs: NOW - spec.launchedSecondsAgo * 1000,
        protected: spec.protected,
        targetHealth: spec.targetHealth,
        identity: NO_IDENTITY,
        commandId: `launched/${index}`,
        ...(spec.owner === undefined ? {} : { owner: spec.owner }),
      };
    });
    const records: InstanceRecord[] = [];
    instances.forEach((spec, index) => {
      if (spec.record === 'none') return;
      records.push({
        instanceId: `i-${String(index).padStart(4, '0')}`,
        lifecycle: spec.record,
        launchedAtMs: NOW - spec.recordedSecondsAgo * 1000,
        version: 1,
        reason: 'launched',
      });
    });
    for (let k = 0; k < vanishedRecords; k += 1) {
      records.push({ instanceId: `i-gone-${k}`, lifecycle: 'in-service', launchedAtMs: NOW - 600_000, version: 2, reason: 'launched' });
    }
    const subnets = ALL_SUBNETS.filter((s) => fleet.subnets.includes(s.subnetId));
    return { fleet, owner: OWNER, status, records, observed, subnets, metric, nowMs: NOW + nowOffsetMs };
  });

/** Checks every invariant of one step's decision against its input. */
function checkInvariants(input: StepInput, decision: StepDecision): void {
  const { fleet } = input;
  const { min, max } = fleet.capacity;
  expect(decision.desiredCapacity).toBeGreaterThanOrEqual(min);
  expect(decision.desiredCapacity).toBeLessThanOrEqual(max);
  expect(decision.nextStatus.desiredCapacity).toBe(decision.desiredCapacity);

  const observedById = new Map(input.observed.map((o) => [o.instanceId, o]));
  const recordById = new Map(input.records.map((r) => [r.instanceId, r]));
  let terminatedUnits = 0;
  let launchedUnits = 0;
  for (const command of decision.commands) {
    // A drain that starts this step takes an in-service instance out: the scale-in victim.
    const startsDrain = command.kind === 'advance' && (recordById.get(command.instanceId)?.lifecycle ?? 'in-service') === 'in-service';
    if (startsDrain) {
      const target = observedById.get(command.instanceId);
      expect(target, `terminate of an instance not observed: ${command.instanceId}`).toBeDefined();
      if (target === undefined) continue;
      expect(target.protected, `terminate of a protected instance: ${command.instanceId}`).toBe(false);
      expect(['pending', 'running'], `terminate of a ${target.state} instance`).toContain(target.state);
      expect(recordById.get(command.instanceId)?.lifecycle ?? 'in-service', 'terminate of an instance not in service').toBe('in-service');
      terminatedUnits += unitsOf(target.instanceType, fleet.instanceTypes);
    }
    if (command.kind === 'launch') {
      expect(command.capacityUnits).toBeGreaterThan(0);
      expect(input.subnets.map((s) => s.subnetId)).toContain(command.subnetId);
      launchedUnits += command.capacityUnits;
    }
  }
  const current = decision.capacity.currentUnits;
  if (terminatedUnits > 0) expect(current - terminatedUnits).toBeGreaterThanOrEqual(decision.desiredCapacity);
  if (launchedUnits > 0) expect(current + decision.capacity.replacingUnits + launchedUnits).toBeLessThanOrEqual(max);
  expect(terminatedUnits > 0 && launchedUnits > 0, 'launch and terminate in one step').toBe(false);

  // Another deployment's instance, or a foreign one without the opt-in, is named only to let go of its record.
  for (const command of decision.commands) {
    const owner = 'instanceId' in command && command.instanceId !== undefined ? observedById.get(command.instanceId)?.owner : OWNER;
    if (owner !== OWNER && observedById.has((command as { instanceId: string }).instanceId)) expect(command.kind, `${command.kind} of an instance owned by ${owner}`).toBe('forget');
  }

  const ids = decision.commands.map((c) => c.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const command of decision.commands) {
    // A failover keeps one id across steps, so that a later step resumes it through the journal.
    const prefix = command.kind === 'failover' ? `${fleet.name}/failover/` : `${fleet.name}/${decision.step}/${command.kind}/`;
    expect(command.id.startsWith(prefix)).toBe(true);
    if (command.kind === 'failover') {
      expect(observedById.get(command.instanceId)?.protected ?? false, `failover of a protected instance: ${command.instanceId}`).toBe(false);
      expect(['in-service', 'failing-over']).toContain(recordById.get(command.instanceId)?.lifecycle);
    }
  }
}

describe('decideStep invariants', () => {
  it('holds every safety invariant for random fleets', () => {
    fc.assert(
      fc.property(stepInputArb, (input) => {
        checkInvariants(input, decideStep(input));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('gives the same output for the same input, and leaves the input alone', () => {
    fc.assert(
      fc.property(stepInputArb, (input) => {
        const copy = structuredClone(input);
        const first = decideStep(input);
        expect(decideStep(copy)).toEqual(first);
        expect(decideStep(input)).toEqual(first);
        expect(input).toEqual(copy);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('keeps the invariants over a history of steps, each from the status the last one left', () => {
    fc.assert(
      fc.property(
        stepInputArb,
        fc.array(fc.record({ metric: metricArb, afterSeconds: fc.integer({ min: 1, max: 400 }) }), { minLength: 1, maxLength: 8 }),
        (first, later) => {
          let input = first;
          let decision = decideStep(input);
          checkInvariants(input, decision);
          let version = 1;
          for (const next of later) {
            version += 1;
            input = { ...input, status: { ...decision.nextStatus, version }, metric: next.metric, nowMs: input.nowMs + next.afterSeconds * 1000 };
            const previousStep = decision.step;
            decision = decideStep(input);
            checkInvariants(input, decision);
            expect(decision.step).toBe(previousStep + 1);
            const windowMs =
              Math.max(input.fleet.scaling.scaleOut.stabilizationSeconds, input.fleet.scaling.scaleIn.stabilizationSeconds) * 1000;
            // A step function: only the first (the one standing at the window's start) may be from before the window.
            for (const [k, r] of decision.nextStatus.recommendations.entries()) {
              expect(r.atMs).toBeLessThanOrEqual(input.nowMs);
              if (k > 0) expect(r.atMs).toBeGreaterThan(input.nowMs - windowMs);
            }
          }
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
  });
});
