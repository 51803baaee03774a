/**
 * A fleet in the emulator for one test: its table, subnets, launch template and config, a
 * manual clock, and helpers to publish the metric, invoke the real handler and look at EC2.
 */
import { randomUUID } from 'node:crypto';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EC2Client, type Instance, RunInstancesCommand, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { DeleteCommand, DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { type DynamoState, dynamoState } from '../../functions/aws/state/dynamo-state.ts';
import { type FleetConfig, type FleetwardConfig, validateConfig } from '../../functions/core/config.ts';
import { PARTITION_KEY, SORT_KEY } from '../../functions/aws/table-keys.ts';
import { FLEET_TAG } from '../../functions/core/tags.ts';
import type { AwsClients } from '../../functions/handlers/ports.ts';
import { createScaleHandler } from '../../functions/handlers/scale-handler.ts';
import { createFleetwardTable, createLaunchTemplate, defaultSubnets } from '../../dev/fixtures.ts';

export const METRIC_NAMESPACE = 'Test/Load';

export class ManualClock {
  constructor(private nowMs: number) {}
  now(): number {
    return this.nowMs;
  }
  advance(seconds: number): void {
    this.nowMs += seconds * 1000;
  }
}

type FleetOverrides = Partial<Omit<FleetConfig, 'scaling' | 'capacity'>> & {
  capacity?: Partial<FleetConfig['capacity']>;
  scaling?: Partial<FleetConfig['scaling']>;
};

export function lambdaContext(): Context {
  return {
    awsRequestId: randomUUID(),
    functionName: 'fleetward-scale',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fleetward-scale',
    memoryLimitInMB: '512',
    logGroupName: '/aws/lambda/fleetward-scale',
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function scheduleEvent(executionId: string = randomUUID()) {
  return { source: 'fleetward.schedule', executionId, scheduledTime: '2026-11-24T12:00:00Z' };
}

export function alarmEvent(alarmName: string, id: string = randomUUID(), state = 'ALARM') {
  return {
    version: '0',
    id,
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    account: '123456789012',
    time: '2026-11-24T12:00:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName}`],
    detail: { alarmName, state: { value: state, reason: 'test', timestamp: '2026-11-24T12:00:00Z' } },
  };
}

export class FleetHarness {
  readonly ec2 = new EC2Client({});
  readonly cloudwatch = new CloudWatchClient({});
  readonly dynamodb = new DynamoDBClient({});
  readonly elbv2 = new ElasticLoadBalancingV2Client({});
  readonly eventbridge = new EventBridgeClient({});
  readonly clock = new ManualClock(Date.now());
  readonly metrics = new Metrics({ namespace: 'fleetward-test' });
  /** The per-fleet metrics, shared by every fleet; the fleets they were made for, in order. */
  readonly fleetMetrics = new Metrics({ namespace: 'fleetward-test' });
  readonly fleetMetricsMadeFor: string[] = [];
  /** The handler's logger (silent; spy on it to see warnings). */
  readonly logger = new Logger({ serviceName: 'fleetward-test', logLevel: 'SILENT' });
  /** Makes this test's names its own: no reset is needed between tests on a shared emulator. */
  readonly suffix = randomUUID().slice(0, 8);
  readonly tableName = `fleetward-test-${this.suffix}`;
  /** The fleet's load metric: CloudWatch keeps every test's datapoints, so each test has its own. */
  readonly metricName = this.unique('Backlog');
  config!: FleetwardConfig;
  subnets: Array<{ subnetId: string; availabilityZone: string }> = [];
  launchTemplateName = `lt-${this.suffix}`;
  /** Every notification the handler sent, in order. */
  readonly notifications: Array<{ subject: string; message: string; details: Record<string, unknown> }> = [];
  /** The clients the handler acts through (faults may be attached); the harness's own when absent. */
  handlerClients?: AwsClients;
  private handler!: ReturnType<typeof createScaleHandler>;
  /**
   * Idle fleets configured after the fleet under test (never stepped: `step` then ticks the fleet
   * under test alone), for a deployment of more fleets than the role's policy lists by name.
   */
  idleFleets = 0;

  static async create(overrides: FleetOverrides = {}, zones = 3): Promise<FleetHarness> {
    const harness = new FleetHarness();
    await createFleetwardTable(harness.dynamodb, harness.tableName);
    harness.subnets = [...(await defaultSubnets(harness.ec2, zones)).subnets];
    await createLaunchTemplate(harness.ec2, harness.launchTemplateName);
    harness.configure(overrides);
    return harness;
  }

  /** A name of this test's own (e.g. a fleet's), unique on an emulator that other tests share. */
  unique(name: string): string {
    return `${name}-${this.suffix}`;
  }

  /** The configured fleet's name. */
  get name(): string {
    return this.fleet.name;
  }

  get fleet(): FleetConfig {
    const fleet = this.config.fleets[0];
    if (fleet === undefined) throw new Error('no fleet configured');
    return fleet;
  }

  /** (Re)builds the config and the handler, as a new deployment would. */
  configure(overrides: FleetOverrides = {}): void {
    const { capacity, scaling, ...rest } = overrides;
    this.config = validateConfig({
      fleets: [
        {
          name: this.unique('workers'),
          launchTemplate: { name: this.launchTemplateName },
          subnets: this.subnets.map((s) => s.subnetId),
          instanceTypes: [{ type: 't4g.micro' }],
          ...rest,
          capacity: { min: 0, max: 10, ...capacity },
          scaling: {
            metric: { namespace: METRIC_NAMESPACE, name: this.metricName, statistic: 'Average' },
            metricType: 'total',
            target: 10,
            warmupSeconds: 0,
            scaleIn: { stabilizationSeconds: 0, cooldownSeconds: 0 },
            ...scaling,
          },
        },
        ...Array.from({ length: this.idleFleets }, (_, i) => ({
          name: this.unique(`idle${i}`),
          launchTemplate: { name: this.launchTemplateName },
          subnets: this.subnets.map((s) => s.subnetId),
          instanceTypes: [{ type: 't4g.micro' }],
          capacity: { min: 0, max: 1 },
          scaling: { metric: { namespace: METRIC_NAMESPACE, name: this.metricName, statistic: 'Average' }, metricType: 'total', target: 10 },
        })),
      ],
    });
    this.handler = createScaleHandler({
      config: this.config,
      tableName: this.tableName,
      clients: this.handlerClients ?? { ec2: this.ec2, cloudwatch: this.cloudwatch, dynamodb: this.dynamodb, elbv2: this.elbv2, eventbridge: this.eventbridge },
      clock: this.clock,
      metrics: this.metrics,
      fleetMetrics: (name) => (this.fleetMetricsMadeFor.push(name), this.fleetMetrics),
      notifier: { notify: async (subject, message, details) => void this.notifications.push({ subject, message, details }) },
      logger: this.logger,
    });
  }

  /** This deployment's owner identity: the handler's default, its table name. */
  get owner(): string {
    return this.tableName;
  }

  /** An instance someone else launched and tagged: the given tags only (none of fleetward's unless given). */
  async launchForeign(tags: Record<string, string>): Promise<string> {
    const result = await this.ec2.send(
      new RunInstancesCommand({
        LaunchTemplate: { LaunchTemplateName: this.launchTemplateName },
        MinCount: 1,
        MaxCount: 1,
        SubnetId: this.subnets[0]?.subnetId,
        TagSpecifications: [{ ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
      }),
    );
    return result.Instances?.[0]?.InstanceId ?? '';
  }

  /** Deletes every item of the table, as a lost or restored-empty table would be. */
  async emptyTable(): Promise<void> {
    const documents = DynamoDBDocumentClient.from(this.dynamodb);
    for await (const page of paginateScan({ client: documents }, { TableName: this.tableName })) {
      for (const item of page.Items ?? []) {
        await documents.send(new DeleteCommand({ TableName: this.tableName, Key: { [PARTITION_KEY]: item[PARTITION_KEY], [SORT_KEY]: item[SORT_KEY] } }));
      }
    }
  }

  async publish(value: number, name = this.metricName): Promise<void> {
    await this.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: METRIC_NAMESPACE,
        MetricData: [{ MetricName: name, Value: value, Timestamp: new Date(this.clock.now() - 1000) }],
      }),
    );
  }

  /** Runs the handler once; `context` (Lambda's, 60 s remaining by default) may give a bench more time on a slow emulator. */
  invoke(event: unknown = scheduleEvent(), context: Context = lambdaContext()) {
    return this.handler(event, context);
  }

  /** Publishes the metric, advances the clock a minute, and runs a scheduled step. */
  async step(value: number) {
    this.clock.advance(60);
    await this.publish(value);
    return this.invoke(this.idleFleets === 0 ? scheduleEvent() : { ...scheduleEvent(), fleet: this.name });
  }

  async instances(filter: (i: Instance) => boolean = (i) => ['pending', 'running'].includes(i.State?.Name ?? '')) {
    const found: Instance[] = [];
    const pages = paginateDescribeInstances({ client: this.ec2 }, { Filters: [{ Name: `tag:${FLEET_TAG}`, Values: [this.fleet.name] }] });
    for await (const page of pages) for (const r of page.Reservations ?? []) found.push(...(r.Instances ?? []));
    return found.filter(filter);
  }

  /** The fleet's table through the same adapters the handler uses. */
  state(): DynamoState {
    return dynamoState({
      client: DynamoDBDocumentClient.from(this.dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
      tableName: this.tableName,
      decisionLogDays: 30,
    });
  }

  records() {
    return this.state().records;
  }

  history() {
    return this.state().history;
  }

  leases() {
    return this.state().leases;
  }
}
