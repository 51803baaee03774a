/**
 * Steps that stop before they are recorded, through the real handler against the emulator: a
 * failed step and a skipped one each leave a decision log entry that `fleetward history` shows,
 * with the error's kind and message, and the next step is recorded after it.
 */
import { describe, expect, it } from 'vitest';
import { run } from '../../bin/fleetward.ts';
import { LEASE_TTL_MS } from '../../functions/control/step-timing.ts';
import { FleetHarness } from './harness.ts';

type Handler = (args: unknown) => Promise<unknown>;
interface Stack {
  add(middleware: (next: Handler, context: { commandName?: string }) => Handler, options: { step: 'initialize'; name: string }): void;
  remove(name: string): boolean;
}

/** Every `command` the EC2 client sends fails as EC2 would when it is unavailable, until the returned function is called. */
function failEc2(fleet: FleetHarness, command: string): () => void {
  const stack = fleet.ec2.middlewareStack as unknown as Stack;
  stack.add(
    (next, context) => async (args) => {
      if (context.commandName === command) throw Object.assign(new Error('Service Unavailable'), { name: 'Unavailable', $metadata: { httpStatusCode: 503 } });
      return next(args);
    },
    { step: 'initialize', name: 'unavailable' },
  );
  return () => void stack.remove('unavailable');
}

async function history(fleet: FleetHarness, ...options: string[]): Promise<string[]> {
  let stdout = '';
  const code = await run(['history', fleet.name, '--table', fleet.tableName, ...options], { stdout: (t) => void (stdout += t), stderr: () => undefined }, {
    config: fleet.config,
    clock: fleet.clock,
    env: {},
  });
  expect(code).toBe(0);
  return stdout.trimEnd().split('\n');
}

describe('a step that stops before it is recorded', () => {
  it('writes a decision log entry when it fails, shown by history after the last recorded step', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(20);
    const restore = failEc2(fleet, 'DescribeInstancesCommand');

    const failed = await fleet.step(40);

    expect(failed.fleets[0]).toMatchObject({ outcome: 'failed', launched: [] });
    const lines = await history(fleet, '--limit', '2');
    expect(lines[0]).toMatch(/^failed after step 1 {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}schedule at 2026-11-24T12:00:00Z$/);
    expect(lines[1]).toBe('  step failed (unexpected): Unavailable: Service Unavailable');
    expect(lines[2]).toBe('');
    expect(lines[3]).toMatch(/^step 1 {2}/);

    restore();
    const next = await fleet.step(40);
    expect(next.fleets[0]).toMatchObject({ outcome: 'done', step: 2 });
    expect((await fleet.records().listDecisions(fleet.name, 3)).map((d) => [d.step, d.stopped?.outcome])).toEqual([
      [2, undefined],
      [1, 'failed'],
      [1, undefined],
    ]);
  });

  it('writes one when it is skipped because another run holds the lease, saying so', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(20);
    await fleet.leases().acquire(fleet.name, 'other-run', fleet.clock.now(), LEASE_TTL_MS);

    const skipped = await fleet.step(40);

    expect(skipped.fleets[0]).toMatchObject({ outcome: 'skipped', launched: [] });
    const lines = await history(fleet, '--limit', '1');
    expect(lines[0]).toMatch(/^skipped after step 1 {2}\S+ {2}schedule at 2026-11-24T12:00:00Z$/);
    expect(lines[1]).toMatch(new RegExp(`^ {2}step skipped \\(LeaseHeldError\\): fleet ${fleet.name} is locked by other-run until \\d{4}-`));
    const [entry] = await fleet.records().listDecisions(fleet.name, 1);
    expect(entry).toMatchObject({ step: 1, decision: { desiredCapacity: 2, direction: 'hold' }, actions: [], stopped: { outcome: 'skipped', kind: 'LeaseHeldError' } });
  });
});
