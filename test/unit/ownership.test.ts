// Ownership (functions/core/step/ownership.ts): which instances of the fleet a deployment manages,
// which it leaves alone and reports (once), and how adoption.foreign changes that; and the
// maintenance tag read back on adoption (functions/core/step/reconcile.ts).
import { describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../functions/core/config.ts';
import type { ObservedInstance } from '../../functions/core/model.ts';
import { decideStep } from '../../functions/core/step/index.ts';
import { LONG_AGO, NOW, SUBNET_A, SUBNET_B, cpu, fleet, instance, record, status, stepInput } from './step-fixtures.ts';

const OTHER = 'other-stack';
/** A foreign instance: the fleet tag, but no owner tag nor command id (a third party tagged it). */
const foreign = (id: string) => instance(id, SUBNET_A, { owner: undefined, commandId: undefined, launchTimeMs: LONG_AGO - 3_600_000 });
const withForeign = (mode: NonNullable<FleetConfig['adoption']>['foreign']): FleetConfig => ({ ...fleet(), adoption: { foreign: mode } });

describe('decideStep: ownership', () => {
  const own = [instance('i-1', SUBNET_A), instance('i-2', SUBNET_B)];

  it.each<[string, ObservedInstance, string]>([
    [
      "another deployment's instance",
      instance('i-9', SUBNET_A, { owner: OTHER }),
      `not touching 1 instance(s) of fleet web launched by another deployment (fleetward:owner ${OTHER}): i-9`,
    ],
    [
      'a foreign instance (no owner tag)',
      foreign('i-9'),
      'not adopting 1 instance(s) that carry the fleet tag but that fleetward did not launch (no fleetward:owner and fleetward:command-id of this deployment; adoption.foreign is ignore): i-9',
    ],
    [
      'an instance with this owner tag but no command id',
      instance('i-9', SUBNET_A, { commandId: undefined }),
      'not adopting 1 instance(s) that carry the fleet tag but that fleetward did not launch (no fleetward:owner and fleetward:command-id of this deployment; adoption.foreign is ignore): i-9',
    ],
  ])('leaves %s alone: not adopted, not counted, not a victim, reported', (_case, stranger, note) => {
    // Desired 1 of 3 alive: without ownership the oldest (the stranger) would be the first victim.
    const decision = decideStep(stepInput({ status: status(2), observed: [...own, stranger], records: own.map((o) => record(o.instanceId)), metric: cpu(10) }));
    expect(decision.commands.filter((c) => 'instanceId' in c && c.instanceId === 'i-9')).toEqual([]);
    expect(decision.capacity.instances).toBe(2);
    expect(decision.notes).toContain(note);
    expect(decision.unowned).toEqual({ instanceIds: ['i-9'], notes: [note], notify: true });
    expect(decision.nextStatus.unowned).toEqual(['i-9']);
  });

  it('notifies once: not again while the same instances are left alone, again for a new one', () => {
    const strangers = [instance('i-8', SUBNET_A, { owner: OTHER }), foreign('i-9')];
    const again = decideStep(stepInput({ status: status(2, { unowned: ['i-8', 'i-9'] }), observed: [...own, ...strangers], records: own.map((o) => record(o.instanceId)) }));
    expect(again.unowned.notify).toBe(false);
    expect(again.unowned.instanceIds).toEqual(['i-8', 'i-9']);
    const grown = decideStep(stepInput({ status: status(2, { unowned: ['i-9'] }), observed: [...own, ...strangers], records: own.map((o) => record(o.instanceId)) }));
    expect(grown.unowned.notify).toBe(true);
    const none = decideStep(stepInput({ status: status(2, { unowned: ['i-9'] }), observed: own }));
    expect([none.unowned, none.nextStatus.unowned]).toEqual([{ instanceIds: [], notes: [], notify: false }, undefined]);
  });

  it("lets go of a record of an instance that is now another deployment's, and no later phase sees it", () => {
    const taken = instance('i-9', SUBNET_A, { owner: OTHER, health: 'impaired' });
    const decision = decideStep(stepInput({ fleet: { ...fleet(), failover: { ...fleet().failover, enabled: true } }, status: status(3), observed: [...own, taken] }));
    const touching = decision.commands.filter((c) => 'instanceId' in c && c.instanceId === 'i-9');
    expect(touching).toEqual([
      {
        kind: 'forget',
        id: 'web/42/forget/i-9',
        instanceId: 'i-9',
        reason: "the instance is not this deployment's (see the notes): fleetward lets go of its record and leaves it alone",
      },
    ]);
  });

  it('lets go of the record of a terminated instance that is not its own without failing it over or reporting it', () => {
    const ended = instance('i-9', SUBNET_A, { owner: undefined, state: 'terminated' });
    const decision = decideStep(stepInput({ fleet: { ...fleet(), failover: { ...fleet().failover, enabled: true } }, status: status(2), observed: [...own, ended] }));
    expect(decision.commands.filter((c) => 'instanceId' in c && c.instanceId === 'i-9').map((c) => c.kind)).toEqual(['forget']);
    expect(decision.unowned).toEqual({ instanceIds: [], notes: [], notify: false });
  });

  it('adoption.foreign keep: adopts and counts a foreign instance, but never chooses it for scale-in', () => {
    const decision = decideStep(
      stepInput({ fleet: withForeign('keep'), status: status(2), observed: [...own, foreign('i-9')], records: own.map((o) => record(o.instanceId)), metric: cpu(10) }),
    );
    expect(decision.commands.find((c) => c.kind === 'adopt')).toEqual({
      kind: 'adopt',
      id: 'web/42/adopt/i-9',
      instanceId: 'i-9',
      launchedAtMs: LONG_AGO - 3_600_000,
      lifecycle: 'in-service',
      reason: 'it carries the fleet tag and is running, but fleetward had no record of it; fleetward did not launch it, and adoption.foreign is keep: it is never disrupted',
    });
    expect(decision.capacity.instances).toBe(3);
    const victims = decision.commands.filter((c) => c.kind === 'advance').map((c) => c.instanceId);
    expect(victims).toEqual(['i-1', 'i-2']);
  });

  it('adoption.foreign manage: adopts a foreign instance as its own, a scale-in victim like the others; never another deployment\'s', () => {
    const other = instance('i-8', SUBNET_B, { owner: OTHER });
    const decision = decideStep(
      stepInput({ fleet: withForeign('manage'), status: status(2), observed: [...own, foreign('i-9'), other], records: own.map((o) => record(o.instanceId)), metric: cpu(10) }),
    );
    expect(decision.commands.filter((c) => c.kind === 'adopt').map((c) => c.instanceId)).toEqual(['i-9']);
    expect(decision.commands.filter((c) => c.kind === 'advance').map((c) => c.instanceId)).toContain('i-9');
    expect(decision.unowned.instanceIds).toEqual(['i-8']);
  });
});

describe('decideStep: the maintenance tag read back on adoption', () => {
  it.each<[string, ObservedInstance]>([
    ['running', instance('i-9', SUBNET_A, { maintenance: true })],
    ['stopped (stopped in maintenance)', instance('i-9', SUBNET_A, { maintenance: true, state: 'stopped' })],
  ])('adopts a %s instance carrying it in maintenance: not counted, not a victim', (_case, tagged) => {
    const own = [instance('i-1', SUBNET_A), instance('i-2', SUBNET_B)];
    const decision = decideStep(stepInput({ status: status(2), observed: [...own, tagged], records: own.map((o) => record(o.instanceId)), metric: cpu(10) }));
    expect(decision.commands.find((c) => c.kind === 'adopt')).toMatchObject({
      instanceId: 'i-9',
      lifecycle: 'maintenance',
      reason: expect.stringContaining('its fleetward:maintenance tag says it is in maintenance'),
    });
    expect(decision.capacity.instances).toBe(2);
    expect(decision.commands.filter((c) => c.kind === 'advance').map((c) => c.instanceId)).not.toContain('i-9');
  });

  it('does not adopt a stopped instance without the tag', () => {
    const decision = decideStep(stepInput({ status: status(1), observed: [instance('i-9', SUBNET_A, { state: 'stopped' })], records: [], nowMs: NOW }));
    expect(decision.commands.filter((c) => c.kind === 'adopt')).toEqual([]);
  });
});
