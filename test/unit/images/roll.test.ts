// Rolls onto another image, through decideStep as the step runs them: the start, each checkpoint
// and its bake, the budget, instances already on the image skipped, protected ones skipped until
// the forced-patch deadline, the alarm's rollback, and an image rolled back from never rolled onto again.
import { describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../../functions/core/config.ts';
import type { ImageView } from '../../../functions/core/images/roll.ts';
import { type Command, type FailoverPlan, type InstanceRecord, NO_IDENTITY, type ObservedInstance, type RollState } from '../../../functions/core/model.ts';
import { isoUtcToMs } from '../../../functions/core/iso-time.ts';
import { type StepDecision, decideStep } from '../../../functions/core/step/index.ts';
import { LONG_AGO, NOW, SUBNET_A, SUBNET_B, fleet, instance, record, sec, status, stepInput } from '../step-fixtures.ts';
import { policyOf } from './fixtures.ts';

const OLD = 'ami-0old';
const NEW = 'ami-0new';

function rolling(roll: Record<string, unknown> = {}, disruption?: FleetConfig['disruption']): FleetConfig {
  const images = policyOf({ roll: { alarm: 'web-errors', ...roll } });
  return { ...fleet({ capacity: { min: 1, max: 20 }, ...(disruption === undefined ? {} : { disruption }) }), images };
}

/** Ten instances, i-0 oldest; the first `onNew` run the new image. */
function fleetOf(onNew: number, extra: (index: number) => Partial<ObservedInstance> = () => ({})): { observed: ObservedInstance[]; records: InstanceRecord[] } {
  const observed = Array.from({ length: 10 }, (_, i) => instance(`i-${i}`, i % 2 === 0 ? SUBNET_A : SUBNET_B, { imageId: i >= 10 - onNew ? NEW : OLD, ...extra(i) }));
  return { observed, records: observed.map((o, i) => record(o.instanceId, { launchedAtMs: LONG_AGO + i })) };
}

const view = (extra: Partial<ImageView> = {}): ImageView => ({ templateImageId: OLD, newestImageId: NEW, alarmFiring: false, ...extra });
const started: RollState = { targetImageId: NEW, previousImageId: OLD, phase: 'rolling', checkpoint: 0, startedAtMs: NOW - sec(900), reason: 'started' };

const drained = (decision: StepDecision) =>
  decision.commands.filter((c): c is Extract<Command, { kind: 'advance' }> => c.kind === 'advance' && c.drain?.startedAtMs === NOW).map((c) => [c.instanceId, c.drain?.reason]);
const launched = (decision: StepDecision) => decision.commands.filter((c): c is Extract<Command, { kind: 'launch' }> => c.kind === 'launch').map((c) => c.imageId);

function step(roll: RollState | undefined, onNew: number, options: { fleet?: FleetConfig; images?: ImageView; nowMs?: number; extra?: (i: number) => Partial<ObservedInstance> } = {}) {
  return decideStep(
    stepInput({ fleet: options.fleet ?? rolling(), status: status(10, roll === undefined ? {} : { roll }), ...fleetOf(onNew, options.extra), images: options.images ?? view(), nowMs: options.nowMs ?? NOW }),
  );
}

describe('a roll onto the newest approved image', () => {
  it('starts when instances run another image: the first checkpoint replaces the oldest instance, replacement first, and launches the new image', () => {
    const decision = step(undefined, 0);
    expect(decision.nextStatus.roll).toEqual({
      targetImageId: NEW,
      previousImageId: OLD,
      phase: 'rolling',
      checkpoint: 0,
      startedAtMs: NOW,
      reason: 'image ami-0new is the newest approved image; 10 of 10 instances run another (most ami-0old)',
    });
    expect(drained(decision)).toEqual([['i-0', 'rolling onto image ami-0new: checkpoint 1 of 3 (10%: 1 of 10 instances), 0 on ami-0new, 0 replacing; it runs ami-0old']]);
    expect(decision.commands.find((c) => c.kind === 'advance')?.reason).toContain('waiting for capacity');
    expect(launched(decision)).toEqual([NEW]);
  });

  it('counts the instances draining for the roll already and drains no more until their replacements run', () => {
    const { observed, records } = fleetOf(0);
    const draining = records.map((r) => (r.instanceId === 'i-0' ? { ...r, lifecycle: 'draining' as const, drain: { purpose: 'terminate' as const, reason: 'rolling onto image ami-0new: …', startedAtMs: NOW - sec(60), keepCapacity: true, stop: false } } : r));
    const decision = decideStep(stepInput({ fleet: rolling(), status: status(10, { roll: started }), observed, records: draining, images: view() }));
    expect(drained(decision)).toEqual([]);
    expect(decision.nextStatus.roll).toEqual(started);
  });

  it('bakes at a checkpoint once its share runs the new image, and names the bake', () => {
    const decision = step(started, 1);
    expect(decision.nextStatus.roll).toEqual({ ...started, phase: 'baking', bakeStartedAtMs: NOW, reason: 'checkpoint 1 of 3 (10%: 1 of 10 instances), 1 on ami-0new: reached, baking 600 s' });
    expect(drained(decision)).toEqual([]);
  });

  it('waits out the bake, saying how long it has baked', () => {
    const baking: RollState = { ...started, phase: 'baking', bakeStartedAtMs: NOW - sec(300) };
    const decision = step(baking, 1);
    expect(decision.nextStatus.roll).toEqual(baking);
    expect(decision.notes).toContain('roll onto ami-0new: baking at checkpoint 1 of 3, 300 of 600 s');
    expect(drained(decision)).toEqual([]);
  });

  it('after the bake, goes on to the next checkpoint and skips the instance already on the new image', () => {
    const decision = step({ ...started, phase: 'baking', bakeStartedAtMs: NOW - sec(600) }, 1);
    expect(decision.nextStatus.roll).toEqual({ ...started, checkpoint: 1, reason: 'checkpoint 1 of 3 baked 600 s: on to checkpoint 2' });
    const why = 'rolling onto image ami-0new: checkpoint 2 of 3 (50%: 5 of 10 instances), 1 on ami-0new, 0 replacing; it runs ami-0old';
    expect(drained(decision)).toEqual(['i-0', 'i-1', 'i-2', 'i-3'].map((id) => [id, why]));
  });

  it('replaces only what the disruption budget allows, and says which budget held the rest back', () => {
    const decision = step({ ...started, checkpoint: 1 }, 1, { fleet: rolling({}, { budgets: [{ max: 2, reasons: ['roll'] }] }) });
    const why = 'rolling onto image ami-0new: checkpoint 2 of 3 (50%: 5 of 10 instances), 1 on ami-0new, 0 replacing; it runs ami-0old; within the disruption budget disruption.budgets[0] (2)';
    expect(drained(decision)).toEqual([['i-0', why], ['i-1', why]]);
    expect(decision.notes).toContain('roll: 2 of 4 instances held back by the disruption budget disruption.budgets[0] (2), with 0 disrupting already');
  });

  it('is done at the last checkpoint when every instance runs the new image, and launches it from then on', () => {
    const decision = step({ ...started, checkpoint: 2 }, 10);
    expect(decision.nextStatus.roll).toEqual({ ...started, checkpoint: 2, phase: 'done', reason: 'checkpoint 3 of 3 (100%: 10 of 10 instances), 10 on ami-0new: the roll is done' });
    expect(drained(decision)).toEqual([]);
  });

  it('starts no roll when every instance runs the wanted image (the template default version in use, no source)', () => {
    const decision = step(undefined, 10, { images: { templateImageId: NEW, alarmFiring: false } });
    expect(decision.nextStatus.roll).toBeUndefined();
    expect(drained(decision)).toEqual([]);
  });

  it('rolls onto the image a new launch template default version names, without a source', () => {
    const decision = step(undefined, 0, { images: { templateImageId: NEW, alarmFiring: false } });
    expect(decision.nextStatus.roll?.reason).toBe('image ami-0new the launch template names; 10 of 10 instances run another (most ami-0old)');
    expect(drained(decision).map(([id]) => id)).toEqual(['i-0']);
  });
});

describe('protection and the forced-patch deadline', () => {
  const protectedOld = (i: number) => ({ protected: i < 9 });

  it('skips protected instances before the deadline', () => {
    const decision = step({ ...started, checkpoint: 1 }, 1, { extra: protectedOld });
    expect(drained(decision)).toEqual([]);
    expect(decision.nextStatus.roll?.phase).toBe('baking');
  });

  it('past the deadline, drains protected instances and the budget does not hold it back; maintenance instances are not members at all', () => {
    const forced = rolling({ forceAfter: new Date(NOW - sec(1)).toISOString() }, { budgets: [{ max: 0 }] });
    const decision = step({ ...started, checkpoint: 1 }, 1, { fleet: forced, extra: protectedOld });
    const why =
      'rolling onto image ami-0new: checkpoint 2 of 3 (50%: 5 of 10 instances), 1 on ami-0new, 0 replacing; it runs ami-0old; past the forced-patch deadline (images.roll.forceAfter): budgets and protection do not hold it back';
    expect(drained(decision)).toEqual(['i-0', 'i-1', 'i-2', 'i-3'].map((id) => [id, why]));
  });

  it('never touches an instance in maintenance, even past the deadline', () => {
    const forced = rolling({ forceAfter: new Date(NOW - sec(1)).toISOString() });
    const { observed, records } = fleetOf(0);
    const inMaintenance = records.map((r) => ({ ...r, lifecycle: 'maintenance' as const }));
    const decision = decideStep(stepInput({ fleet: forced, status: status(10, { roll: { ...started, checkpoint: 2 } }), observed, records: inMaintenance, images: view() }));
    expect(drained(decision)).toEqual([]);
  });
});

describe('the alarm rolls back', () => {
  it('when it fires while baking: back to the previous image, replacing the instances on the new one, and the decision log says so', () => {
    const decision = step({ ...started, phase: 'baking', bakeStartedAtMs: NOW - sec(60) }, 1, { images: view({ alarmFiring: true }) });
    const reason = 'alarm web-errors is in ALARM during the roll onto ami-0new (baking, checkpoint 1): rolling back to ami-0old';
    expect(decision.notes).toContain(reason);
    expect(decision.nextStatus.roll).toEqual({ targetImageId: OLD, previousImageId: NEW, phase: 'rolling-back', checkpoint: 0, startedAtMs: started.startedAtMs, refusedImageId: NEW, reason });
    expect(drained(decision)).toEqual([['i-9', 'rolling back to image ami-0old: rollback (100%: 10 of 10 instances), 9 on ami-0old, 0 replacing; it runs ami-0new']]);
    // Its replacement: the launch template's own image (ami-0old), so no override.
    expect(launched(decision)).toEqual([undefined]);
  });

  it('launches the previous image while rolling back, even when the newest approved image is another', () => {
    const back: RollState = { targetImageId: OLD, previousImageId: NEW, phase: 'rolling-back', checkpoint: 0, startedAtMs: NOW, refusedImageId: NEW, reason: 'x' };
    const decision = step(back, 1, { images: view({ templateImageId: NEW }) });
    expect(launched(decision)).toEqual([OLD]);
  });

  it("launches a failed instance's replacement from the roll's image, and leaves a failover whose replacement runs as it is", () => {
    const plan: FailoverPlan = { cause: 'status checks failed', ...SUBNET_A, instanceType: 'm5.large', units: 1, identity: NO_IDENTITY, restoreVolumes: false, retire: 'terminate', decidedAtMs: NOW };
    const failovers = (replacementId?: string) => {
      const failing = (o: ObservedInstance, i: number) => record(o.instanceId, { launchedAtMs: LONG_AGO + i, ...(i === 3 ? { lifecycle: 'failing-over' as const, failover: { ...plan, ...(replacementId === undefined ? {} : { replacementId }) } } : {}) });
      const { observed } = fleetOf(1);
      const decision = decideStep(stepInput({ fleet: rolling(), status: status(10, { roll: started }), observed, records: observed.map(failing), images: view(), nowMs: NOW }));
      return decision.commands.filter((c): c is Extract<Command, { kind: 'failover' }> => c.kind === 'failover').map((c) => [c.imageId, c.reason]);
    };
    expect(failovers()).toEqual([[NEW, `continuing the failover decided earlier: status checks failed; image ${NEW} (the roll's)`]]);
    expect(failovers('i-new')).toEqual([[undefined, 'continuing the failover decided earlier: status checks failed']]);
  });

  it('ends rolled back once every instance runs the previous image, and never rolls onto the refused image again', () => {
    const back: RollState = { targetImageId: OLD, previousImageId: NEW, phase: 'rolling-back', checkpoint: 0, startedAtMs: NOW, refusedImageId: NEW, reason: 'x' };
    const rolledBack = step(back, 0).nextStatus.roll;
    expect(rolledBack).toEqual({ ...back, phase: 'rolled-back', reason: 'rollback (100%: 10 of 10 instances), 10 on ami-0old: the rollback is done' });
    const later = step(rolledBack, 0);
    expect(later.nextStatus.roll).toEqual(rolledBack);
    expect(drained(later)).toEqual([]);
  });

  it('is ignored when no roll runs', () => {
    const done: RollState = { ...started, phase: 'done', checkpoint: 2 };
    expect(step(done, 10, { images: view({ alarmFiring: true }) }).nextStatus.roll).toEqual(done);
  });
});

describe('images.roll in the config', () => {
  it('defaults its checkpoints and bake, and names a field that is wrong', () => {
    expect(policyOf({ roll: {} }).roll).toEqual({ checkpoints: [10, 50, 100], bakeSeconds: 600 });
    expect(() => policyOf({ roll: { checkpoints: [50, 10, 100] } })).toThrow('fleets[0].images.roll.checkpoints: must increase and end at 100');
    expect(() => policyOf({ roll: { checkpoints: [10, 50] } })).toThrow('fleets[0].images.roll.checkpoints: must increase and end at 100');
    expect(() => policyOf({ roll: { forceAfter: 'next week' } })).toThrow('fleets[0].images.roll.forceAfter');
    expect(() => policyOf({ roll: { source: { namePattern: 'web-*', owners: ['someone'] } } })).toThrow('fleets[0].images.roll.source.owners[0]: must be a 12-digit account id, amazon, aws-marketplace or self');
  });
});

describe('isoUtcToMs', () => {
  it.each(['2026-12-01T17:00:00Z', '1970-01-01T00:00:00Z', '2000-02-29T23:59:59.5Z', '2024-03-01T00:00:00.123Z', '1969-12-31T23:59:59Z'])('reads %s as Date.parse does', (text) => {
    expect(isoUtcToMs(text)).toBe(Date.parse(text));
  });

  it('is NaN for a time with an offset or no time at all', () => {
    expect(isoUtcToMs('2026-12-01T17:00:00+01:00')).toBeNaN();
    expect(isoUtcToMs('next week')).toBeNaN();
  });
});

describe('the roll without its inputs', () => {
  it('waits, keeping its state and still launching its image, when the images were not read this step', () => {
    const decision = decideStep(stepInput({ fleet: rolling(), status: status(10, { roll: started }), ...fleetOf(0) }));
    expect(decision.nextStatus.roll).toEqual(started);
    expect(decision.notes).toContain('images.roll: the images were not read this step (see the log); the roll waits');
    expect(drained(decision)).toEqual([]);
  });

  it('is forgotten when the fleet no longer has images.roll', () => {
    const decision = decideStep(stepInput({ status: status(10, { roll: started }), ...fleetOf(0), images: view() }));
    expect(decision.nextStatus.roll).toBeUndefined();
    expect(launched(decision)).toEqual([]);
  });
});
