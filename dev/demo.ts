/**
 * fleetward's main job on the embedded default: a demo fleet in the emulator, a synthetic load
 * that rises and falls, and the real scale handler run in-process on a compressed clock (one
 * control minute per step), printing what it decides and why.
 */
import { randomUUID } from 'node:crypto';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { type DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { DescribeLaunchTemplatesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { type FleetwardConfig, validateConfig } from '../functions/core/config.ts';
import { createAwsClients } from '../functions/handlers/ports.ts';
import { createScaleHandler } from '../functions/handlers/scale-handler.ts';
import { createFleetwardTable, createLaunchTemplate, defaultSubnets } from './fixtures.ts';
import { FleetwardError } from '../functions/core/errors.ts';

export const DEMO_NAMESPACE = 'Fleetward/Demo';
export const DEMO_METRIC = 'RequestsPerMinute';
const TABLE = 'fleetward-demo';
const LAUNCH_TEMPLATE = 'fleetward-demo';
const STEP_SECONDS = 60;

export interface DemoOptions {
  /** Number of control steps (simulated minutes). */
  readonly steps: number;
  /** Real milliseconds between steps. */
  readonly intervalMs: number;
  readonly print: (line: string) => void;
}

export interface DemoSummary {
  readonly steps: number;
  readonly launched: number;
  readonly terminated: number;
  /** What the operator CLI needs to look at the demo fleet: its config and table. */
  readonly config: FleetwardConfig;
  readonly tableName: string;
}

/** The shell command that runs the operator CLI against the demo's emulator, table and config. */
export function inspectCommand(endpoint: string, configPath: string): string {
  const environment = `AWS_ENDPOINT_URL=${endpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing`;
  return `${environment} npx fleetward status --table ${TABLE} --config ${configPath}`;
}

/** Requests per minute at a point of the run: a base load with one peak, then quiet again. */
export function demoLoad(step: number, steps: number): number {
  const progress = step / Math.max(1, steps);
  const peak = progress < 0.5 ? Math.sin((Math.PI * progress) / 0.5) : 0;
  return Math.round(80 + 900 * peak);
}

export function demoConfig(subnets: readonly string[]): FleetwardConfig {
  return validateConfig(
    {
      fleets: [
        {
          name: 'demo',
          launchTemplate: { name: LAUNCH_TEMPLATE },
          subnets,
          instanceTypes: [{ type: 't4g.small' }, { type: 't4g.medium', weight: 2 }],
          capacity: { min: 1, max: 12, initial: 1 },
          scaling: {
            metric: { namespace: DEMO_NAMESPACE, name: DEMO_METRIC, statistic: 'Sum' },
            metricType: 'total',
            target: 100,
            warmupSeconds: 60,
            scaleOut: { stabilizationSeconds: 0, maxStep: 4, cooldownSeconds: 0 },
            scaleIn: { stabilizationSeconds: 120, maxStep: 3, cooldownSeconds: 60 },
          },
        },
      ],
    },
    'demo config',
  );
}

async function ensureResources(dynamodb: DynamoDBClient, ec2: EC2Client) {
  await createFleetwardTable(dynamodb, TABLE).catch((error: unknown) => {
    if (!(error instanceof ResourceInUseException)) throw error;
  });
  const existing = await ec2
    .send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [LAUNCH_TEMPLATE] }))
    .catch(() => undefined);
  if ((existing?.LaunchTemplates ?? []).length === 0) await createLaunchTemplate(ec2, LAUNCH_TEMPLATE);
  return defaultSubnets(ec2, 3);
}

const pad = (value: string | number, width: number) => String(value).padStart(width);

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const clients = createAwsClients();
  const { ec2, cloudwatch, dynamodb } = clients;
  const network = await ensureResources(dynamodb, ec2);
  const config = demoConfig(network.subnets.map((s) => s.subnetId));
  let nowMs = Date.now();
  const handler = createScaleHandler({
    config,
    tableName: TABLE,
    clients,
    clock: { now: () => nowMs },
    logger: new Logger({ serviceName: 'fleetward', logLevel: 'ERROR' }),
    metrics: new Metrics({ namespace: 'fleetward-demo' }),
  });

  options.print(
    `fleet demo: ${network.subnets.length} zones, capacity 1..12, target 100 requests/min per instance; one step = one simulated minute`,
  );
  let launched = 0;
  let terminated = 0;
  const started = Date.now();
  for (let step = 0; step < options.steps; step += 1) {
    const wait = started + step * options.intervalMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    nowMs += STEP_SECONDS * 1000;
    const load = demoLoad(step, options.steps);
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: DEMO_NAMESPACE,
        MetricData: [{ MetricName: DEMO_METRIC, Value: load, Timestamp: new Date(nowMs - 1000) }],
      }),
    );
    const context = { awsRequestId: randomUUID(), functionName: 'fleetward-demo', getRemainingTimeInMillis: () => 60_000 } as Context;
    const result = await handler({ source: 'fleetward.schedule', executionId: randomUUID(), scheduledTime: new Date(nowMs).toISOString() }, context);
    const outcome = result.fleets[0];
    if (outcome === undefined) throw new FleetwardError(`the step did not run: ${result.reason ?? result.status}`);
    if (outcome.outcome === 'failed') throw new FleetwardError(`the step failed: ${outcome.reason}`);
    launched += outcome.launched.length;
    terminated += outcome.terminated.length;
    const running = (outcome.capacity ?? 0) + outcome.launched.length - outcome.terminated.length;
    const changes = [
      outcome.launched.length > 0 ? `+${outcome.launched.length}` : '',
      outcome.terminated.length > 0 ? `-${outcome.terminated.length}` : '',
    ].filter(Boolean);
    options.print(
      `[${pad(`t+${step + 1}m`, 6)}] load ${pad(load, 4)}/min  desired ${pad(outcome.desiredCapacity ?? 0, 2)}  running ${pad(running, 2)} ${pad(changes.join(' '), 6)}  ${outcome.reason}`,
    );
  }
  return { steps: options.steps, launched, terminated, config, tableName: TABLE };
}
