/**
 * The operator CLI against the emulator, in-process through `run`: every command, its text and
 * --json output, its exit code, and its errors. Requests go through the real control step.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { AllocateAddressCommand, AssociateAddressCommand, CreateTagsCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { type RunOptions, run } from '../../bin/fleetward.ts';
import { type FleetConfig, validateConfig } from '../../functions/core/config.ts';
import { FLEET_TAG, OWNER_TAG } from '../../functions/core/tags.ts';
import { DRAIN_DEFAULTS } from '../unit/fixtures.ts';
import { FleetHarness } from './harness.ts';

const OPERATOR = `cli:${userInfo().username}`;

const DRAIN: FleetConfig['drain'] = { ...DRAIN_DEFAULTS, continueTimeoutSeconds: 600 };

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function invoke(argv: readonly string[], options: RunOptions): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) }, options);
  return { code, stdout, stderr };
}

/** Runs a command against the harness's table, config and clock. */
function cli(fleet: FleetHarness, ...argv: string[]): Promise<Result> {
  return invoke([...argv, '--table', fleet.tableName], { config: fleet.config, clock: fleet.clock, env: {} });
}

async function json<T = Record<string, unknown>>(fleet: FleetHarness, ...argv: string[]): Promise<T> {
  const result = await cli(fleet, ...argv, '--json');
  expect(result).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as T;
}

async function lifecycleOf(fleet: FleetHarness, instanceId: string) {
  return (await fleet.records().listInstances(fleet.fleet.name)).find((r) => r.instanceId === instanceId)?.lifecycle;
}

async function ids(fleet: FleetHarness): Promise<string[]> {
  return (await fleet.instances()).map((i) => i.InstanceId ?? '').sort();
}

describe('fleetward status and history', () => {
  it('status shows every instance in a table and as JSON', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(30);
    const instances = await ids(fleet);
    fleet.clock.advance(125);

    const text = await cli(fleet, 'status');

    expect(text).toMatchObject({ code: 0, stderr: '' });
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`fleet ${fleet.name}: desired 3, step 1`);
    expect(lines[1]).toMatch(/^INSTANCE {2,}LIFECYCLE {2,}STATE {2,}AZ {2,}TYPE {2,}AGE {2,}HEALTH {2,}REASON$/);
    expect(lines.slice(2)).toHaveLength(3);
    for (const line of lines.slice(2)) {
      expect(line).toMatch(new RegExp(`^i-[0-9a-f]+ {2,}in-service {2,}running {2,}us-east-1[abc] {2,}t4g\\.micro {2,}2m {2,}ok {2,}launched by ${fleet.name}/1/launch/subnet-`));
    }
    expect(lines.slice(2).map((line) => line.split(' ')[0]).sort()).toEqual(instances);

    const data = await json<{ fleets: Array<Record<string, unknown> & { instances: Array<Record<string, unknown>> }> }>(fleet, 'status', fleet.name);
    expect(data.fleets).toHaveLength(1);
    expect(data.fleets[0]).toMatchObject({ fleet: fleet.name, desiredCapacity: 3, step: 1, paused: false, dryRun: false, requests: [] });
    expect(data.fleets[0]?.instances.map((i) => i.instanceId).sort()).toEqual(instances);
    for (const instance of data.fleets[0]?.instances ?? []) {
      expect(instance).toMatchObject({ lifecycle: 'in-service', state: 'running', instanceType: 't4g.micro', ageSeconds: 125, health: 'ok', protected: false });
    }
  });

  it('status lists the instances of fleets no longer in the config, in text and JSON, and only for all fleets', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(20);
    const orphans = await ids(fleet);
    const removed = fleet.name;
    fleet.configure({ name: fleet.unique('web') });

    const text = await cli(fleet, 'status');

    expect(text.stdout).toContain(
      [
        'orphaned instances: their fleetward:fleet tag names no fleet in the config; fleetward leaves them running and touches none of them',
        ...orphans.map((id) => `  ${id}  fleet ${removed}, running`),
      ].join('\n'),
    );
    const data = await json<{ orphans: unknown[] }>(fleet, 'status');
    expect(data.orphans).toEqual(orphans.map((instanceId) => ({ instanceId, fleet: removed, state: 'running' })));
    expect(await json(fleet, 'status', fleet.name)).not.toHaveProperty('orphans');
  });

  it('history lists decisions newest first with reasons and action outcomes', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(30);
    await fleet.step(50);

    const text = await cli(fleet, 'history', fleet.name, '--limit', '1');

    expect(text).toMatchObject({ code: 0, stderr: '' });
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^step 2 {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}schedule at 2026-11-24T12:00:00Z {2}desired 5$/);
    expect(lines[1]).toBe(`  scale out 3 -> 5: Average Test/Load/${fleet.metricName} = 50 total at target 10 per unit recommends 5`);
    expect(lines.slice(2)).toHaveLength(2);
    for (const line of lines.slice(2)) {
      expect(line).toMatch(/^ {2}launch subnet-[0-9a-f]+: capacity 3 is below desired 5: 1 instance\(s\) in us-east-1[abc] to balance zones -> launched i-[0-9a-f]+ \(t4g\.micro\)$/);
    }

    const data = await json<{ fleet: string; decisions: Array<{ step: number; decision: { desiredCapacity: number } }> }>(fleet, 'history', fleet.name);
    expect(data.fleet).toBe(fleet.name);
    expect(data.decisions.map((d) => [d.step, d.decision.desiredCapacity])).toEqual([
      [2, 5],
      [1, 3],
    ]);
  });
});

describe('fleetward drain and maintenance', () => {
  it('drain launches the replacement first, then the instance is drained and terminated', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(30);
    const [victim = ''] = await ids(fleet);

    const result = await cli(fleet, 'drain', victim);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`drain ${victim} (fleet ${fleet.name}, step 2): applied: drain requested by ${OPERATOR}: draining`);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}launch subnet-[0-9a-f]+: capacity 2 is below desired 3: .* -> launched i-/));
    expect(lines).toContain(
      `  advance ${victim}: drain requested by ${OPERATOR}; waiting for capacity first: 2 of desired 3 in service without it -> draining`,
    );
    expect(await lifecycleOf(fleet, victim)).toBe('draining');

    const next = await fleet.step(30);
    expect(next.fleets[0]?.terminated).toEqual([victim]);
    expect(await ids(fleet)).toHaveLength(3);
    expect(await ids(fleet)).not.toContain(victim);
  });

  it('maintenance enter keeps the instance out of service; maintenance exit returns it', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(30);
    const [kept = ''] = await ids(fleet);

    const entered = await json<Record<string, unknown>>(fleet, 'maintenance', 'enter', kept);

    expect(entered).toMatchObject({
      fleet: fleet.name,
      request: { kind: 'maintenance-enter', instanceId: kept, requestedBy: OPERATOR },
      queued: false,
      step: { step: 2, desiredCapacity: 3 },
      settled: { outcome: 'applied', reason: `maintenance requested by ${OPERATOR}: draining` },
    });
    expect(entered.actions).toContainEqual(expect.objectContaining({ kind: 'advance', commandId: `${fleet.name}/2/advance/${kept}`, outcome: 'draining' }));
    await fleet.step(30);
    expect(await lifecycleOf(fleet, kept)).toBe('maintenance');
    expect((await cli(fleet, 'status')).stdout).toMatch(new RegExp(`^${kept} +maintenance +running `, 'm'));

    const exited = await cli(fleet, 'maintenance', 'exit', kept);

    expect(exited).toMatchObject({ code: 0, stderr: '' });
    const lines = exited.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`maintenance-exit ${kept} (fleet ${fleet.name}, step 4): applied: return from maintenance requested by ${OPERATOR}: returning`);
    expect(lines).toContain(`  advance ${kept}: status checks pass and targets are healthy: back in service -> clear-maintenance; in-service`);
    expect(await lifecycleOf(fleet, kept)).toBe('in-service');
  });

  it('heartbeat restarts the wait for continue, continue ends it; cancel returns a draining instance to service', async () => {
    const fleet = await FleetHarness.create({ drain: { ...DRAIN, waitForContinue: true } });
    await fleet.step(30);
    const [first = '', second = ''] = await ids(fleet);
    expect((await cli(fleet, 'drain', first)).code).toBe(0);
    await fleet.step(30);
    expect((await fleet.records().listInstances(fleet.name)).find((r) => r.instanceId === first)?.reason).toBe(
      'waiting for a continue signal from the fleet\'s hook (at most 600 s more)',
    );

    fleet.clock.advance(120);
    const heartbeat = await cli(fleet, 'heartbeat', first);
    expect(heartbeat.stdout).toContain(`heartbeat ${first} (fleet ${fleet.name}, step 4): applied: heartbeat by ${OPERATOR}: the wait for continue starts again\n`);
    expect(heartbeat.stdout).toContain(`  advance ${first}: waiting for a continue signal from the fleet's hook (at most 600 s more) -> draining\n`);

    const continued = await cli(fleet, 'continue', first);

    expect(continued).toMatchObject({ code: 0, stderr: '' });
    expect(continued.stdout).toContain(`continue ${first} (fleet ${fleet.name}, step 5): applied: continue signalled by ${OPERATOR}\n`);
    expect(continued.stdout).toContain(`  advance ${first}: drained: terminating -> terminate; terminating\n`);
    expect(await ids(fleet)).not.toContain(first);

    expect((await cli(fleet, 'drain', second)).code).toBe(0);
    await fleet.step(30);
    expect(await lifecycleOf(fleet, second)).toBe('draining');
    // Load for four: the cancelled instance is needed, so no surplus drains it again.
    fleet.clock.advance(60);
    await fleet.publish(40);

    const cancelled = await json<Record<string, unknown>>(fleet, 'cancel', second);

    expect(cancelled).toMatchObject({ settled: { outcome: 'applied', reason: `drain cancelled by ${OPERATOR}: back in service` }, queued: false });
    expect(await lifecycleOf(fleet, second)).toBe('in-service');
    expect(await ids(fleet)).toContain(second);
  });
});

describe('fleetward evacuate, pause, resume and plan', () => {
  it('evacuate --az drains the zone over successive steps, never more than maxDraining at once', async () => {
    const fleet = await FleetHarness.create({ drain: { ...DRAIN, maxDraining: 1 } });
    await fleet.step(60);
    const zoneOf = async () => new Map((await fleet.instances()).map((i) => [i.InstanceId ?? '', i.Placement?.AvailabilityZone ?? '']));
    expect([...(await zoneOf()).values()].filter((zone) => zone === 'us-east-1a')).toHaveLength(2);

    const result = await cli(fleet, 'evacuate', '--az', 'us-east-1a');

    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`evacuate us-east-1a (fleet ${fleet.name}, step 2): applied: evacuation of us-east-1a requested by ${OPERATOR}`);
    expect(lines).toContain('  note: evacuating us-east-1a: at most 1 draining at once');
    expect(lines.filter((line) => line.startsWith('  advance '))).toHaveLength(1);

    const draining: number[] = [];
    for (let step = 0; step < 6; step += 1) {
      draining.push((await fleet.records().listInstances(fleet.name)).filter((r) => r.lifecycle === 'draining').length);
      const zones = await zoneOf();
      if (![...zones.values()].includes('us-east-1a') && (await fleet.records().getStatus(fleet.name))?.evacuating === undefined) break;
      await fleet.step(60);
    }
    expect(Math.max(...draining)).toBe(1);
    const zones = [...(await zoneOf()).values()];
    expect(zones).toHaveLength(6);
    expect(zones).not.toContain('us-east-1a');
    const [latest] = await fleet.records().listDecisions(fleet.name, 1);
    expect(latest?.decision.notes).toContain('evacuation of us-east-1a is complete');
  });

  it('evacuate needs one zone or subnet of exactly one fleet', async () => {
    const fleet = await FleetHarness.create();
    const batch = fleet.unique('batch');
    const twoFleets = validateConfig({ fleets: [fleet.fleet, { ...fleet.fleet, name: batch }] });
    const both = (argv: string[]) => invoke([...argv, '--table', fleet.tableName], { config: twoFleets, clock: fleet.clock, env: {} });

    expect(await cli(fleet, 'evacuate')).toEqual({ code: 2, stdout: '', stderr: 'error: give exactly one of --az <zone> or --subnet <id>\n' });
    expect(await cli(fleet, 'evacuate', '--az', 'us-east-1z')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: no fleet this config manages has a subnet in us-east-1z\n',
    });
    expect(await cli(fleet, 'evacuate', '--az', 'us-east-1z', '--fleet', fleet.name)).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: us-east-1z is not a zone of fleet ${fleet.name} (its zones: us-east-1a, us-east-1b, us-east-1c)\n`,
    });
    expect(await cli(fleet, 'evacuate', '--subnet', 'subnet-0123456789abcdef0')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: no fleet this config manages has the subnet subnet-0123456789abcdef0\n',
    });
    expect(await both(['evacuate', '--az', 'us-east-1a'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: us-east-1a is used by fleets ${fleet.name}, ${batch}: name one with --fleet\n`,
    });
    const subnet = fleet.subnets[1]?.subnetId ?? '';
    const chosen = await both(['evacuate', '--subnet', subnet, '--fleet', batch, '--json']);
    expect(chosen.code).toBe(0);
    expect(JSON.parse(chosen.stdout)).toMatchObject({
      fleet: batch,
      request: { kind: 'evacuate', subnetId: subnet },
      settled: { outcome: 'applied', reason: `evacuation of ${subnet} requested by ${OPERATOR}` },
    });
    // batch has no instances there, so its evacuation is complete at once.
    expect(JSON.parse(chosen.stdout).step.notes).toEqual([`evacuation of ${subnet} is complete`]);
  });

  it('pause makes steps act on nothing until resume', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(30);

    const paused = await cli(fleet, 'pause', fleet.name);

    expect(paused).toMatchObject({ code: 0, stderr: '' });
    expect(paused.stdout).toBe(
      `pause (fleet ${fleet.name}, step 2): applied: fleet paused by ${OPERATOR}\n  hold at 3: the fleet is paused by an operator, so fleetward acts on nothing\n`,
    );
    const held = await fleet.step(60);
    expect(held.fleets[0]?.reason).toBe('hold at 3: the fleet is paused by an operator, so fleetward acts on nothing');
    expect(await ids(fleet)).toHaveLength(3);
    // The held step changed nothing since the pause's step 2: it was not recorded.
    expect((await cli(fleet, 'status')).stdout.split('\n')[0]).toBe(`fleet ${fleet.name}: desired 3, step 2, paused`);

    const resumed = await json<{ settled: unknown; step: { desiredCapacity: number }; actions: Array<{ kind: string }> }>(fleet, 'resume', fleet.name);

    expect(resumed.settled).toEqual({ outcome: 'applied', reason: `fleet resumed by ${OPERATOR}` });
    expect(resumed.step.desiredCapacity).toBe(6);
    expect(resumed.actions.map((a) => a.kind)).toEqual(['launch', 'launch', 'launch']);
    expect(await ids(fleet)).toHaveLength(6);
    expect(await cli(fleet, 'resume', fleet.name)).toEqual({ code: 2, stdout: '', stderr: `error: fleet ${fleet.name} is not paused\n` });
  });

  it('plan prints what the next step would do and changes nothing', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(30);
    fleet.clock.advance(60);
    await fleet.publish(50);
    const store = fleet.records();
    const before = { instances: await ids(fleet), decisions: await store.listDecisions(fleet.name, 100), status: await store.getStatus(fleet.name) };

    const text = await cli(fleet, 'plan', fleet.name);

    expect(text).toMatchObject({ code: 0, stderr: '' });
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      `plan for fleet ${fleet.name}: what step 2 would do now (nothing was changed)`,
      `  desired 5: scale out 3 -> 5: Average Test/Load/${fleet.metricName} = 50 total at target 10 per unit recommends 5`,
    ]);
    expect(lines).toContain('  capacity: 3 unit(s) in 3 instance(s), 0 warming, 0 being replaced');
    expect(lines).toContain('commands (2):');
    expect(lines.filter((line) => /^ {2}launch 1 unit\(s\) in subnet-[0-9a-f]+ \(us-east-1[abc]\): capacity 3 is below desired 5: /.test(line))).toHaveLength(2);

    const data = await json<{ step: number; desiredCapacity: number; commands: Array<{ kind: string }> }>(fleet, 'plan', fleet.name);
    expect(data).toMatchObject({ step: 2, desiredCapacity: 5, direction: 'out', dryRun: false });
    expect(data.commands.map((c) => c.kind)).toEqual(['launch', 'launch']);

    expect(await ids(fleet)).toEqual(before.instances);
    expect(await store.listDecisions(fleet.name, 100)).toEqual(before.decisions);
    expect(await store.getStatus(fleet.name)).toEqual(before.status);
  });
});

describe('fleetward requests that wait, and bad input', () => {
  it('--no-step only queues; a request meeting a held lease is queued for the next step', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(30);
    const [id = ''] = await ids(fleet);

    const queued = await cli(fleet, 'drain', id, '--no-step');

    const [request] = await fleet.records().listRequests(fleet.name);
    expect(request).toMatchObject({ kind: 'drain', instanceId: id, requestedBy: OPERATOR });
    expect(queued).toEqual({
      code: 0,
      stdout: `drain ${id} (fleet ${fleet.name}) queued as request ${request?.requestId}: --no-step given; the running or next scheduled step applies it\n`,
      stderr: '',
    });
    expect(await lifecycleOf(fleet, id)).toBe('in-service');
    expect((await cli(fleet, 'status')).stdout).toContain(`pending requests:\n  drain ${id} by ${OPERATOR}, 0s ago (request ${request?.requestId})\n`);
    await fleet.step(30);
    expect(await lifecycleOf(fleet, id)).toBe('draining');

    await fleet.leases().acquire(fleet.name, 'another-run', fleet.clock.now(), 120_000);
    const blocked = await json<Record<string, unknown>>(fleet, 'cancel', id);
    expect(blocked).toMatchObject({
      queued: true,
      waiting: `fleet ${fleet.name} is locked by another-run until ${new Date(fleet.clock.now() + 120_000).toISOString()}`,
    });
    await fleet.leases().release(fleet.name, 'another-run');
    await fleet.step(40);
    expect(await lifecycleOf(fleet, id)).toBe('in-service');
  });

  it('in a dry-run fleet, an instance request is refused by the step and leaves the queue', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(30);
    const [id = ''] = await ids(fleet);
    fleet.configure({ dryRun: true });

    const refused = await cli(fleet, 'drain', id);

    expect(refused).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `error: fleet ${fleet.name} is in dry-run: it acts on no instance, so drain of ${id} is refused\n`,
    });
    expect(await lifecycleOf(fleet, id)).toBe('in-service');
    expect(await fleet.records().listRequests(fleet.name)).toEqual([]);
  });

  it('refuses unknown, foreign and wrong-state instances with exit code 2, queuing nothing', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(30);
    const [id = ''] = await ids(fleet);
    const launch = async (tags: Record<string, string>) => {
      const tagged = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
      const result = await fleet.ec2.send(
        new RunInstancesCommand({
          LaunchTemplate: { LaunchTemplateName: fleet.launchTemplateName },
          MinCount: 1,
          MaxCount: 1,
          ...(tagged.length > 0 ? { TagSpecifications: [{ ResourceType: 'instance', Tags: tagged }] } : {}),
        }),
      );
      return result.Instances?.[0]?.InstanceId ?? '';
    };
    const untagged = await launch({});
    const foreign = await launch({ [FLEET_TAG]: 'someone-else' });
    const refused = (message: string) => ({ code: 2, stdout: '', stderr: `error: ${message}\n` });

    expect(await cli(fleet, 'drain', 'i-0123456789abcdef0')).toEqual(refused('instance i-0123456789abcdef0 not found'));
    expect(await cli(fleet, 'drain', untagged)).toEqual(refused(`${untagged} is not in a fleet this config manages`));
    expect(await cli(fleet, 'maintenance', 'enter', foreign, '--json')).toEqual(refused(`${foreign} is not in a fleet this config manages`));
    expect(await cli(fleet, 'maintenance', 'exit', id)).toEqual(refused(`cannot take out of maintenance ${id}: it is in-service, not in maintenance`));
    expect(await cli(fleet, 'continue', id)).toEqual(refused(`cannot continue ${id}: it is in-service, not draining`));
    expect(await cli(fleet, 'cancel', id)).toEqual(refused(`cannot cancel the drain of ${id}: it is in-service, not draining`));
    expect(await cli(fleet, 'pause', 'nosuch')).toEqual(refused(`fleet nosuch is not in the config (its fleets: ${fleet.name})`));

    expect(await fleet.records().listRequests(fleet.name)).toEqual([]);
    expect(await fleet.records().listDecisions(fleet.name, 100)).toHaveLength(1);
    expect(await lifecycleOf(fleet, id)).toBe('in-service');
  });

  it('reports usage and configuration errors with exit code 2, and a failed step with 1', async () => {
    const fleet = await FleetHarness.create();
    const dir = mkdtempSync(join(tmpdir(), 'fleetward-cli-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'fleets: []\nbogus: 1\n');
    const missing = join(dir, 'missing.yaml');

    expect(await invoke(['status'], { config: fleet.config, env: {} })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: no table name: give --table <name> or set FLEETWARD_TABLE_NAME\n',
    });
    expect(await invoke(['status', '--config', bad], { env: { FLEETWARD_TABLE_NAME: fleet.tableName } })).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: ${bad} is invalid (2 problems):\n  - fleets: Too small: expected array to have >=1 items\n  - bogus: unknown field\n`,
    });
    expect(await invoke(['history', fleet.name, '--config', missing], { env: {} })).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: cannot read the config ${missing}: no such file\n`,
    });
    expect(await invoke(['frobnicate'], {})).toEqual({ code: 2, stdout: '', stderr: "error: unknown command 'frobnicate'\n(add --help for usage)\n" });
    expect(await cli(fleet, 'history', fleet.name, '--limit', '0')).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: option '--limit <n>' argument '0' is invalid. must be a positive integer.\n(add --help for usage)\n",
    });
    expect(await cli(fleet, 'drain')).toEqual({ code: 2, stdout: '', stderr: "error: missing required argument 'instance'\n(add --help for usage)\n" });
    const broken = validateConfig({ fleets: [{ ...fleet.fleet, subnets: ['subnet-0123456789abcdef0'] }] });
    expect(await invoke(['pause', fleet.name, '--table', fleet.tableName], { config: broken, clock: fleet.clock, env: {} })).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `error: the step for fleet ${fleet.name} failed: subnet not found: subnet-0123456789abcdef0 (not in this account and region); the request stays queued for the next step\n`,
    });
    expect(await fleet.records().listRequests(fleet.name)).toMatchObject([{ kind: 'pause', requestedBy: OPERATOR }]);
    const help = await invoke(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: fleetward [options] [command]');
  });
});

describe('fleetward identity-untagged', () => {
  it('lists the fleet-tagged Elastic IPs without the owner tag and the command that tags them, then none once tagged', async () => {
    const fleet = await FleetHarness.create();
    await fleet.step(10);
    const [instance] = await fleet.instances();
    const instanceId = instance?.InstanceId ?? '';
    const eip = await fleet.ec2.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: [{ Key: FLEET_TAG, Value: fleet.name }] }] }));
    const allocationId = eip.AllocationId ?? '';
    await fleet.ec2.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: instanceId }));

    const text = await cli(fleet, 'identity-untagged', fleet.name);

    const tagCommand = `aws ec2 create-tags --resources ${allocationId} --tags Key=${OWNER_TAG},Value=${fleet.owner}`;
    expect(text).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        `fleet ${fleet.name}: 1 identity resource(s) without ${OWNER_TAG}=${fleet.owner}; a failover carries them while the deployment has at most 100 fleets (it has 1)`,
        `  ${instanceId}: address ${allocationId}`,
        'tag them:',
        `  ${tagCommand}`,
        '',
      ].join('\n'),
    });
    expect(await json(fleet, 'identity-untagged', fleet.name)).toEqual({
      fleet: fleet.name,
      owner: fleet.owner,
      deploymentFleets: 1,
      carriedUntagged: true,
      instances: [{ instanceId, resources: [{ kind: 'address', id: allocationId }] }],
      tagCommand,
    });
    await fleet.ec2.send(new CreateTagsCommand({ Resources: [allocationId], Tags: [{ Key: OWNER_TAG, Value: fleet.owner }] }));
    expect((await cli(fleet, 'identity-untagged', fleet.name)).stdout).toBe(`fleet ${fleet.name}: every identity resource of its instances carries ${OWNER_TAG}=${fleet.owner}\n`);
  });
});
