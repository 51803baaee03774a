/**
 * The synthesized stack deployed to LocalStack's CloudFormation. Offline, LocalStack community
 * cannot create the DynamoDB table or the Lambda resources, and its CloudFormation stops at the
 * first resource that fails and rolls back whatever `--no-rollback` says. So `cdklocal` bootstraps
 * and deploys the stack as users would, and the test asserts that exactly the table fails, for
 * that reason; then the same template without the table and the Lambda resources (references to
 * them replaced by stand-in names) is created, and every one of its resources reaches CREATE_COMPLETE.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStack, settledStatus, stackResources } from './cloudformation.ts';
import { type Template, isOffline, withoutOfflineResources } from './offline-template.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CDKLOCAL = join(ROOT, 'node_modules', '.bin', 'cdklocal');
const endpoint = process.env.AWS_ENDPOINT_URL ?? '';
const TABLE_REASON = /CreateTable operation: Service 'dynamodb' is not enabled/;

/** cdklocal needs both endpoints; the CLI asks for no notices and sends no telemetry. */
async function cdklocal(args: readonly string[]) {
  const env = { ...process.env, AWS_ENDPOINT_URL: endpoint, AWS_ENDPOINT_URL_S3: endpoint, CDK_DISABLE_CLI_TELEMETRY: 'true' };
  const run = promisify(execFile)(CDKLOCAL, [...args, '--no-notices'], { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 });
  return run.then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? 1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
  );
}

describe("the stack on LocalStack's CloudFormation", () => {
  let assembly: string;
  beforeAll(async () => {
    assembly = mkdtempSync(join(tmpdir(), 'fleetward-assembly-'));
    const synth = await cdklocal(['synth', '--quiet', '--output', assembly]);
    expect(synth, synth.output).toMatchObject({ code: 0 });
  }, 180_000);
  afterAll(() => rmSync(assembly, { recursive: true, force: true }));

  it('bootstraps with cdklocal and deploys until the table, which fails offline, and rolls back', async () => {
    // From the synthesized assembly: without --app, bootstrap synthesizes the app again, into ./cdk.out.
    const bootstrap = await cdklocal(['bootstrap', '--app', assembly]);
    expect(bootstrap, bootstrap.output).toMatchObject({ code: 0 });

    const deploy = await cdklocal(['deploy', '--app', assembly, '--require-approval', 'never', '--no-rollback']);
    const resources = await stackResources(endpoint, 'Fleetward');
    const failedWithReason = resources.filter((resource) => resource.status === 'CREATE_FAILED' && resource.reason !== undefined);
    const completed = resources.filter((resource) => resource.status === 'CREATE_COMPLETE');

    expect(deploy.code).not.toBe(0);
    expect(await settledStatus(endpoint, 'Fleetward', 60_000)).toBe('ROLLBACK_COMPLETE');
    expect(failedWithReason).toEqual([expect.objectContaining({ type: 'AWS::DynamoDB::Table', reason: expect.stringMatching(TABLE_REASON) })]);
    expect(completed.length).toBeGreaterThan(0);
    expect(completed.filter((resource) => isOffline(resource.type))).toEqual([]);
  }, 240_000);

  it('creates every other resource of the template: all reach CREATE_COMPLETE', async () => {
    const synthesized = JSON.parse(readFileSync(join(assembly, 'Fleetward.template.json'), 'utf8')) as Template;
    const { template, removed } = withoutOfflineResources(synthesized);

    await createStack(endpoint, 'FleetwardWithoutOffline', template);
    const status = await settledStatus(endpoint, 'FleetwardWithoutOffline', 120_000);
    const resources = await stackResources(endpoint, 'FleetwardWithoutOffline');

    expect([...new Set(removed.values())].sort()).toEqual(['AWS::DynamoDB::Table', 'AWS::Lambda::EventInvokeConfig', 'AWS::Lambda::Function', 'AWS::Lambda::LayerVersion', 'AWS::Lambda::Permission']);
    expect(status).toBe('CREATE_COMPLETE');
    expect(resources.map((resource) => resource.logicalId).sort()).toEqual(Object.keys(template.Resources).sort());
    expect(resources.filter((resource) => resource.status !== 'CREATE_COMPLETE')).toEqual([]);
    // LocalStack community has no provider for dashboards: it answers CREATE_COMPLETE and creates nothing.
    expect(resources.filter((resource) => resource.reason !== undefined)).toEqual([
      expect.objectContaining({ type: 'AWS::CloudWatch::Dashboard', reason: 'Resource type AWS::CloudWatch::Dashboard is not supported but was deployed as a fallback' }),
    ]);
  }, 180_000);
});
