// What stops a bad deployment before anything is deployed: config file errors and invalid construct props.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, validateConfig, type FleetwardConfig } from '../../functions/core/config.ts';
import { LAMBDA_ENVIRONMENT_LIMIT_BYTES } from '../../lib/fleetward.ts';
import { FleetwardStack } from '../../lib/fleetward-stack.ts';
import { configPathFromContext, DEFAULT_CONFIG_PATH, loadConfig } from '../../lib/load-config.ts';
import { exampleConfig, newApp } from './synth.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fleetward-infra-'));

/** The example config with fleets[0].capacity.min above max and an unknown field. */
const invalidYaml = `
fleets:
  - name: web
    launchTemplate: { name: web-server }
    subnets: [subnet-0123456789abcdef0]
    instanceTypes: [{ type: m7g.large }]
    capacity: { min: 5, max: 2 }
    scaling:
      metric: { namespace: AWS/EC2, name: CPUUtilization, statistic: Average }
      metricType: per-instance
      target: 50
    colour: blue
`;

function writeConfig(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A config of `count` copies of the example fleet, each with a long scale-out alarm name. */
function configWithFleets(count: number): FleetwardConfig {
  const [web] = exampleConfig.fleets;
  if (web === undefined) throw new Error('the example config has no fleet');
  return validateConfig({
    ...exampleConfig,
    fleets: Array.from({ length: count }, (_, i) => ({
      ...web,
      name: `fleet-${i}`,
      // Hash-named alarms barely compress: the worst case for the environment's size.
      scaling: { ...web.scaling, scaleOutAlarms: [`fleet-${i}-${createHash('sha256').update(String(i)).digest('hex')}`] },
    })),
  });
}

function constructError(build: () => unknown): Error {
  try {
    build();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the construct to throw');
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('reads the example config by default', () => {
    expect(loadConfig().fleets.map((fleet) => fleet.name)).toEqual(['web']);
  });

  it('throws ConfigError naming every field at fault', () => {
    const path = writeConfig('invalid.yaml', invalidYaml);
    const error = constructError(() => loadConfig(path));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^fleets\[0\]\.capacity\.min: must be <= capacity\.max/),
        'fleets[0].colour: unknown field',
      ]),
    );
  });

  it('throws ConfigError when the file cannot be read', () => {
    const error = constructError(() => loadConfig(join(dir, 'missing.yaml')));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/missing\.yaml is invalid \(1 problem\):\n {2}- cannot be read: ENOENT/);
  });

  it('takes the file from the config context, relative to the working directory', () => {
    expect(configPathFromContext(newApp().node)).toBe(DEFAULT_CONFIG_PATH);
    expect(configPathFromContext(newApp({ config: 'prod.yaml' }).node)).toBe(resolve('prod.yaml'));
    expect(() => configPathFromContext(newApp({ config: 42 }).node)).toThrow(ConfigError);
  });
});

describe('the CDK app', () => {
  it('fails synthesis with every problem of an invalid config and writes no template', () => {
    const path = writeConfig('app-invalid.yaml', invalidYaml);
    const outdir = join(dir, 'cdk.out');
    const result = spawnSync(join(repoRoot, 'node_modules/.bin/tsx'), ['bin/app.ts'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ config: path }), CDK_OUTDIR: outdir },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('is invalid (2 problems)');
    expect(result.stderr).toContain('fleets[0].capacity.min: must be <= capacity.max');
    expect(result.stderr).toContain('fleets[0].colour: unknown field');
    expect(existsSync(join(outdir, 'Fleetward.template.json'))).toBe(false);
  });

  it('prints a malformed instanceRoleArns like a config error, without a stack trace', () => {
    const outdir = join(dir, 'cdk.out-roles');
    const result = spawnSync(join(repoRoot, 'node_modules/.bin/tsx'), ['bin/app.ts'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ instanceRoleArns: 'arn:aws:iam::123456789012:role/*' }), CDK_OUTDIR: outdir },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'Fleetward props are invalid (1 problem):\n  - instanceRoleArns[0]: must be the ARN of one IAM role (no wildcards), got arn:aws:iam::123456789012:role/*\n',
    );
  });

  it('takes tagGuardRoleArns and owner from the context, and prints their problems in the same list', () => {
    const outdir = join(dir, 'cdk.out-ownership');
    const context = { tagGuardRoleArns: 'arn:aws:iam::123456789012:role/ci,arn:aws:iam::123456789012:role/*', owner: 'prod\tstack' };
    const result = spawnSync(join(repoRoot, 'node_modules/.bin/tsx'), ['bin/app.ts'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'Fleetward props are invalid (2 problems):\n' +
        '  - tagGuardRoleArns[1]: must be the ARN of one IAM role (no wildcards), got arn:aws:iam::123456789012:role/*\n' +
        '  - owner: must be 1-256 characters of letters, digits, spaces and _ . : / = + - @ (an EC2 tag value), got "prod\\tstack"\n',
    );
  });
});

describe('Fleetward props validation', () => {
  it('accepts sixty fleets with distinct alarms, which once did not fit the environment: the config is in the layer', () => {
    expect(() => new FleetwardStack(newApp(), 'Fleetward', { config: configWithFleets(60) })).not.toThrow();
  });

  it('refuses extra environment too large for the 4 KB Lambda environment, naming the size and the limit', () => {
    const error = constructError(() => new FleetwardStack(newApp(), 'Fleetward', { config: exampleConfig, environment: { BIG: 'x'.repeat(3500) } }));
    expect(error.message).toMatch(/environment: too large for the scale function/);
    expect(error.message).toContain(`limit of ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes`);
    const size = Number(/up to (\d+) bytes/.exec(error.message)?.[1]);
    expect(size).toBeGreaterThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
  });

  it('reports every invalid prop at once', () => {
    const error = constructError(
      () =>
        new FleetwardStack(newApp(), 'Fleetward', {
          config: exampleConfig,
          environment: { BIG: 'x'.repeat(3500) },
          scheduleRate: Duration.seconds(90),
          instanceRoleArns: ['arn:aws:iam::123456789012:role/*'],
        }),
    );
    expect(error.message).toMatch(/^Fleetward props are invalid \(3 problems\):/);
    expect(error.message).toContain('scheduleRate: must be a whole number of minutes, at least 1, got 1 minute 30 seconds');
    expect(error.message).toContain('instanceRoleArns[0]: must be the ARN of one IAM role (no wildcards)');
  });

  it('revalidates a config built in code', () => {
    const config = { ...exampleConfig, decisionLogDays: 0 };
    const error = constructError(() => new FleetwardStack(newApp(), 'Fleetward', { config }));
    expect(error.message).toContain('config: decisionLogDays:');
  });
});
