// End-to-end tests of decideStep on plain data: reconcile, capacity, commands with exact ids and reasons, notes, next status.
import { describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../functions/core/config.ts';
import { decideStep, launchBackoffSeconds } from '../../functions/core/step/index.ts';
import { LONG_AGO, NOW, SUBNET_A, SUBNET_B, cpu, fleet, instance, missing, record, sec, status, stepInput } from './step-fixtures.ts';

describe('decideStep: reconcile', () => {
  const observed = [
    instance('i-kept', SUBNET_A),
    instance('i-ended', SUBNET_A, { state: 'terminated' }),
    instance('i-leaving', SUBNET_B),
    instance('i-orphan', SUBNET_B, { launchTimeMs: NOW - sec(30), commandId: 'web/3/launch/subnet-0b' }),
    instance('i-booting', SUBNET_A, { state: 'pending', launchTimeMs: NOW - sec(5) }),
    instance('i-stopped', SUBNET_A, { state: 'stopped' }),
    instance('i-gone-untracked', SUBNET_A, { state: 'terminated' }),
  ];
  const records = [
    record('i-kept'),
    record('i-vanished'),
    record('i-ended'),
    record('i-leaving', { lifecycle: 'terminating' }),
  ];
  const decision = decideStep(stepInput({ status: status(3), observed, records }));

  it('forgets records of vanished and terminated instances, and adopts live instances without a record', () => {
    expect(decision.commands).toEqual([
      { kind: 'forget', id: 'web/42/forget/i-vanished', instanceId: 'i-vanished', reason: 'EC2 no longer reports the instance' },
      { kind: 'forget', id: 'web/42/forget/i-ended', instanceId: 'i-ended', reason: 'the instance is terminated' },
      {
        kind: 'adopt',
        id: 'web/42/adopt/i-orphan',
        instanceId: 'i-orphan',
        launchedAtMs: NOW - sec(30),
        lifecycle: 'in-service',
        reason: 'it carries the fleet tag and is running, but fleetward had no record of it',
      },
      {
        kind: 'adopt',
        id: 'web/42/adopt/i-booting',
        instanceId: 'i-booting',
        launchedAtMs: NOW - sec(5),
        lifecycle: 'in-service',
        reason: 'it carries the fleet tag and is pending, but fleetward had no record of it',
      },
    ]);
  });

  it('counts in-service and adopted live instances only, and warms adopted ones from their EC2 launch time', () => {
    expect(decision.capacity).toEqual({ currentUnits: 3, replacingUnits: 0, warmedUnits: 1, warmingInstances: 2, instances: 3 });
    expect(decision.notes).toEqual([]);
  });

  it('warms a recorded instance from the time fleetward recorded, not the EC2 launch time', () => {
    const result = decideStep(
      stepInput({
        status: status(2),
        observed: [instance('i-1', SUBNET_A), instance('i-2', SUBNET_B, { launchTimeMs: NOW - sec(10) })],
        records: [record('i-1', { launchedAtMs: NOW - sec(60) }), record('i-2', { launchedAtMs: NOW - sec(120) })],
      }),
    );
    // Warm-up is 120 s: i-1 is 60 s into it, i-2 has just finished it.
    expect(result.capacity).toEqual({ currentUnits: 2, replacingUnits: 0, warmedUnits: 1, warmingInstances: 1, instances: 2 });
  });

  it('weights capacity units by instance type, 1 for an unlisted type', () => {
    const result = decideStep(
      stepInput({
        fleet: fleet({ instanceTypes: [{ type: 'm7g.2xlarge', weight: 4 }, { type: 'm7g.large', weight: 1 }] }),
        status: status(6),
        observed: [
          instance('i-big', SUBNET_A, { instanceType: 'm7g.2xlarge' }),
          instance('i-small', SUBNET_B),
          instance('i-odd', SUBNET_B, { instanceType: 't3.micro' }),
        ],
      }),
    );
    expect(result.capacity).toEqual({ currentUnits: 6, replacingUnits: 0, warmedUnits: 6, warmingInstances: 0, instances: 3 });
    expect(result.commands).toEqual([]);
  });
});

describe('decideStep: scale out', () => {
  const observed = [instance('i-1', SUBNET_A), instance('i-2', SUBNET_A)];
  const previous = status(2, { lastScaleInAtMs: LONG_AGO, lastScaleOutAtMs: LONG_AGO - 1 });
  const decision = decideStep(stepInput({ status: previous, observed, metric: cpu(100) }));

  it('decides the capacity and says why', () => {
    expect(decision.step).toBe(42);
    expect(decision.desiredCapacity).toBe(4);
    expect(decision.direction).toBe('out');
    expect(decision.reason).toBe('scale out 2 -> 4: cpu = 100 per unit over 2 warmed units at target 50 recommends 4');
    expect(decision.recommendation).toBe(4);
  });

  it('launches into the emptier zone, with capacity units, the type list and the reason', () => {
    expect(decision.commands).toEqual([
      {
        kind: 'launch',
        id: 'web/42/launch/subnet-0b',
        subnetId: 'subnet-0b',
        availabilityZone: 'us-east-1b',
        capacityUnits: 2,
        instanceTypes: [
          { type: 'm7g.large', weight: 1 },
          { type: 'm6g.large', weight: 1 },
        ],
        reason: 'capacity 2 is below desired 4: 2 instance(s) in us-east-1b to balance zones',
      },
    ]);
    expect(decision.notes).toEqual([]);
  });

  it('sets lastScaleOutAtMs and keeps lastScaleInAtMs in the next status', () => {
    expect(decision.nextStatus).toEqual({
      step: 42,
      desiredCapacity: 4,
      recommendations: [{ atMs: NOW, capacity: 4 }],
      lastScaleOutAtMs: NOW,
      lastScaleInAtMs: LONG_AGO,
    });
  });

  it('spreads a launch over both zones with one command per subnet', () => {
    const result = decideStep(stepInput({ fleet: fleet({ capacity: { min: 1, max: 10, initial: 3 } }), observed: [] }));
    expect(result.reason).toBe('hold at 3: no data for cpu (no datapoints)');
    expect(result.commands.map((c) => [c.id, c.kind === 'launch' ? c.capacityUnits : 0, c.reason])).toEqual([
      ['web/1/launch/subnet-0a', 2, 'capacity 0 is below desired 3: 2 instance(s) in us-east-1a to balance zones'],
      ['web/1/launch/subnet-0b', 1, 'capacity 0 is below desired 3: 1 instance(s) in us-east-1b to balance zones'],
    ]);
  });

  it('launches whole instances of the first type, as capacity units of its weight', () => {
    const result = decideStep(
      stepInput({
        fleet: fleet({ instanceTypes: [{ type: 'm7g.xlarge', weight: 2 }, { type: 'm7g.large', weight: 1 }] }),
        status: status(7),
        observed: [instance('i-1', SUBNET_A, { instanceType: 'm7g.xlarge' })],
      }),
    );
    // 5 units short: 3 instances of weight 2, 2 to the empty zone b and 1 to a.
    expect(result.commands.map((c) => [c.id, c.kind === 'launch' ? c.capacityUnits : 0, c.reason])).toEqual([
      ['web/42/launch/subnet-0a', 2, 'capacity 2 is below desired 7: 1 instance(s) in us-east-1a to balance zones'],
      ['web/42/launch/subnet-0b', 4, 'capacity 2 is below desired 7: 2 instance(s) in us-east-1b to balance zones'],
    ]);
  });

  it('launches no more weighted instances than fit under capacity.max', () => {
    const result = decideStep(
      stepInput({
        fleet: fleet({ capacity: { min: 1, max: 10 }, instanceTypes: [{ type: 'm7g.2xlarge', weight: 4 }] }),
        status: status(10),
        observed: [instance('i-1', SUBNET_A, { instanceType: 'm7g.2xlarge' })],
      }),
    );
    // 6 units short, but a second new instance of weight 4 would make 12 > 10.
    expect(result.commands.map((c) => (c.kind === 'launch' ? [c.subnetId, c.capacityUnits] : c.kind))).toEqual([
      ['subnet-0b', 4],
    ]);
  });

  it('says so when even one instance of the first type would exceed capacity.max', () => {
    const result = decideStep(
      stepInput({
        fleet: fleet({ capacity: { min: 1, max: 10 }, instanceTypes: [{ type: 'm7g.2xlarge', weight: 4 }] }),
        status: status(10),
        observed: [
          instance('i-1', SUBNET_A, { instanceType: 'm7g.2xlarge' }),
          instance('i-2', SUBNET_B, { instanceType: 'm7g.2xlarge' }),
        ],
      }),
    );
    expect(result.commands).toEqual([]);
    expect(result.notes).toEqual(['a m7g.2xlarge (weight 4) would take the fleet past capacity.max 10']);
  });
});

describe('decideStep: launch backoff', () => {
  it.each([
    [1, 60],
    [2, 120],
    [3, 240],
    [4, 480],
    [5, 900],
    [6, 900],
    [50, 900],
  ])('launchBackoffSeconds(%i) is %i', (failures, seconds) => {
    expect(launchBackoffSeconds(failures)).toBe(seconds);
  });

  const launchFailures = { count: 3, lastAtMs: NOW - sec(100), lastError: 'InsufficientInstanceCapacity: no m7g.large in us-east-1a' };

  it('does not launch while backing off, and says for how long and why', () => {
    const decision = decideStep(stepInput({ status: status(4, { launchFailures }), observed: [instance('i-1', SUBNET_A)] }));
    expect(decision.commands).toEqual([]);
    expect(decision.notes).toEqual([
      'launching is backing off for 140 s after 3 failed launch(es): InsufficientInstanceCapacity: no m7g.large in us-east-1a',
    ]);
    expect(decision.nextStatus.launchFailures).toEqual(launchFailures);
  });

  it('launches again once the backoff is over', () => {
    const failures = { ...launchFailures, lastAtMs: NOW - sec(240) };
    const decision = decideStep(stepInput({ status: status(2, { launchFailures: failures }), observed: [instance('i-1', SUBNET_A)] }));
    expect(decision.notes).toEqual([]);
    expect(decision.commands.map((c) => c.id)).toEqual(['web/42/launch/subnet-0b']);
    // The shell, not the core, clears the failures once a launch succeeds.
    expect(decision.nextStatus.launchFailures).toEqual(failures);
  });

  it('does not hold back a scale-in', () => {
    const decision = decideStep(
      stepInput({ status: status(1, { launchFailures }), observed: [instance('i-1', SUBNET_A), instance('i-2', SUBNET_B)] }),
    );
    expect(decision.notes).toEqual([]);
    expect(decision.commands.map((c) => c.id)).toEqual(['web/42/advance/i-1']);
  });
});

describe('decideStep: scale in', () => {
  const observed = [
    instance('i-a1', SUBNET_A),
    instance('i-a2', SUBNET_A),
    instance('i-a3', SUBNET_A),
    instance('i-b1', SUBNET_B),
  ];
  const previous = status(4, { lastScaleOutAtMs: LONG_AGO, recommendations: [{ atMs: NOW - sec(30), capacity: 4 }] });
  const decision = decideStep(
    stepInput({
      fleet: fleet({ scaling: { scaleIn: { stabilizationSeconds: 60, cooldownSeconds: 300, maxStep: 2 } } }),
      status: previous,
      observed,
      records: [
        record('i-a1', { launchedAtMs: LONG_AGO + 3 }),
        record('i-a2', { launchedAtMs: LONG_AGO + 1 }),
        record('i-a3', { launchedAtMs: LONG_AGO + 2 }),
        record('i-b1', { launchedAtMs: LONG_AGO }),
      ],
      metric: cpu(10),
    }),
  );

  it('decides the capacity and says why', () => {
    // 4 × 10 / 50 recommends 1, the window still holds 4 from 30 s ago.
    expect(decision.desiredCapacity).toBe(4);
    expect(decision.reason).toBe(
      'hold at 4: cpu = 10 per unit over 4 warmed units at target 50 recommends 1, but the highest recommendation in the last 60 s is 4',
    );
    expect(decision.commands).toEqual([]);
  });

  it('terminates the chosen victims with exact reasons', () => {
    const later = decideStep(
      stepInput({
        fleet: fleet({ scaling: { scaleIn: { stabilizationSeconds: 60, cooldownSeconds: 300, maxStep: 2 } } }),
        status: { ...previous, ...decision.nextStatus, version: 10 },
        observed,
        records: [
          record('i-a1', { launchedAtMs: LONG_AGO + 3 }),
          record('i-a2', { launchedAtMs: LONG_AGO + 1 }),
          record('i-a3', { launchedAtMs: LONG_AGO + 2 }),
          record('i-b1', { launchedAtMs: LONG_AGO }),
        ],
        metric: cpu(10),
        // The 4 of 30 s before NOW stood until NOW's 1 replaced it: a window starting after NOW reads 1.
        nowMs: NOW + sec(61),
      }),
    );
    expect(later.step).toBe(43);
    expect(later.direction).toBe('in');
    expect(later.reason).toBe(
      'scale in 4 -> 2: cpu = 10 per unit over 4 warmed units at target 50 recommends 1, capped by scaleIn.maxStep 2',
    );
    // Scale-in drains first: without target groups or a continue hook, the drain ends this step.
    expect(later.commands).toEqual([
      {
        kind: 'advance',
        id: 'web/43/advance/i-a2',
        instanceId: 'i-a2',
        journalKey: `web/drain/i-a2/${NOW + sec(61)}`,
        actions: ['notify', 'terminate'],
        lifecycle: 'terminating',
        reason: 'capacity 4 is above desired 2; chose it because us-east-1a has the most instances (3); drained: terminating',
      },
      {
        kind: 'advance',
        id: 'web/43/advance/i-a3',
        instanceId: 'i-a3',
        journalKey: `web/drain/i-a3/${NOW + sec(61)}`,
        actions: ['notify', 'terminate'],
        lifecycle: 'terminating',
        reason: 'capacity 4 is above desired 2; chose it because us-east-1a has the most instances (2); drained: terminating',
      },
    ]);
    expect(later.notes).toEqual([]);
    expect(later.nextStatus).toEqual({
      step: 43,
      desiredCapacity: 2,
      // The recommendation of 4 from 30 s before the first step has left the 60 s window; the same 1 again appends nothing.
      recommendations: [{ atMs: NOW, capacity: 1 }],
      lastScaleOutAtMs: LONG_AGO,
      lastScaleInAtMs: NOW + sec(61),
    });
  });

  it('never terminates protected instances, and says so when all are', () => {
    const result = decideStep(
      stepInput({
        status: status(1),
        observed: [instance('i-1', SUBNET_A, { protected: true }), instance('i-2', SUBNET_B, { protected: true, health: 'impaired' })],
      }),
    );
    expect(result.commands).toEqual([]);
    expect(result.notes).toEqual(['capacity 2 is above desired 1, but every instance is protected']);
  });

  it('terminates only unprotected instances when some are protected', () => {
    const result = decideStep(
      stepInput({
        status: status(1),
        observed: [
          instance('i-1', SUBNET_A, { protected: true }),
          instance('i-2', SUBNET_B, { protected: true }),
          instance('i-3', SUBNET_B),
        ],
      }),
    );
    expect(result.commands.map((c) => c.id)).toEqual(['web/42/advance/i-3']);
  });

  it('says so when no instance is small enough to remove', () => {
    const result = decideStep(
      stepInput({
        fleet: fleet({ instanceTypes: [{ type: 'm7g.2xlarge', weight: 4 }] }),
        status: status(6),
        observed: [instance('i-1', SUBNET_A, { instanceType: 'm7g.2xlarge' }), instance('i-2', SUBNET_B, { instanceType: 'm7g.2xlarge' })],
      }),
    );
    expect(result.commands).toEqual([]);
    expect(result.notes).toEqual(['capacity 8 is above desired 6, but no instance is small enough to remove without going below it']);
  });

  it('never terminates an instance whose record is not in service', () => {
    const result = decideStep(
      stepInput({
        status: status(1),
        observed: [instance('i-1', SUBNET_A), instance('i-2', SUBNET_B)],
        records: [record('i-1', { lifecycle: 'terminating' }), record('i-2')],
      }),
    );
    expect(result.capacity.instances).toBe(1);
    expect(result.commands).toEqual([]);
  });
});

describe('decideStep: status and flags', () => {
  it('starts at step 1 from no status, with the first-step defaults', () => {
    const decision = decideStep(stepInput({ observed: [instance('i-1', SUBNET_A)], records: [] }));
    expect(decision.step).toBe(1);
    expect(decision.commands.map((c) => c.id)).toEqual(['web/1/adopt/i-1']);
    expect(decision).not.toHaveProperty('recommendation');
    expect(decision.nextStatus).toEqual({ step: 1, desiredCapacity: 1, recommendations: [] });
  });

  it.each([
    ['no status and no decision log (a new fleet)', undefined, 1],
    ['no status, the decision log at step 7 (a lost status, maybe one step ahead of its log)', 7, 9],
  ])('numbers the step from %s', (_, loggedStep, step) => {
    const decision = decideStep(stepInput({ observed: [instance('i-1', SUBNET_A)], records: [], ...(loggedStep === undefined ? {} : { loggedStep }) }));
    expect(decision.step).toBe(step);
    expect(decision.nextStatus.step).toBe(step);
    expect(decision.commands.map((c) => c.id)).toEqual([`web/${step}/adopt/i-1`]);
  });

  it('numbers the step from the status when there is one, whatever the log says', () => {
    expect(decideStep(stepInput({ status: status(1), observed: [], loggedStep: 99 })).step).toBe(42);
  });

  it('adopts a running fleet it has no status for (first deploy, lost table) and drains none of it while the metric is missing', () => {
    const observed = ['i-1', 'i-2', 'i-3', 'i-4'].map((id, i) => instance(id, i % 2 === 0 ? SUBNET_A : SUBNET_B));
    const decision = decideStep(stepInput({ fleet: fleet({ capacity: { min: 1, max: 10 } }), observed, records: [] }));
    expect(decision.desiredCapacity).toBe(4);
    expect(decision.reason).toBe('hold at 4: no data for cpu (no datapoints)');
    expect(decision.commands.map((c) => c.kind)).toEqual(['adopt', 'adopt', 'adopt', 'adopt']);
  });

  it('sets neither timestamp when it holds, and keeps the old ones', () => {
    const decision = decideStep(
      stepInput({ status: status(1, { lastScaleOutAtMs: 5, lastScaleInAtMs: 7 }), observed: [instance('i-1', SUBNET_A)], metric: cpu(50) }),
    );
    expect(decision.direction).toBe('hold');
    expect(decision.nextStatus).toEqual({
      step: 42,
      desiredCapacity: 1,
      recommendations: [{ atMs: NOW, capacity: 1 }],
      lastScaleOutAtMs: 5,
      lastScaleInAtMs: 7,
    });
  });

  it('passes dry-run through and still lists the commands it would run', () => {
    const live = decideStep(stepInput({ status: status(3), observed: [instance('i-1', SUBNET_A)] }));
    const dry = decideStep(stepInput({ fleet: fleet({ dryRun: true }), status: status(3), observed: [instance('i-1', SUBNET_A)] }));
    expect(live.dryRun).toBe(false);
    expect(dry.dryRun).toBe(true);
    expect(dry.commands).toEqual(live.commands);
    expect(dry.commands.length).toBeGreaterThan(0);
  });

  it('gives the same command ids for the same input', () => {
    const input = stepInput({ status: status(5), observed: [instance('i-1', SUBNET_A)], records: [record('i-x')] });
    const ids = decideStep(input).commands.map((c) => c.id);
    expect(ids).toEqual(['web/42/forget/i-x', 'web/42/adopt/i-1', 'web/42/launch/subnet-0a', 'web/42/launch/subnet-0b']);
    expect(decideStep(input).commands.map((c) => c.id)).toEqual(ids);
  });
});

describe('decideStep: gaps it cannot close in one step', () => {
  it('says when a weighted type would pass capacity.max, launching only what fits', () => {
    const input = stepInput({
      fleet: fleet({ capacity: { min: 1, max: 10 }, instanceTypes: [{ type: 'm7g.4xlarge', weight: 4 }] }),
      status: status(10),
      observed: [instance('i-1', SUBNET_A, { instanceType: 'unlisted.large' })],
      metric: missing,
    });

    const decision = decideStep(input);

    expect(decision.commands.filter((c) => c.kind === 'launch').map((c) => c.kind === 'launch' && c.capacityUnits)).toEqual([4, 4]);
    expect(decision.notes).toEqual([
      'launching 8 of the 9 missing units: another m7g.4xlarge (weight 4) would pass capacity.max 10',
    ]);
  });

  it('says when protected instances keep part of the surplus', () => {
    const input = stepInput({
      fleet: fleet({ capacity: { min: 1, max: 10 } }),
      status: status(1),
      observed: [
        instance('i-1', SUBNET_A, { protected: true }),
        instance('i-2', SUBNET_B, { protected: true }),
        instance('i-3', SUBNET_A),
      ],
      metric: cpu(1),
    });

    const decision = decideStep(input);

    expect(decision.commands.map((c) => `${c.kind} ${'instanceId' in c ? c.instanceId : ''}`)).toEqual(['advance i-3']);
    expect(decision.notes).toEqual(['removing 1 of the 2 surplus units: the rest are protected or larger than what is left']);
  });
});

describe('decideStep: failover', () => {
  const withFailover = (capacity: FleetConfig['capacity'] = { min: 1, max: 10 }) => {
    const base = fleet({ capacity });
    return { ...base, failover: { ...base.failover, enabled: true, gracePeriodSeconds: 0, unhealthyThreshold: 1 } };
  };

  it('replaces a failed instance through the failover alone: no second launch for the same gap', () => {
    const decision = decideStep(
      stepInput({
        fleet: withFailover(),
        status: status(2),
        observed: [instance('i-1', SUBNET_A, { health: 'impaired' }), instance('i-2', SUBNET_B)],
        metric: missing,
      }),
    );

    expect(decision.commands.map((c) => `${c.kind} ${c.id}`)).toEqual(['failover web/failover/i-1']);
    expect(decision.capacity).toMatchObject({ currentUnits: 1, replacingUnits: 1 });
    expect(decision.commands[0]?.reason).toBe(
      'its status checks are impaired on 1 consecutive observations: replace it in us-east-1a to balance zones, then terminate it',
    );
  });

  it('leaves a failed protected instance to the operator, and says so', () => {
    const decision = decideStep(
      stepInput({
        fleet: withFailover(),
        status: status(1),
        observed: [instance('i-1', SUBNET_A, { health: 'impaired', protected: true })],
        metric: missing,
      }),
    );

    expect(decision.commands).toEqual([]);
    expect(decision.notes).toEqual([
      'i-1 has failed (its status checks are impaired on 1 consecutive observations) but is protected: fleetward leaves it to the operator',
    ]);
  });

  it('fails over on a status check alarm only when the fleet owns it or EC2 confirms it, and notes the alarm it ignored', () => {
    const forged = { instanceId: 'i-1', kind: 'status-alarm' as const, detail: 'any-name' };
    const owned = { instanceId: 'i-2', kind: 'status-alarm' as const, detail: 'fleetward-web-i-2', alarmOwner: 'web' };
    const confirmed = { instanceId: 'i-3', kind: 'status-alarm' as const, detail: 'other-name' };
    const decision = decideStep(
      stepInput({
        fleet: withFailover({ min: 1, max: 10 }),
        status: status(4),
        observed: [instance('i-1', SUBNET_A), instance('i-2', SUBNET_B), instance('i-3', SUBNET_A, { health: 'impaired' }), instance('i-4', SUBNET_B)],
        records: ['i-1', 'i-2', 'i-3', 'i-4'].map((id) => record(id, { failedObservations: 0 })),
        signals: [forged, owned, confirmed],
        metric: missing,
      }),
    );

    expect(decision.commands.filter((c) => c.kind === 'failover').map((c) => [c.instanceId, c.reason.split(': replace')[0]])).toEqual([
      ['i-2', 'status check alarm in ALARM: fleetward-web-i-2 (owned by the fleet)'],
      ['i-3', 'status check alarm in ALARM: other-name, confirmed by DescribeInstanceStatus: its status checks are impaired'],
    ]);
    expect(decision.notes).toContain(
      "ignored status check alarm any-name on i-1: the alarm is not the fleet's and DescribeInstanceStatus reports its status checks ok",
    );
  });

  it('continues a failover decided in an earlier step, under the same id', () => {
    const first = decideStep(
      stepInput({ fleet: withFailover(), status: status(1), observed: [instance('i-1', SUBNET_A, { state: 'stopped' })], metric: missing }),
    );
    const plan = first.commands[0]?.kind === 'failover' ? first.commands[0].plan : undefined;
    expect(plan).toBeDefined();

    const later = decideStep(
      stepInput({
        fleet: withFailover(),
        status: status(1, { step: 50 }),
        observed: [instance('i-1', SUBNET_A, { state: 'stopped' })],
        records: [record('i-1', { lifecycle: 'failing-over', failover: plan })],
        metric: missing,
      }),
    );

    expect(later.commands.map((c) => [c.kind, c.id, c.reason])).toEqual([
      ['failover', 'web/failover/i-1', 'continuing the failover decided earlier: it is stopped and fleetward did not ask for it'],
    ]);
  });
});
