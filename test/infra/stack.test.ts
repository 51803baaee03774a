// The resources of the fleetward stack and the IAM policy of its scale function, from the template.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { FleetwardStack } from '../../lib/fleetward-stack.ts';
import {
  arnText,
  asList,
  configInLayer,
  exampleConfig,
  newApp,
  policyStatements,
  synthesize,
  tableOwner,
  twoFleetConfig,
  type Statement,
} from './synth.ts';

const synthesized = synthesize();
const { template } = synthesized;
const statements = policyStatements(template);
const owner = tableOwner(template);

const statementsWith = (action: string, list: Statement[] = statements) =>
  list.filter((statement) => asList(statement.Action).includes(action));
const resourcesOf = (statement: Statement) => asList(statement.Resource).map(arnText);
const ec2 = (resource: string) => `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:${resource}`;

describe('the state table', () => {
  it('is one on-demand table keyed pk/sk with TTL, PITR and encryption', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('is retained by default and deletable when asked', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const destroyed = synthesize({ removalPolicy: RemovalPolicy.DESTROY }).template;
    destroyed.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });
});

describe('the scale function', () => {
  it('runs the latest Node.js on arm64 with 512 MB, 60 s, JSON logs and no reserved concurrency', () => {
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 60,
      ReservedConcurrentExecutions: Match.absent(),
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('ScaleFunctionLogs') } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('receives the table, the topic and the config file in its environment, the validated config in its layer', () => {
    const functions = template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } });
    const [fn] = Object.values(functions) as { Properties: { Environment: { Variables: Record<string, unknown> }; Layers: unknown[] } }[];
    const variables = fn?.Properties.Environment.Variables ?? {};
    expect(variables).toEqual({
      FLEETWARD_TABLE_NAME: { Ref: expect.stringMatching(/^FleetwardTable/) },
      FLEETWARD_TOPIC_ARN: { Ref: expect.stringMatching(/^FleetwardTopic/) },
      FLEETWARD_OWNER: owner,
      FLEETWARD_CONFIG_FILE: '/opt/fleetward/config.json',
      POWERTOOLS_SERVICE_NAME: 'fleetward',
      POWERTOOLS_METRICS_NAMESPACE: 'fleetward',
      NODE_OPTIONS: '--enable-source-maps',
    });
    expect(fn?.Properties.Layers).toEqual([{ Ref: expect.stringMatching(/^FleetwardConfigLayer/) }]);
    expect(configInLayer(synthesized)).toEqual(exampleConfig);
  });

  it('drops stale asynchronous invocations instead of retrying them later', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 120,
    });
  });
});

describe('the dispatcher', () => {
  it('runs the same code and config with 256 MB and 60 s, and knows the scale function', () => {
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.dispatch' } })) as {
      Properties: { MemorySize: number; Timeout: number; Layers: unknown[]; Environment: { Variables: Record<string, unknown> } };
    }[];
    expect(fn?.Properties).toMatchObject({ MemorySize: 256, Timeout: 60, Layers: [{ Ref: expect.stringMatching(/^FleetwardConfigLayer/) }] });
    expect(fn?.Properties.Environment.Variables).toMatchObject({
      FLEETWARD_SCALE_FUNCTION: { Ref: expect.stringMatching(/^FleetwardScaleFunction/) },
      FLEETWARD_CONFIG_FILE: '/opt/fleetward/config.json',
      FLEETWARD_OWNER: owner,
    });
    expect(fn?.Properties.Environment.Variables).not.toHaveProperty('FLEETWARD_DISPATCH_FLEETS_PER_SECOND');
    const paced = synthesize({ dispatch: { fleetsPerSecond: 5, concurrency: 20 } }).template;
    paced.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.dispatch',
      Environment: { Variables: Match.objectLike({ FLEETWARD_DISPATCH_FLEETS_PER_SECOND: '5', FLEETWARD_DISPATCH_CONCURRENCY: '20' }) },
    });
  });

  it('is told the orphan scan cadence and the schedule rate only when the props set them', () => {
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.dispatch' } })) as { Properties: { Environment: { Variables: Record<string, unknown> } } }[];
    expect(Object.keys(fn?.Properties.Environment.Variables ?? {}).filter((name) => /ORPHAN|SCHEDULE/.test(name))).toEqual([]);
    const sparse = synthesize({ dispatch: { orphanScanMinutes: 15 }, scheduleRate: Duration.minutes(3) }).template;
    sparse.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.dispatch',
      Environment: { Variables: Match.objectLike({ FLEETWARD_DISPATCH_ORPHAN_SCAN_MINUTES: '15', FLEETWARD_SCHEDULE_MINUTES: '3' }) },
    });
  });

  it('may invoke only the scale function, and describe instances for the orphan scan', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } } }[];
    const dispatcher = policies.filter((policy) => policy.Properties.Roles.some((role) => role.Ref.startsWith('FleetwardDispatchFunctionRole')));
    const granted = dispatcher.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const invoke = statementsWith('lambda:InvokeFunction', granted);
    expect(invoke.flatMap(resourcesOf)).toEqual([expect.stringMatching(/^<FleetwardScaleFunction\w+\.Arn>$/), expect.stringMatching(/^<FleetwardScaleFunction\w+\.Arn>:\*$/)]);
    const ec2Actions = granted.flatMap((statement) => asList(statement.Action)).filter((action) => action.startsWith('ec2:'));
    expect(ec2Actions).toEqual(['ec2:DescribeInstances']);
    const invokers = statementsWith('lambda:InvokeFunction').flatMap(resourcesOf);
    expect(invokers.filter((arn) => arn.includes('ScaleFunction'))).toHaveLength(2);
  });

  it('refuses a pace or an orphan scan cadence out of range, naming the field', () => {
    expect(() => synthesize({ dispatch: { fleetsPerSecond: 0, concurrency: 1.5, orphanScanMinutes: 0 } })).toThrow(
      'Fleetward props are invalid (3 problems):\n' +
        '  - dispatch.fleetsPerSecond: must be more than 0 and at most 50, got 0\n' +
        '  - dispatch.concurrency: must be a whole number from 1 to 100, got 1.5\n' +
        '  - dispatch.orphanScanMinutes: must be a whole number from 1 to 60, got 0',
    );
  });
});

describe('the schedule', () => {
  it('invokes the dispatcher every minute with the scheduler context in its input', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FleetwardDispatchFunction'), 'Arn'] },
        Input:
          '{"source":"fleetward.schedule","executionId":"<aws.scheduler.execution-id>","scheduledTime":"<aws.scheduler.scheduled-time>"}',
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 120 },
      },
    });
  });

  it('follows scheduleRate', () => {
    synthesize({ scheduleRate: Duration.minutes(5) }).template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
    });
  });
});

describe('the alarm rule', () => {
  it('routes ALARM state changes of the configured alarms and of fleetward-* alarms to the function', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { state: { value: ['ALARM'] }, alarmName: ['web-cpu-high', { prefix: 'fleetward-' }] },
      },
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FleetwardScaleFunction'), 'Arn'] } }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
    });
  });
});

describe('the notification topic', () => {
  it('is KMS-encrypted and refuses requests without TLS', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('the IAM policy of the scale function', () => {
  it('launches only with the fleet tag and the owner tag in the request', () => {
    const conditioned = statementsWith('ec2:RunInstances').filter((s) => s.Condition !== undefined);
    expect(conditioned).toHaveLength(1);
    expect(conditioned[0]?.Condition).toEqual({ StringEquals: { 'aws:RequestTag/fleetward:owner': owner }, StringLike: { 'aws:RequestTag/fleetward:fleet': '*' } });
    expect(resourcesOf(conditioned[0] as Statement).sort()).toEqual(
      [ec2('instance/*'), ec2('network-interface/*'), ec2('volume/*')].sort(),
    );
  });

  it('lets RunInstances use existing resources, and only the configured subnets', () => {
    const unconditioned = statementsWith('ec2:RunInstances').filter((s) => s.Condition === undefined);
    const resources = unconditioned.flatMap(resourcesOf);
    expect(resources).toEqual(
      expect.arrayContaining([
        ec2('subnet/subnet-0123456789abcdef0'),
        ec2('subnet/subnet-0fedcba9876543210'),
        ec2('security-group/*'),
        ec2('launch-template/*'),
        ec2('key-pair/*'),
        ec2('placement-group/*'),
        'arn:${AWS::Partition}:ec2:${AWS::Region}::image/*',
      ]),
    );
    expect(resources).toHaveLength(7);
    expect(resources.filter((arn) => /:(instance|volume|network-interface)\//.test(arn))).toEqual([]);
  });

  it('tags new resources only inside RunInstances and CreateVolume, the calls that create them', () => {
    const onCreate = statementsWith('ec2:CreateTags').filter((s) => s.Condition?.StringEquals?.['ec2:CreateAction'] !== undefined);
    expect(onCreate).toHaveLength(1);
    expect(onCreate[0]?.Condition).toEqual({ StringEquals: { 'ec2:CreateAction': ['RunInstances', 'CreateVolume'] } });
    expect(resourcesOf(onCreate[0] as Statement).sort()).toEqual(
      [ec2('instance/*'), ec2('network-interface/*'), ec2('volume/*')].sort(),
    );
  });

  it('terminates, stops and starts only instances carrying a fleet tag and this deployment\'s owner tag', () => {
    for (const action of ['ec2:TerminateInstances', 'ec2:StopInstances', 'ec2:StartInstances', 'ec2:ModifyInstanceAttribute']) {
      const granted = statementsWith(action);
      expect(granted, action).toHaveLength(1);
      expect(granted[0]?.Condition).toEqual({ StringEquals: { 'ec2:ResourceTag/fleetward:owner': owner }, StringLike: { 'ec2:ResourceTag/fleetward:fleet': '*' } });
      expect(resourcesOf(granted[0] as Statement)).toEqual([ec2('instance/*')]);
    }
  });

  it('grants no wildcard action and nothing but reads on Resource "*"', () => {
    const actions = statements.flatMap((s) => asList(s.Action));
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    const onEverything = statements.filter((s) => resourcesOf(s).includes('*')).flatMap((s) => asList(s.Action));
    expect(onEverything.length).toBeGreaterThan(0);
    expect(onEverything.filter((action) => !/^(ec2:Describe|cloudwatch:GetMetricData$)/.test(action))).toEqual([]);
  });

  it('gives every mutating EC2 action a condition, except RunInstances and CreateVolume on what they only read', () => {
    const mutating = statements.filter((s) => asList(s.Action).some((a) => a.startsWith('ec2:') && !a.startsWith('ec2:Describe')));
    const unconditioned = mutating.filter((s) => s.Condition === undefined);
    expect(unconditioned.flatMap((s) => asList(s.Action)).sort()).toEqual(['ec2:CreateVolume', 'ec2:RunInstances']);
    const created = unconditioned.flatMap(resourcesOf).filter((arn) => /:(instance|volume|network-interface|elastic-ip)\//.test(arn));
    expect(created).toEqual([]);
  });

  it('writes logs only to its own log group and uses no managed policy, as the dispatcher', () => {
    const logging = statementsWith('logs:PutLogEvents');
    expect(logging.flatMap(resourcesOf)).toEqual([
      expect.stringMatching(/^<FleetwardScaleFunctionLogs\w+\.Arn>$/),
      expect.stringMatching(/^<FleetwardDispatchFunctionLogs\w+\.Arn>$/),
    ]);
    const roles = template.findResources('AWS::IAM::Role') as Record<string, { Properties: object }>;
    for (const role of Object.values(roles)) expect(role.Properties).not.toHaveProperty('ManagedPolicyArns');
  });

  it('reaches only its table and its topic, as the dispatcher', () => {
    const table = expect.stringMatching(/^<FleetwardTable\w+\.Arn>$/);
    expect(statementsWith('dynamodb:PutItem').flatMap(resourcesOf)).toEqual([table, table]);
    const topic = expect.stringMatching(/^\$\{FleetwardTopic\w+\}$/);
    expect(statementsWith('sns:Publish').flatMap(resourcesOf)).toEqual([topic, topic]);
  });

  it('passes no role unless instanceRoleArns are given, then only those and only to EC2', () => {
    expect(statementsWith('iam:PassRole')).toEqual([]);
    const arn = 'arn:aws:iam::123456789012:role/web-instance';
    const passing = statementsWith('iam:PassRole', policyStatements(synthesize({ instanceRoleArns: [arn] }).template));
    expect(passing).toHaveLength(1);
    expect(passing[0]?.Resource).toEqual(arn);
    expect(passing[0]?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } });
  });
});

describe('with two fleets', () => {
  const twoFleets = synthesize({ config: twoFleetConfig() }).template;
  const twoFleetStatements = policyStatements(twoFleets);

  it('launches and terminates with the owner tag and any fleet tag, naming neither fleet', () => {
    const launch = statementsWith('ec2:RunInstances', twoFleetStatements).find((s) => s.Condition !== undefined);
    expect(launch?.Condition?.StringLike).toEqual({ 'aws:RequestTag/fleetward:fleet': '*' });
    const terminate = statementsWith('ec2:TerminateInstances', twoFleetStatements);
    expect(terminate[0]?.Condition?.StringLike).toEqual({ 'ec2:ResourceTag/fleetward:fleet': '*' });
    expect(JSON.stringify(twoFleetStatements.filter((s) => asList(s.Action).includes('ec2:TerminateInstances')))).not.toContain('batch');
  });

  it('routes the scale-out alarms of both fleets', () => {
    twoFleets.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        detail: { state: { value: ['ALARM'] }, alarmName: ['web-cpu-high', 'batch-backlog-high', { prefix: 'fleetward-' }] },
      }),
    });
  });

  it('allows the subnets of both fleets', () => {
    const subnets = statementsWith('ec2:RunInstances', twoFleetStatements)
      .flatMap(resourcesOf)
      .filter((arn) => arn.includes(':subnet/'));
    expect(subnets).toHaveLength(3);
    expect(subnets).toContain(ec2('subnet/subnet-0aaaaaaaaaaaaaaa1'));
  });
});

describe('grantReadWrite', () => {
  it('gives a principal read and write access to the state table only', () => {
    const stack = new FleetwardStack(newApp(), 'Fleetward', { config: exampleConfig });
    const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    stack.fleetward.grantReadWrite(operator);
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Operator') }] },
    }) as Record<string, { Properties: { PolicyDocument: { Statement: Statement[] } } }>;
    const granted = Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    expect(granted.flatMap((s) => asList(s.Action))).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query']));
    expect(granted.flatMap(resourcesOf)).toEqual([expect.stringMatching(/^<FleetwardTable\w+\.Arn>$/)]);
  });
});
