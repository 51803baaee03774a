/**
 * The Fleetward construct: the state table, the scale function and its least-privilege role, the
 * schedule that runs a control step for every fleet, the rules that run one at once when a
 * scale-out alarm fires or an instance fails, leaves or is at risk, the notification topic, and
 * the operations: alarms on fleetward itself and a dashboard.
 */
import { Annotations, Aws, Duration, RemovalPolicy, Stack, Token, Validations, type CfnElement } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUARANTINE_TAG } from '../functions/aws/quarantine-tag.ts';
import { EVENT_SOURCE } from '../functions/aws/eventbridge-publisher.ts';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../functions/aws/table-keys.ts';
import { ConfigError, validateConfig, type FleetwardConfig } from '../functions/core/config.ts';
import { FLEET_TAG, MAINTENANCE_TAG, OWNER_TAG } from '../functions/core/tags.ts';
import { DEPLOYED_CONFIG_FILE } from '../functions/handlers/config-file.ts';
import {
  CONCURRENCY_VARIABLE,
  CONFIG_FILE_VARIABLE,
  FLEETS_PER_SECOND_VARIABLE,
  ORPHAN_SCAN_MINUTES_VARIABLE,
  OWNER_VARIABLE,
  SCALE_FUNCTION_VARIABLE,
  SCHEDULE_MINUTES_VARIABLE,
} from '../functions/handlers/variables.ts';
import { SCALE_FUNCTION_TIMEOUT_SECONDS } from '../functions/control/step-timing.ts';
import { ALARM_NAME_PREFIX } from '../functions/handlers/events.ts';
import { FleetwardAlarms } from './alarms.ts';
import { FleetwardDashboard } from './dashboard.ts';
import { type Conditions, type FleetConditions, fleetConditions, IDENTITY_FLEET_NAMES_LIMIT, TARGET_GROUP_ARNS_LIMIT, targetGroupGrant } from './fleet-conditions.ts';
import { FUNCTION_DEFAULTS, type FunctionSettings, functionSettingsProblems } from './function-settings.ts';
import { newConfigLayer } from './config-layer.ts';
import { type DispatchProps, dispatchProblems } from './dispatch-settings.ts';
import { newScaleFunction } from './scale-code.ts';
import { topicKey } from './topic-key.ts';

/** The dispatcher only waits and invokes: the least memory that loads the bundle quickly. */
const DISPATCHER_MEMORY_MB = 256;

/** Lambda's limit on the size of a function's environment variables, measured as JSON. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/** The longest table name DynamoDB allows: the generated name is unknown until deployment. */
const TABLE_NAME_MAX_LENGTH = 255;
/** arn:<partition>:sns:<region>:<account>:<name>, with the longest partition, region and name. */
const TOPIC_ARN_MAX_LENGTH = 'arn:aws-iso-b:sns:us-isob-east-1:123456789012:'.length + 256;

/** What RunInstances creates: allowed only with the fleet tag in the request. */
const CREATED_BY_LAUNCH = ['instance', 'volume', 'network-interface'];
/** What RunInstances only references, chosen by the launch templates. */
const USED_BY_LAUNCH = ['security-group', 'image', 'launch-template', 'key-pair', 'placement-group'];
/** EC2 resource types whose ARNs have no account: AMIs and snapshots may belong to other accounts. */
const ACCOUNTLESS = new Set(['image', 'snapshot']);

/** EC2 instance states that mean an instance left service; the handler ignores the others. */
const LEAVING_STATES = ['stopping', 'stopped', 'shutting-down', 'terminated'];
/** Retries and age limit of every EventBridge rule target: a step is stale once the next is due. */
const RULE_TARGET = { retryAttempts: 2, maxEventAge: Duration.minutes(2) };
/** How long an undelivered or failed trigger stays in the dead-letter queue (SQS's longest). */
const DEAD_LETTER_RETENTION = Duration.days(14);

/** An event pattern with EventBridge's $or, which CDK's EventPattern type lacks but passes through. */
type EventPatternWithOr = events.EventPattern & { readonly $or: readonly Record<string, unknown>[] };

/** Why each EC2 resource type is granted on every resource of the type (cdk-nag AwsSolutions-IAM5). */
const WILDCARD_REASONS: Record<string, string> = {
  instance:
    'Instance IDs do not exist before RunInstances creates them. Launching needs a fleetward:fleet tag and the fleetward:owner tag of this deployment in the request (aws:RequestTag), and tagging at launch works only inside RunInstances (ec2:CreateAction). Every other action on an instance (terminate, stop, start, attaching interfaces and volumes, associating Elastic IPs, the quarantine and maintenance tag changes) needs a fleetward:fleet tag and the fleetward:owner tag of this deployment on it (ec2:ResourceTag), or, for a fleet with adoption.foreign manage, the tag of that fleet and no owner tag at all.',
  volume:
    `Volume IDs do not exist before RunInstances or CreateVolume creates them. Creating one needs the fleetward:fleet tag in the request (aws:RequestTag), tagging works only inside RunInstances and CreateVolume (ec2:CreateAction), and attaching or detaching one needs the fleetward:fleet tag of a configured fleet on the volume (ec2:ResourceTag), or beyond ${IDENTITY_FLEET_NAMES_LIMIT} fleets a fleet tag and the fleetward:owner tag of this deployment tag.`,
  'network-interface':
    `Network interface IDs do not exist before RunInstances creates them. Creating one needs the fleetward:fleet tag in the request (aws:RequestTag), tagging works only inside RunInstances (ec2:CreateAction), and attaching, detaching or associating an Elastic IP needs the fleetward:fleet tag of a configured fleet on the interface (ec2:ResourceTag), or beyond ${IDENTITY_FLEET_NAMES_LIMIT} fleets a fleet tag and the fleetward:owner tag of this deployment.`,
  'elastic-ip':
    `A failover moves the Elastic IPs of a failed instance to its replacement; which addresses a fleet uses changes without a redeploy. AssociateAddress needs the fleetward:fleet tag of a configured fleet on the address (ec2:ResourceTag), or beyond ${IDENTITY_FLEET_NAMES_LIMIT} fleets a fleet tag and the fleetward:owner tag of this deployment.`,
  snapshot:
    `CreateVolume only reads the snapshot it restores a fleet's data volume from, the latest of that volume, whose ID is known only at failover; the new volume must carry the fleetward:fleet tag of a configured fleet (aws:RequestTag), or beyond ${IDENTITY_FLEET_NAMES_LIMIT} fleets a fleet tag and this deployment's fleetward:owner tag.`,
  'security-group':
    "RunInstances only attaches the security groups named in a fleet's launch template and never changes them; launch template versions change without a redeploy.",
  image:
    "RunInstances only reads the AMI named in a fleet's launch template, which may belong to another account and changes with each new launch template version.",
  'launch-template':
    'RunInstances only reads the launch templates; the config may name them by name, and IAM resource ARNs of launch templates use IDs.',
  'key-pair': "RunInstances only references the key pair named in a fleet's launch template and never changes it.",
  'placement-group':
    "RunInstances only places instances in the placement group named in a fleet's launch template and never changes it.",
};

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
/** What an EC2 tag value may hold, at most 256 characters. */
const OWNER_VALUE = /^[\w .:/=+@-]{1,256}$/;

/** Properties of the Fleetward construct. */
export interface FleetwardProps extends FunctionSettings {
  /**
   * The fleets to manage, validated (see `loadConfig`). The functions read it from a file in a
   * Lambda layer, so its size does not count against Lambda's 4 KB environment limit.
   */
  readonly config: FleetwardConfig;

  /**
   * How the dispatcher spreads each schedule tick over the fleets (see docs/scale.md).
   * @default - 3 fleets a second, 10 invocations in flight
   */
  readonly dispatch?: DispatchProps;

  /**
   * How often the schedule runs a control step for every fleet; whole minutes.
   * @default Duration.minutes(1)
   */
  readonly scheduleRate?: Duration;

  /**
   * ARNs of the IAM roles the fleets' launch templates give their instances (through an
   * instance profile). The function may pass exactly these roles, and only to EC2.
   * @default - none: the launch templates must not name an instance profile
   */
  readonly instanceRoleArns?: string[];

  /**
   * This deployment's owner identity: the fleetward:owner tag of every instance it launches. An
   * instance of a fleet with another owner's tag is never adopted, counted or touched, and the IAM
   * policy lets the function stop or terminate only instances with this value. Set it to keep
   * the instances of a deployment whose table was replaced.
   * @default - the state table's name (unique to the deployment; the CLI uses it by default too)
   */
  readonly owner?: string;

  /**
   * ARNs of IAM roles (instance roles, CI roles, operators' roles) that must never set or remove
   * fleetward:* tags: the stack attaches to each a managed policy that denies it. Without such a
   * guard (or the service control policy of docs/deployment.md), anyone who can tag an instance
   * can take it into or out of a fleet.
   * @default - none
   */
  readonly tagGuardRoleArns?: string[];

  /**
   * What happens to the state table when it leaves the stack. RETAIN keeps deletion protection
   * on; DESTROY turns it off so that deleting the stack can delete the table. Only for the table
   * the construct creates: with `table`, giving it is an error.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * An existing state table to use instead of creating one: string keys `pk` (partition) and
   * `sk` (sort), with time to live on `expiresAt`. Its removal policy, backups and encryption
   * are its own. The owner identity defaults to its name, as with the table the construct creates.
   * @default - a new on-demand table with point-in-time recovery, retained with the stack
   */
  readonly table?: dynamodb.ITable;

  /**
   * How long the scale function's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Whether fleetward's alarms (and the dead-letter alarm) publish to the notification topic. That
   * needs a customer managed KMS key for the topic, about $1 a month: CloudWatch cannot publish to
   * a topic under the AWS managed key. Off, the topic keeps the free AWS managed key and the
   * alarms have no actions (the dashboard still shows them).
   * @default true
   */
  readonly alarmNotifications?: boolean;
}

/** fleetward: a serverless autoscaler for the EC2 fleets described by a config. */
export class Fleetward extends Construct {
  /** The single table holding fleet status, instance records, leases, actions and decisions (the `table` prop's, if given). */
  readonly table: dynamodb.ITable;
  /** Runs one control step per fleet, on the schedule or on a scale-out alarm. */
  readonly scaleFunction: lambda.Function;
  /** Takes the schedule's tick and invokes the scale function once per fleet, spread over the tick. */
  readonly dispatchFunction: lambda.Function;
  /** The validated config, as a file both functions read (/opt/fleetward/config.json). */
  readonly configLayer: lambda.LayerVersion;
  /** Where the scale function's logs go. */
  readonly logGroup: logs.LogGroup;
  /** Notifications about actions and failures (launch failures, refused images). */
  readonly topic: sns.Topic;
  /** Invokes the scale function every `scheduleRate`. */
  readonly schedule: scheduler.Schedule;
  /** Invokes the scale function when a scale-out alarm of a fleet goes into ALARM. */
  readonly alarmRule: events.Rule;
  /**
   * Invokes the scale function when an instance is stopping, stopped, shutting down or terminated,
   * gets a Spot interruption warning or a rebalance recommendation.
   */
  readonly instanceEventRule: events.Rule;
  /** Invokes the scale function on AWS Health events about EC2 (scheduled retirements, maintenance). */
  readonly healthEventRule: events.Rule;
  /** Invokes the scale function when an alarm on a StatusCheckFailed* metric goes into ALARM. */
  readonly statusCheckAlarmRule: events.Rule;
  /** The fleetward:owner value of this deployment's instances (a token when it is the table name). */
  readonly owner: string;
  /**
   * Triggers that never ran a step: asynchronous invocations that failed or aged out, and events
   * the rules or the schedule could not deliver. Encrypted (SSE-SQS, which EventBridge can write to).
   */
  readonly deadLetterQueue: sqs.Queue;
  /** In ALARM while the dead-letter queue holds a message; publishes to the topic with alarm notifications on. */
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** Alarms on failed steps and events, the function's errors and throttles, and each fleet's repeated launch failures. */
  readonly alarms: FleetwardAlarms;
  /** fleetward's errors and alarms, then a row per fleet. */
  readonly dashboard: FleetwardDashboard;

  /** The validated config. */
  private readonly config: FleetwardConfig;
  /** Every permission a control step needs, as granted to the scale function's role. */
  private readonly stepPermissions: iam.PolicyStatementProps[] = [];

  constructor(scope: Construct, id: string, props: FleetwardProps) {
    super(scope, id);
    const config = validateProps(props);
    this.config = config;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.table = props.table ?? new dynamodb.Table(this, 'Table', {
      partitionKey: { name: PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: removalPolicy !== RemovalPolicy.DESTROY,
      removalPolicy,
    });
    this.owner = props.owner ?? this.table.tableName;

    const alarmNotifications = props.alarmNotifications ?? true;
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'fleetward',
      enforceSSL: true,
      masterKey: topicKey(this, alarmNotifications),
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'fleetward: a trigger of the scale function failed or was not delivered (see the dead-letter queue)',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const ruleTarget = { ...RULE_TARGET, deadLetterQueue: this.deadLetterQueue };

    this.logGroup = new logs.LogGroup(this, 'ScaleFunctionLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });

    const role = new iam.Role(this, 'ScaleFunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'fleetward scale function: acts only on EC2 instances tagged with their fleet',
    });

    this.configLayer = newConfigLayer(this, 'ConfigLayer', config);
    this.scaleFunction = newScaleFunction(this, 'ScaleFunction', 'handler', {
      description: 'fleetward: one control step per fleet (observe, decide, act, record)',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: props.architecture ?? FUNCTION_DEFAULTS.architecture,
      memorySize: props.memorySize ?? FUNCTION_DEFAULTS.memorySize,
      timeout: props.timeout ?? FUNCTION_DEFAULTS.timeout,
      role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      layers: [this.configLayer],
      environment: {
        ...props.environment,
        ...FIXED_ENVIRONMENT,
        FLEETWARD_TABLE_NAME: this.table.tableName,
        FLEETWARD_TOPIC_ARN: this.topic.topicArn,
        [OWNER_VARIABLE]: this.owner,
      },
      // A step is stale once the next one is due: no delayed retries of asynchronous invocations.
      retryAttempts: 0,
      maxEventAge: Duration.minutes(2),
      deadLetterQueue: this.deadLetterQueue,
    });

    this.grantScaleFunction(role, config, props.instanceRoleArns ?? []);
    this.grantImageSources(role, config);
    this.guardTags(props.tagGuardRoleArns ?? []);
    this.dispatchFunction = this.newDispatcher(props);

    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: 'fleetward schedule: invokes the dispatcher',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Aws.ACCOUNT_ID,
            'aws:SourceArn': Stack.of(this).formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
            }),
          },
        },
      }),
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'fleetward: a control step for every fleet, spread by the dispatcher',
      schedule: scheduler.ScheduleExpression.rate(props.scheduleRate ?? Duration.minutes(1)),
      timeWindow: scheduler.TimeWindow.off(),
      target: new schedulerTargets.LambdaInvoke(this.dispatchFunction, {
        role: schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject({
          source: 'fleetward.schedule',
          executionId: scheduler.ContextAttribute.executionId,
          scheduledTime: scheduler.ContextAttribute.scheduledTime,
        }),
        retryAttempts: 2,
        maxEventAge: Duration.minutes(2),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });

    const alarmNames = [...new Set(config.fleets.flatMap((fleet) => fleet.scaling.scaleOutAlarms))];
    this.alarmRule = new events.Rule(this, 'AlarmRule', {
      description: 'fleetward: a control step at once when a scale-out alarm goes into ALARM',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        detail: {
          state: { value: ['ALARM'] },
          alarmName: [...alarmNames, { prefix: ALARM_NAME_PREFIX }],
        },
      },
      targets: [new eventsTargets.LambdaFunction(this.scaleFunction, ruleTarget)],
    });

    // State changes matter only when an instance leaves service; the warnings always do.
    const instanceEvents: EventPatternWithOr = {
      source: ['aws.ec2'],
      $or: [
        { 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: LEAVING_STATES } },
        { 'detail-type': ['EC2 Spot Instance Interruption Warning', 'EC2 Instance Rebalance Recommendation'] },
      ],
    };
    this.instanceEventRule = new events.Rule(this, 'InstanceEventRule', {
      description: 'fleetward: a control step when an instance leaves service or is about to',
      eventPattern: instanceEvents,
      targets: [new eventsTargets.LambdaFunction(this.scaleFunction, ruleTarget)],
    });
    this.healthEventRule = new events.Rule(this, 'HealthEventRule', {
      description: 'fleetward: a control step on AWS Health events about EC2',
      eventPattern: { source: ['aws.health'], detailType: ['AWS Health Event'], detail: { service: ['EC2'] } },
      targets: [new eventsTargets.LambdaFunction(this.scaleFunction, ruleTarget)],
    });
    this.statusCheckAlarmRule = new events.Rule(this, 'StatusCheckAlarmRule', {
      description: 'fleetward: a control step when a status check alarm goes into ALARM',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        detail: {
          state: { value: ['ALARM'] },
          configuration: { metrics: { metricStat: { metric: { name: [{ prefix: 'StatusCheckFailed' }] } } } },
        },
      },
      targets: [new eventsTargets.LambdaFunction(this.scaleFunction, ruleTarget)],
    });

    const fleetNames = config.fleets.map((fleet) => fleet.name);
    this.alarms = new FleetwardAlarms(this, 'Alarms', { fleets: fleetNames, scaleFunction: this.scaleFunction, dispatchFunction: this.dispatchFunction });
    const alarms = [...this.alarms.all, this.deadLetterAlarm];
    if (alarmNotifications) for (const alarm of alarms) alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.topic));
    this.dashboard = new FleetwardDashboard(this, 'Dashboard', { fleets: fleetNames, scaleFunction: this.scaleFunction, deadLetterQueue: this.deadLetterQueue, alarms });

    this.acknowledgeNagFindings(role, schedulerRole);
  }

  /**
   * The dispatcher: the schedule's target, with the scale function's code and config. It may
   * invoke only the scale function, describe instances (the tick's orphan scan), use the table
   * (the tick's record, the orphan ledger) and publish to the topic.
   */
  private newDispatcher(props: FleetwardProps): lambda.Function {
    const role = new iam.Role(this, 'DispatchFunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'fleetward dispatcher: invokes the scale function once per fleet',
    });
    const logGroup = new logs.LogGroup(this, 'DispatchFunctionLogs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    const pace = props.dispatch ?? {};
    const fn = newScaleFunction(this, 'DispatchFunction', 'dispatch', {
      description: 'fleetward: spreads each schedule tick over the fleets (one scale function invocation per fleet)',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: props.architecture ?? FUNCTION_DEFAULTS.architecture,
      memorySize: DISPATCHER_MEMORY_MB,
      timeout: Duration.seconds(SCALE_FUNCTION_TIMEOUT_SECONDS),
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      layers: [this.configLayer],
      environment: {
        ...FIXED_ENVIRONMENT,
        FLEETWARD_TABLE_NAME: this.table.tableName,
        FLEETWARD_TOPIC_ARN: this.topic.topicArn,
        [OWNER_VARIABLE]: this.owner,
        [SCALE_FUNCTION_VARIABLE]: this.scaleFunction.functionName,
        ...(pace.fleetsPerSecond === undefined ? {} : { [FLEETS_PER_SECOND_VARIABLE]: String(pace.fleetsPerSecond) }),
        ...(pace.concurrency === undefined ? {} : { [CONCURRENCY_VARIABLE]: String(pace.concurrency) }),
        ...(pace.orphanScanMinutes === undefined ? {} : { [ORPHAN_SCAN_MINUTES_VARIABLE]: String(pace.orphanScanMinutes) }),
        ...(props.scheduleRate === undefined ? {} : { [SCHEDULE_MINUTES_VARIABLE]: String(props.scheduleRate.toMinutes()) }),
      },
      retryAttempts: 0,
      maxEventAge: Duration.minutes(2),
      deadLetterQueue: this.deadLetterQueue,
    });
    role.addToPolicy(new iam.PolicyStatement({ sid: 'LogsToOwnGroup', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ScanForOrphans', actions: ['ec2:DescribeInstances'], resources: ['*'] }));
    role.addToPolicy(new iam.PolicyStatement({ sid: 'PublishNotifications', actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    if (this.topic.masterKey instanceof kms.Key) this.topic.masterKey.grant(role, 'kms:Decrypt', 'kms:GenerateDataKey');
    this.table.grantReadWriteData(role);
    this.scaleFunction.grantInvoke(role);
    return fn;
  }

  /** Lets a principal (an operator tool, a CI job) read and write fleetward's state table. */
  grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return this.table.grantReadWriteData(grantee);
  }

  /**
   * The image gate's and the rolls' keys and parameters, each only as the config names them:
   * kms:Verify on the approval signature keys, ssm:GetParameter(s) on the image parameters (the
   * public /aws/service/ ones are AWS's, in no account).
   */
  private grantImageSources(role: iam.Role, config: FleetwardConfig): void {
    const keys = [...new Set(config.fleets.flatMap((fleet) => fleet.images?.signature?.kmsKeyArn ?? []))];
    if (keys.length > 0) this.allowStep(role, { sid: 'VerifyImageApprovalsWithConfiguredKeys', actions: ['kms:Verify'], resources: keys });
    const names = new Set(config.fleets.flatMap((fleet) => [...(fleet.images?.imageParameters ?? []), fleet.images?.roll?.source?.ssmParameter ?? []].flat()));
    const parameterArn = (name: string) => {
      const path = name.replace(/^\//, '');
      return Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: path, ...(path.startsWith('aws/service/') ? { account: '' } : {}) });
    };
    if (names.size > 0) {
      this.allowStep(role, { sid: 'ReadImageParametersTheConfigNames', actions: ['ssm:GetParameter', 'ssm:GetParameters'], resources: [...names].map(parameterArn) });
    }
  }

  /**
   * What `fleetward status`, `history` and `plan` need: reading the state table, and the
   * read-only calls a step observes the fleets with (EC2 and ELB describes, CloudWatch metric
   * data), which have no resource-level permissions and are granted on "*".
   */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    const observe = iam.Grant.addToPrincipal({ grantee, actions: observeActions(this.config), resourceArns: ['*'] });
    return this.table.grantReadData(grantee).combine(observe);
  }

  /**
   * What every CLI command needs, the changing ones (drain, maintenance, continue, heartbeat,
   * cancel, evacuate, pause, resume) included: they write an operator request to the table and run
   * one control step for the fleet at once, under the caller's credentials. So the grantee gets
   * the table's reads and writes and every permission of a step, with the scale function's
   * conditions (fleet and owner tags, the configured subnets and target groups), but not its log
   * group or dead-letter queue. A principal without it can still queue requests with `--no-step`
   * given `grantReadWrite`; the next scheduled step applies them.
   */
  grantOperate(grantee: iam.IGrantable): iam.Grant {
    let grant = this.table.grantReadWriteData(grantee);
    for (const statement of this.stepPermissions) {
      grant = grant.combine(
        iam.Grant.addToPrincipal({
          grantee,
          actions: statement.actions ?? [],
          resourceArns: statement.resources ?? [],
          ...(statement.conditions === undefined ? {} : { conditions: statement.conditions }),
        }),
      );
    }
    if (this.topic.masterKey instanceof kms.Key) grant = grant.combine(this.topic.masterKey.grant(grantee, 'kms:Decrypt', 'kms:GenerateDataKey'));
    return grant;
  }

  /** Adds a permission of a control step to the scale function's role, and keeps it for grantOperate. */
  private allowStep(role: iam.Role, statement: iam.PolicyStatementProps): void {
    this.stepPermissions.push(statement);
    role.addToPolicy(new iam.PolicyStatement(statement));
  }

  private grantScaleFunction(role: iam.Role, config: FleetwardConfig, instanceRoleArns: string[]): void {
    const conditions = this.fleetConditions(config);
    const created = CREATED_BY_LAUNCH.map((resource) => ec2Arn(resource));
    // The subnets and target groups are known now: fleetward can only use what the config names.
    const subnets = [...new Set(config.fleets.flatMap((fleet) => fleet.subnets))].map((subnet) => ec2Arn('subnet', subnet));
    const targetGroups = [...new Set(config.fleets.flatMap((fleet) => fleet.targetGroups))];
    const allow = (statement: iam.PolicyStatementProps) => this.allowStep(role, statement);
    const launchesSpot = config.fleets.some((fleet) => (fleet.mix?.maxSpotShare ?? 0) > 0);

    role.addToPolicy(
      new iam.PolicyStatement({ sid: 'LogsToOwnGroup', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );
    allow({
      sid: 'LaunchOnlyTaggedWithFleet',
      actions: ['ec2:RunInstances'],
      resources: created,
      conditions: conditions.launchRequest,
    });
    allow({
      sid: 'LaunchUsingExisting',
      actions: ['ec2:RunInstances'],
      // A mix's Spot launch also creates a one-time Spot request, which RunInstances does not tag.
      resources: [...subnets, ...USED_BY_LAUNCH.map((resource) => ec2Arn(resource)), ...(launchesSpot ? [ec2Arn('spot-instances-request')] : [])],
    });
    // EC2 creates its Spot service-linked role at an account's first Spot launch, as the caller.
    if (launchesSpot) {
      allow({
        sid: 'CreateOnlyTheSpotServiceLinkedRole',
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [`arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot`],
        conditions: { StringLike: { 'iam:AWSServiceName': 'spot.amazonaws.com' } },
      });
    }
    allow({
      sid: 'TagOnlyWhenCreating',
      actions: ['ec2:CreateTags'],
      resources: created,
      conditions: { StringEquals: { 'ec2:CreateAction': ['RunInstances', 'CreateVolume'] } },
    });
    this.grantOnInstances(role, config, conditions.onOwnInstances);
    allow({
      sid: 'MoveElasticIpsOnlyOfFleet',
      actions: ['ec2:AssociateAddress'],
      resources: [ec2Arn('elastic-ip'), ec2Arn('network-interface')],
      conditions: conditions.onIdentity,
    });
    allow({
      sid: 'MoveNetworkInterfacesOnlyOfFleet',
      actions: ['ec2:AttachNetworkInterface', 'ec2:DetachNetworkInterface'],
      resources: [ec2Arn('network-interface')],
      conditions: conditions.onIdentity,
    });
    allow({
      sid: 'MoveVolumesOnlyOfFleet',
      actions: ['ec2:AttachVolume', 'ec2:DetachVolume'],
      resources: [ec2Arn('volume')],
      conditions: conditions.onIdentity,
    });
    allow({
      sid: 'RestoreVolumesOnlyTaggedWithFleet',
      actions: ['ec2:CreateVolume'],
      resources: [ec2Arn('volume')],
      conditions: conditions.restoreRequest,
    });
    allow({
      sid: 'RestoreVolumesFromSnapshots',
      actions: ['ec2:CreateVolume'],
      resources: [ec2Arn('snapshot')],
    });
    allow({
      sid: 'ReadOnlyWithoutResourceLevelPermissions',
      actions: observeActions(config),
      resources: ['*'],
    });
    if (targetGroups.length > 0) this.grantOnTargetGroups(role, targetGroups);
    allow({
      sid: 'PublishOnlyFleetwardEventsToDefaultBus',
      actions: ['events:PutEvents'],
      resources: [Stack.of(this).formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
      conditions: { StringEquals: { 'events:source': EVENT_SOURCE } },
    });
    if (instanceRoleArns.length > 0) {
      allow({
        sid: 'PassInstanceRolesToEc2',
        actions: ['iam:PassRole'],
        resources: instanceRoleArns,
        conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      });
    }
    this.table.grantReadWriteData(role);
    allow({ sid: 'PublishNotifications', actions: ['sns:Publish'], resources: [this.topic.topicArn] });
    // Publishing to a topic under a customer managed key needs the key too; the AWS managed key's policy allows it.
    if (this.topic.masterKey instanceof kms.Key) this.topic.masterKey.grant(role, 'kms:Decrypt', 'kms:GenerateDataKey');
  }

  /** RegisterTargets and DeregisterTargets only in the configured target groups, or beyond the limit in those with the owner tag. */
  private grantOnTargetGroups(role: iam.Role, targetGroups: string[]): void {
    const anyTargetGroup = Stack.of(this).formatArn({ service: 'elasticloadbalancing', resource: 'targetgroup', resourceName: '*' });
    const grant = targetGroupGrant(targetGroups, anyTargetGroup, this.owner);
    this.allowStep(role, {
      sid: 'RegisterOnlyInFleetTargetGroups',
      actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
      resources: grant.resources,
      ...(grant.conditions === undefined ? {} : { conditions: grant.conditions }),
    });
    if (!grant.byOwnerTag) return;
    Annotations.of(this).addWarningV2(
      'fleetward:iam:targetGroupsByOwnerTag',
      `${targetGroups.length} target groups: fleetward registers instances only in target groups tagged ${OWNER_TAG} with this deployment's owner, instead of listing their ARNs (at most ${TARGET_GROUP_ARNS_LIMIT}), to keep the role's policy within IAM's size limits: tag them (docs/deployment.md)`,
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:elasticloadbalancing:<AWS::Region>:<AWS::AccountId>:targetgroup/*]',
      reason: `With more than ${TARGET_GROUP_ARNS_LIMIT} target groups their ARNs would pass IAM's policy size; RegisterTargets and DeregisterTargets need the ${OWNER_TAG} tag of this deployment on the target group (aws:ResourceTag).`,
    });
  }

  /** The tag conditions of the EC2 statements; beyond the limit, warns that identity resources need the owner tag. */
  private fleetConditions(config: FleetwardConfig): FleetConditions {
    const conditions = fleetConditions(config.fleets.map((fleet) => fleet.name), this.owner);
    if (conditions.identityProof === 'owner tag') {
      Annotations.of(this).addWarningV2(
        'fleetward:iam:identityByOwnerTag',
        `${config.fleets.length} fleets: failover moves only Elastic IPs, network interfaces and volumes tagged ${OWNER_TAG} with this deployment's owner (and a ${FLEET_TAG} tag), instead of listing every fleet name (at most ${IDENTITY_FLEET_NAMES_LIMIT}), to keep the role's policy within IAM's size limits: tag the ones you tagged yourself (docs/deployment.md)`,
      );
    }
    return conditions;
  }

  /**
   * Every mutating action on an instance: only on instances with a fleet tag that carry this
   * deployment's owner tag, and, for fleets with adoption.foreign manage, on their instances
   * that carry no owner tag at all (never another deployment's).
   */
  private grantOnInstances(role: iam.Role, config: FleetwardConfig, onOwnInstances: Conditions): void {
    const fleetTag = `ec2:ResourceTag/${FLEET_TAG}`;
    const ownerTag = `ec2:ResourceTag/${OWNER_TAG}`;
    const managedForeign = config.fleets.filter((fleet) => fleet.adoption?.foreign === 'manage').map((fleet) => fleet.name);
    const scopes: Array<{ suffix: string; on: Conditions }> = [
      { suffix: '', on: onOwnInstances },
      ...(managedForeign.length > 0 ? [{ suffix: 'AdoptedForeign', on: { StringEquals: { [fleetTag]: managedForeign }, Null: { [ownerTag]: 'true' } } }] : []),
    ];
    /** Only the named tag keys; the Null check refuses a request naming none (DeleteTags would delete all). */
    const onlyTagKeys = (keys: string[], on: Conditions): Conditions => ({
      ...on,
      'ForAllValues:StringEquals': { 'aws:TagKeys': keys },
      Null: { ...on.Null, 'aws:TagKeys': 'false' },
    });
    for (const { suffix, on } of scopes) {
      const allow = (sid: string, actions: string[], conditions: Conditions) =>
        this.allowStep(role, { sid: `${sid}${suffix}`, actions, resources: [ec2Arn('instance')], conditions });
      allow('LifecycleOnlyOfOwnFleetInstances', ['ec2:TerminateInstances', 'ec2:StopInstances', 'ec2:StartInstances', 'ec2:ModifyInstanceAttribute'], on);
      allow(
        'MoveIdentityOnlyToOwnFleetInstances',
        ['ec2:AssociateAddress', 'ec2:AttachNetworkInterface', 'ec2:DetachNetworkInterface', 'ec2:AttachVolume', 'ec2:DetachVolume'],
        on,
      );
      allow('QuarantineAndMaintenanceTagsOnlyOnOwnFleetInstances', ['ec2:CreateTags'], onlyTagKeys([QUARANTINE_TAG, MAINTENANCE_TAG], on));
      allow('RemoveOnlyFleetAndMaintenanceTagsOfOwnFleetInstances', ['ec2:DeleteTags'], onlyTagKeys([FLEET_TAG, MAINTENANCE_TAG], on));
    }
  }

  /** A managed policy on each given role that denies setting or removing any fleetward:* tag. */
  private guardTags(roleArns: string[]): void {
    if (roleArns.length === 0) return;
    new iam.ManagedPolicy(this, 'TagGuard', {
      description: 'fleetward: these principals may not set or remove fleetward:* tags (they decide what fleetward may terminate)',
      roles: roleArns.map((arn, index) => iam.Role.fromRoleArn(this, `TagGuardRole${index}`, arn, { mutable: false })),
      statements: [
        new iam.PolicyStatement({
          sid: 'NoFleetwardTags',
          effect: iam.Effect.DENY,
          actions: ['ec2:CreateTags', 'ec2:DeleteTags'],
          resources: ['*'],
          conditions: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['fleetward:*'] } },
        }),
        new iam.PolicyStatement({
          sid: 'NoDeletingAllTags',
          effect: iam.Effect.DENY,
          actions: ['ec2:DeleteTags'],
          resources: ['*'],
          conditions: { Null: { 'aws:TagKeys': 'true' } },
        }),
      ],
    });
  }

  /** Each acknowledgement names one exact cdk-nag finding and says why it is acceptable. */
  private acknowledgeNagFindings(role: iam.Role, schedulerRole: iam.Role): void {
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'The ec2:Describe* actions, cloudwatch:GetMetricData and (with target groups) elasticloadbalancing:DescribeTargetHealth granted on "*" have no resource-level permissions: IAM accepts only "*" for them. They are read-only.',
      },
      ...Object.entries(WILDCARD_REASONS).map(([resource, reason]) => ({ id: ec2WildcardFinding(resource), reason })),
    );
    const logicalId = (fn: lambda.Function) => Stack.of(this).getLogicalId(fn.node.defaultChild as CfnElement);
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId(this.dispatchFunction)}.Arn>:*]`,
      reason:
        'lambda:InvokeFunction on the dispatcher and its versions (ARN:*), as grantInvoke writes it; the role can invoke no other function.',
    });
    const dispatchRole = this.dispatchFunction.role;
    if (dispatchRole === undefined) return;
    Validations.of(dispatchRole).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${logicalId(this.scaleFunction)}.Arn>:*]`,
        reason: 'lambda:InvokeFunction on the scale function and its versions (ARN:*), as grantInvoke writes it; the dispatcher can invoke no other function.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ec2:DescribeInstances (the orphan scan) has no resource-level permissions: IAM accepts only "*" for it. It is read-only.',
      },
    );
  }
}

/**
 * The ARN of EC2 resources of one type in this account and region, written with the pseudo
 * parameters so that the policy (and the cdk-nag finding naming it) is the same in every stack.
 * Images and snapshots belong to other accounts too: their ARNs have no account.
 */
function ec2Arn(resource: string, name = '*'): string {
  const account = ACCOUNTLESS.has(resource) ? '' : Aws.ACCOUNT_ID;
  return `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${account}:${resource}/${name}`;
}

/** How cdk-nag names a wildcard resource of ec2Arn in an AwsSolutions-IAM5 finding. */
function ec2WildcardFinding(resource: string): string {
  const account = ACCOUNTLESS.has(resource) ? '' : '<AWS::AccountId>';
  return `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:${account}:${resource}/*]`;
}

/** The scale function's environment variables that fleetward sets: the `environment` prop may not replace them. */
const FLEETWARD_VARIABLES = [
  CONFIG_FILE_VARIABLE,
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'NODE_OPTIONS',
  'FLEETWARD_TABLE_NAME',
  'FLEETWARD_TOPIC_ARN',
  OWNER_VARIABLE,
];

/** The read-only calls of a step, which have no resource-level permissions (IAM accepts only "*"). */
function observeActions(config: FleetwardConfig): string[] {
  const hasTargetGroups = config.fleets.some((fleet) => fleet.targetGroups.length > 0);
  return [
    'ec2:DescribeInstances',
    'ec2:DescribeInstanceStatus',
    'ec2:DescribeSubnets',
    'ec2:DescribeLaunchTemplates',
    'ec2:DescribeLaunchTemplateVersions',
    'ec2:DescribeImages',
    'ec2:DescribeInstanceTypes',
    'ec2:DescribeAddresses',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeVolumes',
    'ec2:DescribeSnapshots',
    'cloudwatch:GetMetricData',
    // RegisterTargets also needs the caller to be allowed these EC2 reads (ELB API permissions).
    ...(hasTargetGroups ? ['elasticloadbalancing:DescribeTargetHealth', 'ec2:DescribeVpcs', 'ec2:DescribeInternetGateways'] : []),
    // The image gate reads the account's Allowed AMIs setting and EBS encryption by default.
    ...(config.fleets.some((fleet) => fleet.images !== undefined) ? ['ec2:GetAllowedImagesSettings', 'ec2:GetEbsEncryptionByDefault'] : []),
    // The exact mix reads on-demand prices (Price List API) and Spot price history.
    ...(config.fleets.some((fleet) => fleet.mix !== undefined) ? ['pricing:GetProducts', 'ec2:DescribeSpotPriceHistory'] : []),
    // ... and the open capacity reservations it uses first, when a fleet's mix may use them.
    ...(config.fleets.some((fleet) => fleet.mix?.useReservations === true) ? ['ec2:DescribeCapacityReservations'] : []),
    // A roll reads its alarm's state.
    ...(config.fleets.some((fleet) => fleet.images?.roll?.alarm !== undefined) ? ['cloudwatch:DescribeAlarms'] : []),
  ];
}

/** The environment variables known at synth time, the same for any config; the table name and topic ARN are added later. */
const FIXED_ENVIRONMENT: Readonly<Record<string, string>> = {
  [CONFIG_FILE_VARIABLE]: DEPLOYED_CONFIG_FILE,
  POWERTOOLS_SERVICE_NAME: 'fleetward',
  POWERTOOLS_METRICS_NAMESPACE: 'fleetward',
  NODE_OPTIONS: '--enable-source-maps',
};

/** The size Lambda counts, with the names CloudFormation generates at their longest. */
function environmentSize(props: FleetwardProps): number {
  const owner = props.owner === undefined || Token.isUnresolved(props.owner) ? undefined : props.owner;
  const environment = {
    ...props.environment,
    ...FIXED_ENVIRONMENT,
    FLEETWARD_TABLE_NAME: 'x'.repeat(TABLE_NAME_MAX_LENGTH),
    FLEETWARD_TOPIC_ARN: 'x'.repeat(TOPIC_ARN_MAX_LENGTH),
    [OWNER_VARIABLE]: owner ?? 'x'.repeat(TABLE_NAME_MAX_LENGTH),
  };
  return Buffer.byteLength(JSON.stringify(environment), 'utf8');
}

/** Checks every prop, then throws one error listing every problem. */
function validateProps(props: FleetwardProps): FleetwardConfig {
  const problems: string[] = [];
  let config: FleetwardConfig | undefined;
  try {
    config = validateConfig(props.config, 'config');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems.map((problem) => `config: ${problem}`));
  }
  const size = environmentSize(props);
  if (size > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
    problems.push(
      `environment: too large for the scale function: the variables would take up to ${size} bytes, ` +
        `over Lambda's limit of ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes; shorten the extra environment`,
    );
  }
  const rate = props.scheduleRate;
  if (rate !== undefined && !rate.isUnresolved()) {
    const seconds = rate.toSeconds({ integral: false });
    if (seconds < 60 || seconds % 60 !== 0) {
      problems.push(`scheduleRate: must be a whole number of minutes, at least 1, got ${rate.toHumanString()}`);
    }
  }
  for (const prop of ['instanceRoleArns', 'tagGuardRoleArns'] as const) {
    (props[prop] ?? []).forEach((arn, index) => {
      if (!Token.isUnresolved(arn) && !ROLE_ARN.test(arn)) problems.push(`${prop}[${index}]: must be the ARN of one IAM role (no wildcards), got ${arn}`);
    });
  }
  if (props.owner !== undefined && !Token.isUnresolved(props.owner) && !OWNER_VALUE.test(props.owner)) {
    problems.push(`owner: must be 1-256 characters of letters, digits, spaces and _ . : / = + - @ (an EC2 tag value), got ${JSON.stringify(props.owner)}`);
  }
  if (props.table !== undefined && props.removalPolicy !== undefined) {
    problems.push('removalPolicy: applies only to the table Fleetward creates; the table given as `table` keeps its own');
  }
  problems.push(...functionSettingsProblems(props, FLEETWARD_VARIABLES));
  problems.push(...dispatchProblems(props.dispatch ?? {}));
  if (problems.length > 0 || config === undefined) {
    throw new ConfigError('Fleetward props', problems, 'Fleetward props are');
  }
  return config;
}
