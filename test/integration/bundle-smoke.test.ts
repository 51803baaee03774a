/**
 * The built Lambda bundle against moto, as Lambda runs it: `bundleScaleFunction` writes index.mjs
 * (its SDK schemas rewritten by the staticSchemaKeys plugin), and a new Node process with only the
 * function's environment imports it and calls its exports. The dispatcher's Invoke goes to a fake
 * Lambda endpoint that records it (moto's Lambda runs code only in Docker; its stub is server-wide); the scale
 * function's steps launch on moto, see their instances again by their tags, and parse EC2's errors.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScaleResult } from '../../functions/handlers/scale-handler.ts';
import { configFileText } from '../../functions/handlers/config-file.ts';
import { CONFIG_FILE_VARIABLE, OWNER_VARIABLE, SCALE_FUNCTION_VARIABLE } from '../../functions/handlers/variables.ts';
import { OWNER_TAG } from '../../functions/core/tags.ts';
import { SCALE_BUNDLE_FILE } from '../../lib/scale-code.ts';
import { bundleScaleFunction } from '../../scripts/scale-bundle.ts';
import { FleetHarness } from './harness.ts';

const SCALE_FUNCTION = 'fleetward-scale-smoke';

/** Imports the bundle, calls each export in turn with its event (one warm container), and writes the answers as JSON. */
const RUNNER = `
import { readFileSync, writeFileSync } from 'node:fs';
const [bundle, callsFile, answersFile] = process.argv.slice(2);
const exports = await import(bundle);
const context = { awsRequestId: 'smoke', functionName: 'fleetward-scale-smoke', functionVersion: '$LATEST', memoryLimitInMB: '512',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fleetward-scale-smoke', logGroupName: 'smoke', logStreamName: 'smoke',
  callbackWaitsForEmptyEventLoop: false, getRemainingTimeInMillis: () => 60000 };
const answers = [];
for (const { exported, event } of JSON.parse(readFileSync(callsFile, 'utf8'))) answers.push(await exports[exported](event, context));
writeFileSync(answersFile, JSON.stringify(answers));
`;

interface RecordedInvoke {
  readonly path: string;
  readonly invocationType: string | undefined;
  readonly body: string;
}

/** A Lambda endpoint that accepts every asynchronous Invoke (202) and records it. */
async function fakeLambda(): Promise<{ server: Server; endpoint: string; invokes: RecordedInvoke[] }> {
  const invokes: RecordedInvoke[] = [];
  const body = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server = createServer((request, response) => {
    void body(request).then((text) => {
      const invocationType = request.headers['x-amz-invocation-type'];
      invokes.push({ path: request.url ?? '', invocationType: Array.isArray(invocationType) ? invocationType[0] : invocationType, body: text });
      response.writeHead(202, { 'content-type': 'application/json' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, invokes };
}

let directory: string;
let lambda: Awaited<ReturnType<typeof fakeLambda>>;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'fleetward-smoke-'));
  await bundleScaleFunction(directory);
  writeFileSync(join(directory, 'runner.mjs'), RUNNER);
  lambda = await fakeLambda();
});

afterAll(() => {
  lambda.server.close();
  rmSync(directory, { recursive: true, force: true });
});

type Call = { exported: 'handler' | 'dispatch'; event: unknown };

/** Runs the calls in a new Node process whose environment is only what the deployed function has (plus the emulators' endpoints). */
async function runBundle(harness: FleetHarness, calls: readonly Call[]): Promise<unknown[]> {
  const configFile = join(directory, `config-${harness.suffix}.json`);
  writeFileSync(configFile, configFileText(harness.config));
  const callsFile = join(directory, `calls-${randomUUID()}.json`);
  const answersFile = `${callsFile}.answers`;
  writeFileSync(callsFile, JSON.stringify(calls));
  const env = {
    PATH: process.env.PATH ?? '',
    AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL ?? '',
    AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
    // On the LocalStack target, DynamoDB is a moto server of its own.
    ...(process.env.AWS_ENDPOINT_URL_DYNAMODB === undefined ? {} : { AWS_ENDPOINT_URL_DYNAMODB: process.env.AWS_ENDPOINT_URL_DYNAMODB }),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    NODE_OPTIONS: '--enable-source-maps',
    [CONFIG_FILE_VARIABLE]: configFile,
    FLEETWARD_TABLE_NAME: harness.tableName,
    [OWNER_VARIABLE]: harness.owner,
    [SCALE_FUNCTION_VARIABLE]: SCALE_FUNCTION,
  };
  const runner = join(directory, 'runner.mjs');
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, [runner, join(directory, SCALE_BUNDLE_FILE), callsFile, answersFile], { env, timeout: 50_000 }, (error, _stdout, stderr) =>
      error === null ? resolve() : reject(new Error(`the bundle's process failed: ${error.message}\n${stderr}`)),
    );
  });
  return JSON.parse(readFileSync(answersFile, 'utf8')) as unknown[];
}

const tick = (executionId: string) => ({ source: 'fleetward.schedule', executionId, scheduledTime: '2026-11-24T12:00:00Z' });

describe('the built scale function bundle', () => {
  it('dispatches a tick through Lambda, launches the fleet on moto, and sees its instances by their tags in the next step', async () => {
    const harness = await FleetHarness.create({ capacity: { min: 2, max: 4 } });
    await harness.publish(20);
    const executionId = randomUUID();

    const [dispatched] = await runBundle(harness, [{ exported: 'dispatch', event: tick(executionId) }]);

    expect(dispatched).toMatchObject({ status: 'done', invoked: [harness.name], failed: [] });
    const invoke = lambda.invokes.find((recorded) => recorded.body.includes(executionId));
    expect(invoke).toMatchObject({ path: `/2015-03-31/functions/${SCALE_FUNCTION}/invocations`, invocationType: 'Event' });
    const payload: unknown = JSON.parse(invoke?.body ?? '');
    expect(payload).toEqual({ ...tick(executionId), fleet: harness.name });

    const [launched] = (await runBundle(harness, [{ exported: 'handler', event: payload }])) as ScaleResult[];
    // The next tick's step in a new container: what it knows comes from EC2 and the table alone.
    const [seen] = (await runBundle(harness, [{ exported: 'handler', event: { ...tick(randomUUID()), fleet: harness.name } }])) as ScaleResult[];

    expect(launched?.status).toBe('done');
    expect(launched?.fleets[0]).toMatchObject({ fleet: harness.name, outcome: 'done', desiredCapacity: 2, launchFailed: false });
    const instances = await harness.instances();
    expect(instances.map((i) => i.InstanceId).sort()).toEqual([...(launched?.fleets[0]?.launched ?? [])].sort());
    expect(instances).toHaveLength(2);
    for (const instance of instances) expect(instance.Tags).toContainEqual({ Key: OWNER_TAG, Value: harness.owner });
    // Spread over the zones: the step read the subnets' zones from DescribeSubnets.
    expect(new Set(instances.map((i) => i.Placement?.AvailabilityZone)).size).toBe(2);

    expect(seen?.fleets[0]).toMatchObject({ fleet: harness.name, outcome: 'done', desiredCapacity: 2, capacity: 2, launched: [], terminated: [] });
    const records = await harness.records().listInstances(harness.name);
    expect(records.map((r) => r.instanceId).sort()).toEqual(instances.map((i) => i.InstanceId).sort());
    const [decision] = await harness.records().listDecisions(harness.name, 1);
    expect(decision).toBeDefined();
  });

  it('parses EC2 error answers into their codes: a subnet and a launch template that do not exist', async () => {
    const harness = await FleetHarness.create();
    await harness.publish(20);
    const subnets = harness.fleet.subnets;
    harness.configure({ subnets: [...subnets, 'subnet-00000000000000bad'] });

    const [badSubnet] = (await runBundle(harness, [{ exported: 'handler', event: { ...tick(randomUUID()), fleet: harness.name } }])) as ScaleResult[];

    expect(badSubnet?.fleets[0]).toMatchObject({ outcome: 'failed', reason: 'subnet not found: subnet-00000000000000bad (not in this account and region)' });

    harness.configure({ subnets, launchTemplate: { name: 'no-such-template', version: '$Latest' } });
    const [badTemplate] = (await runBundle(harness, [{ exported: 'handler', event: { ...tick(randomUUID()), fleet: harness.name } }])) as ScaleResult[];

    expect(badTemplate?.fleets[0]).toMatchObject({ outcome: 'done', launchFailed: true, launched: [] });
    expect(badTemplate?.fleets[0]?.actions[0]?.outcome).toMatch(/^failed: launch template not found: no-such-template: /);
    expect(await harness.instances()).toHaveLength(0);
  });
});
