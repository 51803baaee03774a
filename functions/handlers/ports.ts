/**
 * Builds the AWS implementations of the ports from SDK clients: one place for the scale
 * function, the operator CLI and the demo, so all of them act through the same adapters.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { SSMClient } from '@aws-sdk/client-ssm';
import { PricingClient } from '@aws-sdk/client-pricing';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchMetrics } from '../aws/cloudwatch-metrics.ts';
import { AwsRollSources } from '../aws/roll-sources.ts';
import { Ec2Compute } from '../aws/ec2-compute.ts';
import { Elbv2Targets } from '../aws/elbv2-targets.ts';
import { EventBridgePublisher } from '../aws/eventbridge-publisher.ts';
import { SnsNotifier } from '../aws/sns-notifier.ts';
import { Ec2LaunchFacts } from '../aws/ec2-launch-facts.ts';
import { KmsVerifier } from '../aws/kms-verifier.ts';
import { SsmImageParameters } from '../aws/ssm-image-parameters.ts';
import { AwsPriceFeed } from '../aws/pricing-feed.ts';
import { DynamoAlertLog } from '../aws/state/alert-log.ts';
import { DynamoPriceCache } from '../aws/state/price-cache-store.ts';
import { dynamoState } from '../aws/state/dynamo-state.ts';
import { TableClient } from '../aws/state/table-client.ts';
import type { StepDependencies } from '../control/run-step.ts';
import type { MixPorts } from '../control/step-mix.ts';
import type { FleetwardConfig } from '../core/config.ts';
import type { Clock, Notifier, OrphanLedger } from '../ports/index.ts';
import type { LinearSolver } from '../ports/solver.ts';

export interface AwsClients {
  readonly ec2: EC2Client;
  readonly cloudwatch: CloudWatchClient;
  readonly dynamodb: DynamoDBClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly eventbridge: EventBridgeClient;
  readonly sns?: SNSClient;
  /** For approval signatures verified with KMS; one from the environment when absent. */
  readonly kms?: KMSClient;
  /** For images from SSM parameters (a roll's source, resolve:ssm: in a template); one from the environment when absent. */
  readonly ssm?: SSMClient;
  /** The Price List API, for fleets with a mix; without it they price from the cache and the shipped table. */
  readonly pricing?: PricingClient;
}

/** Clients configured from the environment: region, credentials, AWS_ENDPOINT_URL. */
export function createAwsClients(): Required<AwsClients> {
  return {
    ec2: new EC2Client({}),
    cloudwatch: new CloudWatchClient({}),
    dynamodb: new DynamoDBClient({}),
    elbv2: new ElasticLoadBalancingV2Client({}),
    eventbridge: new EventBridgeClient({}),
    sns: new SNSClient({}),
    kms: new KMSClient({}),
    ssm: new SSMClient({}),
    // The Price List API answers in us-east-1 (and two other regions), whatever the fleets' region.
    pricing: new PricingClient({ region: 'us-east-1' }),
  };
}

export interface PortOptions {
  readonly config: FleetwardConfig;
  readonly tableName: string;
  readonly clients: AwsClients;
  /** Without it, notifications are only logged. */
  readonly topicArn?: string;
  /**
   * This deployment's owner identity, the fleetward:owner tag value of its instances. Default:
   * the table name, which is unique to the deployment too (the stack sets it explicitly).
   */
  readonly owner?: string;
  /** Replaces the topic (tests, the demo). */
  readonly notifier?: Notifier;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** The fleets' region, for their prices. Default: AWS_REGION, else us-east-1. */
  readonly region?: string;
}

/** HiGHS, loaded (its highs.wasm read) on the first step of a fleet with a mix, then kept. */
function lazySolver(): () => Promise<LinearSolver> {
  let loading: Promise<LinearSolver> | undefined;
  return () => (loading ??= import('../solver/highs-solver.ts').then((solver) => solver.loadHighsSolver()));
}

/** Prices and the solver for fleets with an exact mix. */
function mixPorts(options: PortOptions, table: TableClient): MixPorts {
  const { clients } = options;
  const unpriced = { onDemand: () => Promise.reject(new Error('no Price List client')), spot: () => Promise.reject(new Error('no Price List client')) };
  const feed = clients.pricing === undefined ? unpriced : new AwsPriceFeed(clients.pricing, clients.ec2);
  return { prices: { feed, cache: new DynamoPriceCache(table) }, region: options.region ?? process.env.AWS_REGION ?? 'us-east-1', solver: lazySolver() };
}

/** Every dependency of a control step but the run id, which is per invocation, and the orphan ledger. */
export function createPorts(options: PortOptions): Omit<StepDependencies, 'runId'> & { readonly orphans: OrphanLedger } {
  const { clients, config } = options;
  const log = options.logger ?? new Logger({ serviceName: 'fleetward' });
  const documents = DynamoDBDocumentClient.from(clients.dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  const table = new TableClient({ client: documents, tableName: options.tableName });
  const notifier: Notifier =
    options.notifier ??
    (options.topicArn !== undefined && clients.sns !== undefined
      ? new SnsNotifier(clients.sns, options.topicArn)
      : { notify: async (subject, message, details) => log.warn(subject, { message, ...details }) });
  const parameters = new SsmImageParameters(clients.ssm ?? new SSMClient({}));
  const clock: Clock = options.clock ?? { now: () => Date.now() };
  return {
    compute: new Ec2Compute(clients.ec2, clock),
    loadBalancer: new Elbv2Targets(clients.elbv2),
    metrics: new CloudWatchMetrics(clients.cloudwatch),
    ...dynamoState({ client: documents, tableName: options.tableName, decisionLogDays: config.decisionLogDays }),
    clock,
    notifier,
    events: new EventBridgePublisher(clients.eventbridge),
    images: {
      launches: new Ec2LaunchFacts(clients.ec2, parameters),
      rolls: new AwsRollSources(clients.ec2, clients.cloudwatch, parameters),
      alerts: new DynamoAlertLog(new TableClient({ client: documents, tableName: options.tableName })),
      verifier: new KmsVerifier(clients.kms ?? new KMSClient({})),
    },
    mix: mixPorts(options, table),
    log,
    owner: options.owner ?? options.tableName,
    deploymentFleets: config.fleets.length,
  };
}
