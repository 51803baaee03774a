// The package as a user gets it: `npm pack`, unpacked into a CDK app outside the source tree (its
// dependencies linked from this repository's node_modules, as an offline install would leave
// them), type-checked and compiled against the declarations, and synthesized.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
const work = mkdtempSync(join(tmpdir(), 'fleetward-package-'));
const app = join(work, 'app');
const modules = join(app, 'node_modules');

/** The consumer's app: the construct from the package, props from the context, the operator grant. */
const APP_SOURCE = `import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Fleetward, loadConfig, propsFromContext } from 'fleetward';

const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Consumer', { env: { account: '123456789012', region: 'eu-west-1' } });
const fleetward = new Fleetward(stack, 'Fleetward', { config: loadConfig('fleetward.config.yaml'), ...propsFromContext(app.node) });
fleetward.grantOperate(new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() }));
// @ts-expect-error memorySize is a number: the declarations type the props.
void (() => new Fleetward(stack, 'Typed', { config: loadConfig('fleetward.config.yaml'), memorySize: 'big' }));
app.synth();
`;

const TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: ['node'], outDir: '.' },
  files: ['app.ts'],
};

/** Links a package from this repository's node_modules into the app's. */
function link(name: string): void {
  const target = join(modules, name);
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(join(repo, 'node_modules', name), target, 'dir');
}

let packed: { filename: string; files: Array<{ path: string }> };

beforeAll(() => {
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_offline: 'true' },
  });
  // npm prints the prepack build's output first, then the JSON.
  [packed] = JSON.parse(output.slice(output.indexOf('[\n'))) as [typeof packed];
  mkdirSync(modules, { recursive: true });
  execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', modules]);
  renameSync(join(modules, 'package'), join(modules, 'fleetward'));
  for (const name of [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies), '@types/node']) link(name);
  copyFileSync(join(repo, 'fleetward.config.yaml'), join(app, 'fleetward.config.yaml'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  writeFileSync(join(app, 'app.ts'), APP_SOURCE);
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package', () => {
  it('holds JavaScript, declarations and the prebuilt scale function, and no TypeScript sources', () => {
    const paths = packed.files.map((file) => file.path);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lambda/scale/index.mjs']));
    expect(paths.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
  });

  it('imports no .ts module at run time, nor in its declarations', () => {
    const root = join(modules, 'fleetward', 'dist');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((path) => /\.(js|d\.ts)$/.test(path));
    const relativeTs = /(?:from\s+|import\s*\(\s*|import\s+)['"]\.{1,2}\/[^'"]*\.ts['"]/;
    expect(files.filter((path) => relativeTs.test(readFileSync(join(root, path), 'utf8')))).toEqual([]);
  });

  it('type-checks and compiles a consumer app against its declarations, which synthesizes with the prebuilt bundle', () => {
    execFileSync(join(repo, 'node_modules/.bin/tsc'), ['-p', app], { cwd: app, encoding: 'utf8' });
    const result = spawnSync(process.execPath, ['app.js'], {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ memorySize: '1024', scheduleRate: '5' }) },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'Consumer.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, string> }>;
    };
    const resources = Object.values(template.Resources);
    const [scale, dispatcher] = resources.filter((resource) => resource.Type === 'AWS::Lambda::Function');
    expect(scale?.Properties).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs24.x', MemorySize: 1024, Architectures: ['arm64'] });
    expect(dispatcher?.Properties).toMatchObject({ Handler: 'index.dispatch', Code: scale?.Properties.Code });
    const layer = resources.find((resource) => resource.Type === 'AWS::Lambda::LayerVersion');
    const layerAsset = `asset.${String((layer?.Properties.Content as { S3Key: string }).S3Key).replace(/\.zip$/, '')}`;
    expect(resources.find((resource) => resource.Type === 'AWS::Scheduler::Schedule')?.Properties.ScheduleExpression).toBe('rate(5 minutes)');
    const assets = readdirSync(join(app, 'cdk.out')).filter((name) => name.startsWith('asset.'));
    const codeAsset = `asset.${String(scale?.Properties.Code && (scale.Properties.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '')}`;
    expect(assets.sort()).toEqual([codeAsset, layerAsset].sort());
    const asset = join(app, 'cdk.out', codeAsset);
    expect(readdirSync(asset).sort()).toEqual(['highs.wasm', 'index.mjs', 'index.mjs.map']);
    expect(statSync(join(asset, 'index.mjs')).size).toBe(statSync(join(modules, 'fleetward/dist/lambda/scale/index.mjs')).size);
    // The deployed code loads on its own, with the environment the template gives it.
    const variables = (scale?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const probe = `const { handler, dispatch } = await import(${JSON.stringify(join(asset, 'index.mjs'))}); console.log(typeof handler, typeof dispatch);`;
    const configFile = join(app, 'cdk.out', layerAsset, 'fleetward', 'config.json');
    const loaded = execFileSync(process.execPath, ['--input-type=module', '-e', probe], {
      cwd: work,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', FLEETWARD_CONFIG_FILE: configFile, FLEETWARD_TABLE_NAME: 'consumer-table', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(variables.FLEETWARD_CONFIG_FILE).toBe('/opt/fleetward/config.json');
    expect(loaded).toBe('function function\n');
    const operator = resources.filter((resource) => resource.Type === 'AWS::IAM::Policy').map((policy) => JSON.stringify(policy.Properties));
    expect(operator.some((policy) => policy.includes('"Operator') && policy.includes('ec2:TerminateInstances'))).toBe(true);
  });

  it('ships the CLI as JavaScript that Node runs', () => {
    const cli = join(modules, 'fleetward/dist/bin/fleetward.js');
    expect(readFileSync(cli, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(execFileSync(cli, ['--version'], { cwd: app, encoding: 'utf8' })).toBe('0.1.0\n');
  });
});
