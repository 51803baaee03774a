// `fleetward simulate` in-process: the table it prints, the files it writes, and its errors (exit code 2, one line naming the problem).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../bin/fleetward.ts';

async function simulate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(['simulate', ...args], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

function traceFile(text: string): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fleetward-sim-'));
  const path = join(dir, 'load.csv');
  writeFileSync(path, text);
  return { dir, path };
}

const STEADY = `t_s,value\n${Array.from({ length: 600 }, (_, i) => `${i * 60},${i % 120 < 60 ? 40 : 80}`).join('\n')}\n`;

describe('fleetward simulate', () => {
  it('prints the metrics of the chosen policies (and the oracle), and writes the report and the JSON', async () => {
    const { dir, path } = traceFile(STEADY);
    const result = await simulate(['--trace', path, '--policy', 'target-tracking,static', '--peak-instances', '20', '--target', '80', '--out', join(dir, 'out')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`${path}: 600 steps of 60 s (0.4 days), peak = 20 instances of capacity 1, boot 120 s, metrics after a 0.10-day warm-up`);
    expect(lines[1]).toBe('every policy at target utilisation 80%');
    expect(lines.filter((l) => /^(target-tracking|static|oracle) /.test(l)).map((l) => l.split(/\s+/).slice(0, 4))).toEqual([
      ['target-tracking', '80%', expect.any(String), expect.any(String)],
      ['static', '-', '150', expect.any(String)],
      ['oracle', '-', expect.any(String), '1.000'],
    ]);
    expect(result.stdout).toContain('cost at $0.0816/h for m7g.large on-demand (prices: ');
    expect(result.stdout).toContain('  static           150 inst-h  $12.24\n');
    expect(result.stdout).toContain(`report: ${join(dir, 'out', 'load.html')}`);
    const json = JSON.parse(readFileSync(join(dir, 'out', 'load.json'), 'utf8')) as { mode: unknown; policies: Array<{ policy: string; target: number | null }> };
    expect(json.mode).toEqual({ kind: 'target', target: 0.8 });
    expect(json.policies.map((p) => [p.policy, p.target])).toEqual([
      ['target-tracking', 0.8],
      ['static', null],
      ['oracle', null],
    ]);
  });

  it('prices instance-hours with --prices and --instance-type, and refuses a price table it cannot use', async () => {
    const { dir, path } = traceFile(STEADY);
    const prices = join(dir, 'prices.json');
    writeFileSync(prices, JSON.stringify({ source: 'fixture', date: '2026-12-01', region: 'eu-west-1', onDemand: { 'c7g.large': 0.1 } }));
    const args = ['--trace', path, '--policy', 'static', '--peak-instances', '20', '--out', join(dir, 'out'), '--prices', prices];
    const result = await simulate([...args, '--instance-type', 'c7g.large']);
    expect(result.stdout).toContain('cost at $0.1/h for c7g.large on-demand (prices: fixture, eu-west-1, 2026-12-01):\n  static  150 inst-h  $15.00\n');
    const json = JSON.parse(readFileSync(join(dir, 'out', 'load.json'), 'utf8')) as { cost: unknown };
    expect(json.cost).toEqual({ instanceType: 'c7g.large', perHour: 0.1, prices: 'fixture, eu-west-1, 2026-12-01', rows: [{ policy: 'static', instanceHours: 150, usd: 15 }, { policy: 'oracle', instanceHours: expect.any(Number) as number, usd: expect.any(Number) as number }] });
    const unpriced = await simulate(args);
    expect(unpriced.code).not.toBe(0);
    expect(unpriced.stderr).toContain('the price table (fixture, 2026-12-01) has no on-demand price for m7g.large: choose another --instance-type or --prices');
    writeFileSync(prices, JSON.stringify({ source: 'fixture', region: 'eu-west-1', onDemand: {} }));
    const invalid = await simulate(args);
    expect(invalid.stderr).toContain(`the price table ${prices} is not valid: date: `);
  });

  it("writes fleetward's decision log: each change of desired capacity with its time and reason", async () => {
    const { dir, path } = traceFile(STEADY);
    const out = join(dir, 'out');
    const result = await simulate(['--trace', path, '--policy', 'fleetward', '--peak-instances', '20', '--out', out]);
    expect(result.stdout).toContain(`decisions: ${join(out, 'load.decisions.txt')}\n`);
    const lines = readFileSync(join(out, 'load.decisions.txt'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^.+load\.csv: 600 steps of 60 s/);
    expect(lines[2]).toMatch(/^# fleetward at target 70%: \d+ changes of desired capacity; metrics count from step 150$/);
    expect(lines[3]).toMatch(/^d0 00:00 \(step 0\): scale out 10 -> 15: utilisation % = 100 per unit over 10 warmed units at target 70 recommends 15 \(no forecast yet: 0 h of load history, 4 h needed\)$/);
    expect(lines.slice(3).every((line) => /^d0 \d\d:\d\d \(step \d+\): (scale out|scale in) \d+ -> \d+: /.test(line))).toBe(true);

    const baselines = await simulate(['--trace', path, '--policy', 'hpa', '--json', '--out', join(dir, 'other')]);
    expect(JSON.parse(baselines.stdout)).not.toHaveProperty('decisions');
  });

  it('with --sweep shows each policy at its cheapest target within the bound', async () => {
    const { dir, path } = traceFile(STEADY);
    const result = await simulate(['--trace', path, '--policy', 'hpa', '--sweep', '--json', '--out', join(dir, 'out')]);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as { policies: Array<{ policy: string; withinBound?: boolean; sweep?: unknown[] }> };
    expect(document.policies[0]).toMatchObject({ policy: 'hpa', withinBound: true });
    expect(document.policies[0]?.sweep).toHaveLength(11);
  });

  const errors: Array<[string, string, string[]]> = [
    ['a trace without a header', 'line 1: expected the header "t_s,value", got "0,1"', []],
    ['a non-numeric value', 'line 3: value "n/a" is not a number', []],
    ['an unknown policy', 'unknown policy magic: choose from fleetward, target-tracking, hpa, predictive, static, oracle or all', ['--policy', 'magic']],
  ];
  it.each(errors)('refuses %s with exit code 2', async (name, message, extra) => {
    const text = name === 'a trace without a header' ? '0,1\n60,2\n' : name === 'a non-numeric value' ? 't_s,value\n0,1\n60,n/a\n' : STEADY;
    const { dir, path } = traceFile(text);
    const result = await simulate(['--trace', path, '--out', join(dir, 'out'), ...extra]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toBe(`error: ${name === 'an unknown policy' ? '' : `${path}, `}${message}`);
  });

  it('refuses a missing file and bad numbers', async () => {
    expect((await simulate(['--trace', '/nonexistent/load.csv'])).stderr).toBe('error: cannot read the trace /nonexistent/load.csv: no such file\n');
    const bad = await simulate(['--trace', 'x.csv', '--peak-instances', '2.5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--peak-instances must be a positive integer, got "2.5"');
  });

  describe('with a fleet from a config (--config)', () => {
    const fleetYaml = (name: string, metricType: string, target: number) => `
  - name: ${name}
    launchTemplate: { name: web-server }
    subnets: [subnet-0123456789abcdef0]
    instanceTypes: [{ type: m7g.large }]
    capacity: { min: 2, max: 30 }
    scaling:
      metric: ${metricType === 'total' ? '{ namespace: App, name: QueueDepth, statistic: Sum }' : '{ namespace: AWS/EC2, name: CPUUtilization, dimensions: { InstanceId: "{instanceId}" }, statistic: Average }'}
      metricType: ${metricType}
      target: ${target}
      scaleIn: { stabilizationSeconds: 600 }
      predictive: { unitCapacity: ${metricType === 'total' ? 10 : 100} }`;
    const configFile = (dir: string, ...fleets: string[]) => {
      const path = join(dir, 'fleetward.config.yaml');
      writeFileSync(path, `fleets:${fleets.join('')}\n`);
      return path;
    };

    it("runs fleetward with the fleet's settings, at the fleet's target unless --target says otherwise", async () => {
      const { dir, path } = traceFile(STEADY);
      const config = configFile(dir, fleetYaml('web', 'per-instance', 55));
      const result = await simulate(['--trace', path, '--policy', 'fleetward', '--peak-instances', '20', '--config', config, '--out', join(dir, 'out')]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const lines = result.stdout.split('\n');
      expect(lines[0]).toBe(`fleetward runs with the settings of fleet web in ${config}`);
      expect(lines[2]).toBe('every policy at target utilisation 55%');

      const explicit = await simulate(['--trace', path, '--policy', 'fleetward', '--config', config, '--fleet', 'web', '--target', '80', '--json', '--out', join(dir, 'out')]);
      const document = JSON.parse(explicit.stdout) as { mode: unknown; fleetwardSettings: unknown };
      expect(document.mode).toEqual({ kind: 'target', target: 0.8 });
      expect(document.fleetwardSettings).toEqual({ fleet: 'web', config });
    });

    it('keeps the fleet\'s capacity bounds: a max below the peak leaves demand unserved', async () => {
      const { dir, path } = traceFile(STEADY);
      const config = configFile(dir, fleetYaml('web', 'per-instance', 50));
      const document = JSON.parse((await simulate(['--trace', path, '--policy', 'fleetward', '--peak-instances', '40', '--config', config, '--json', '--out', join(dir, 'out')])).stdout) as {
        policies: Array<{ policy: string; metrics: { underTimeshare: number } }>;
      };
      expect(document.policies.find((p) => p.policy === 'fleetward')?.metrics.underTimeshare).toBeGreaterThan(10);
    });

    it('refuses a config it cannot pick a fleet from, or a fleet it cannot simulate', async () => {
      const { dir, path } = traceFile(STEADY);
      const two = configFile(dir, fleetYaml('web', 'per-instance', 50), fleetYaml('queue', 'total', 10));
      const run = (...extra: string[]) => simulate(['--trace', path, '--out', join(dir, 'out'), ...extra]);
      expect(await run('--config', two)).toEqual({ code: 2, stdout: '', stderr: `error: ${two} has 2 fleets (web, queue): choose one with --fleet\n` });
      expect((await run('--config', two, '--fleet', 'api')).stderr).toBe('error: fleet api is not in the config (its fleets: web, queue)\n');
      expect((await run('--config', two, '--fleet', 'queue')).stderr).toBe(
        'error: fleet queue scales on a total metric; the simulator models a per-instance utilisation metric in percent\n',
      );
      expect((await run('--fleet', 'web')).stderr).toBe('error: --fleet needs --config: the file the fleet is in\n');
      expect((await run('--config', join(dir, 'missing.yaml'))).stderr).toBe(`error: cannot read the config ${join(dir, 'missing.yaml')}: no such file\n`);
    });
  });

  describe('with the mix of a fleet (--mix)', () => {
    const MIX_FLEET = `fleets:
  - name: web
    launchTemplate: { name: web-server }
    subnets: [subnet-0123456789abcdef0]
    instanceTypes: [{ type: m7g.large }, { type: m6g.xlarge, weight: 2 }]
    capacity: { min: 2, max: 40 }
    scaling:
      metric: { namespace: AWS/EC2, name: CPUUtilization, dimensions: { InstanceId: "{instanceId}" }, statistic: Average }
      metricType: per-instance
      target: 50
    mix: { maxSpotShare: 0.5 }
    optimization: { mode: act }
`;
    const PRICES = { source: 'fixture', date: '2026-12-01', region: 'us-east-1', onDemand: { 'm7g.large': 0.0816, 'm6g.xlarge': 0.154 }, spot: { 'm7g.large': 0.03, 'm6g.xlarge': 0.05 } };
    /** 90 minutes of 8 then 16 units, half an hour each; metrics and bills count from minute 30. */
    const SHORT = `t_s,value\n${Array.from({ length: 90 }, (_, i) => `${i * 60},${i % 60 < 30 ? 8 : 16}`).join('\n')}\n`;

    function mixFiles(fleet = MIX_FLEET) {
      const { dir, path } = traceFile(SHORT);
      const config = join(dir, 'fleetward.config.yaml');
      const prices = join(dir, 'prices.json');
      writeFileSync(config, fleet);
      writeFileSync(prices, JSON.stringify(PRICES));
      const args = ['--trace', path, '--mix', '--config', config, '--prices', prices, '--peak-instances', '16', '--warmup-s', '1800', '--out', join(dir, 'out')];
      return { dir, path, args };
    }

    it('prints τU, instance-hours and dollars of the mix and of the cheapest on-demand type, the bills by type and market, and the saving', async () => {
      const { dir, path, args } = mixFiles();
      const result = await simulate([...args, '--spot-interruption-rate', '2', '--seed', '3']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toBe(
        [
          `${path}: 90 steps of 60 s (0.1 days), peak = 16 instances of capacity 1, boot 120 s, metrics after a 0.02-day warm-up`,
          "fleetward with the mix of fleet web at its target, Spot interrupted at 2 per instance-hour (seed 3), against its cheapest on-demand type at the cheapest target (50% or above) with τU within the mix's; prices: fixture, us-east-1, 2026-12-01",
          '',
          'run                   target  τU %  unserved %  inst-h  cost   launches  interruptions',
          'mix                   50%     0.00  0.000       18.6    $1.51  45        18',
          'on-demand m6g.xlarge  55%     0.00  0.000       13.0    $2.00  12        0',
          '',
          'mix by type and market:',
          '  m6g.xlarge on-demand  $0.154/h   6.7 inst-h  $1.03',
          '  m6g.xlarge spot       $0.05/h    4.0 inst-h  $0.20',
          '  m7g.large on-demand   $0.0816/h  1.0 inst-h  $0.08',
          '  m7g.large spot        $0.03/h    7.0 inst-h  $0.21',
          'on-demand m6g.xlarge by type and market:',
          '  m6g.xlarge on-demand  $0.154/h  13.0 inst-h  $2.00',
          '',
          'saving: $0.49 (24.4%) against on-demand m6g.xlarge, at τU 0.00% (mix) and 0.00% (on-demand m6g.xlarge)',
          `json: ${join(dir, 'out', 'load.mix.json')}`,
          '',
        ].join('\n'),
      );
      type Run = { label: string; target: number; usd: number; interruptions: number; metrics: { instanceHours: number }; costs: Array<{ type: string; market: string; instanceHours: number; usd: number }> };
      const document = JSON.parse(readFileSync(join(dir, 'out', 'load.mix.json'), 'utf8')) as { fleet: string; seed: number; mix: Run; single: Run; saving: { usd: number; percent: number } };
      expect([document.fleet, document.seed, document.mix.interruptions, document.single.label, document.single.target]).toEqual(['web', 3, 18, 'on-demand m6g.xlarge', 0.55]);
      expect(document.mix.costs.map((cost) => `${cost.type} ${cost.market}`)).toEqual(['m6g.xlarge on-demand', 'm6g.xlarge spot', 'm7g.large on-demand', 'm7g.large spot']);
      expect(document.mix.costs.reduce((sum, cost) => sum + cost.instanceHours, 0)).toBeCloseTo(document.mix.metrics.instanceHours, 9);
      expect(document.saving).toEqual({ usd: 0.49, percent: 24.4 });
    });

    it('refuses --mix without a fleet with a mix section, with --sweep, and Spot interruptions without --mix', async () => {
      const { args } = mixFiles(MIX_FLEET.replace('    mix: { maxSpotShare: 0.5 }\n', ''));
      expect((await simulate(args)).stderr).toBe('error: fleet web has no mix section: --mix simulates a fleet\'s exact mix (docs/optimization.md)\n');
      expect((await simulate([...args, '--sweep'])).stderr).toBe('error: --mix runs at one target: leave out --sweep\n');
      expect((await simulate([...args, '--instance-type', 'm7g.large'])).stderr).toBe('error: --mix bills each type and market at its own price: leave out --instance-type\n');
      const withoutConfig = args.filter((_, i) => args[i] !== '--config' && args[i - 1] !== '--config');
      expect(await simulate(withoutConfig)).toEqual({ code: 2, stdout: '', stderr: 'error: --mix needs --config: the fleet whose instance types and mix section to simulate\n' });
      const single = args.filter((arg) => arg !== '--mix');
      expect((await simulate([...single, '--spot-interruption-rate', '0.1'])).stderr).toBe('error: --spot-interruption-rate needs --mix: only the mix runs Spot\n');
      expect((await simulate([...args, '--spot-interruption-rate', '-1'])).stderr).toContain('--spot-interruption-rate must be a number >= 0, got "-1"');
    });
  });
});
