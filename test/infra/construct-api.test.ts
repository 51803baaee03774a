// The construct's API for apps that import it: the operator grants, an existing table, the scale
// function's settings, and the props a CDK app's context sets.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { propsFromContext } from '../../lib/context-props.ts';
import { FleetwardStack, type FleetwardStackProps } from '../../lib/fleetward-stack.ts';
import { arnText, asList, exampleConfig, newApp, policyStatements, type Statement } from './synth.ts';

const OBSERVE_ACTIONS = [
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
];
const TABLE_READS = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:Query', 'dynamodb:Scan'];
const TABLE_WRITES = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

/** The stack with an Operator role given a grant, and the statements of the policies on that role. */
function granted(grant: 'grantRead' | 'grantOperate', props: Partial<FleetwardStackProps> = {}) {
  const stack = new FleetwardStack(newApp(), 'Fleetward', { config: exampleConfig, ...props });
  const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
  stack.fleetward[grant](operator);
  const template = Template.fromStack(stack);
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Operator') }] } }) as Record<
    string,
    { Properties: { PolicyDocument: { Statement: Statement[] } } }
  >;
  return { template, statements: Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement) };
}

/** Each action granted, with the resources and conditions it is granted on, sorted: comparable across policies. */
function grants(statements: Statement[]): Map<string, string[]> {
  const byAction = new Map<string, string[]>();
  for (const statement of statements) {
    for (const action of asList(statement.Action)) {
      const on = asList(statement.Resource).map((resource) => `${arnText(resource)} ${JSON.stringify(statement.Condition ?? {})}`);
      byAction.set(action, [...(byAction.get(action) ?? []), ...on].sort());
    }
  }
  return byAction;
}

const tableArn = (text: string) => /^<FleetwardTable\w+\.Arn>$/.test(text);

describe('grantRead', () => {
  const { statements } = granted('grantRead');
  const byAction = grants(statements);

  it("reads the state table and makes a step's read-only calls, and nothing else", () => {
    expect([...byAction.keys()].sort()).toEqual([...TABLE_READS, ...OBSERVE_ACTIONS].sort());
    for (const action of TABLE_READS) expect(byAction.get(action)?.map((on) => on.split(' ')[0] ?? '').every(tableArn), action).toBe(true);
    for (const action of OBSERVE_ACTIONS) expect(byAction.get(action), action).toEqual(['* {}']);
  });
});

describe('grantOperate', () => {
  const { template, statements } = granted('grantOperate');
  const byAction = grants(statements);
  const scaleRole = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith('FleetwardScaleFunctionRole')) ?? '';
  const scaleFunction = grants(
    Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: scaleRole }] } })).flatMap(
      (policy) => (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    ),
  );

  it('gives every permission of a control step with the scale function’s own resources and conditions', () => {
    const stepActions = [...scaleFunction.keys()].filter((action) => !/^(logs|sqs):/.test(action));
    expect(stepActions).toEqual(expect.arrayContaining(['ec2:RunInstances', 'ec2:TerminateInstances', 'dynamodb:PutItem', 'sns:Publish', 'events:PutEvents']));
    expect([...byAction.keys()].sort()).toEqual(stepActions.sort());
    for (const action of stepActions) expect(byAction.get(action), action).toEqual(scaleFunction.get(action));
  });

  it('writes operator requests to the table and terminates only instances with the fleet and owner tags', () => {
    for (const action of [...TABLE_READS, ...TABLE_WRITES]) expect(byAction.get(action)?.every((on) => tableArn(on.split(' ')[0] ?? '')), action).toBe(true);
    const [terminate] = byAction.get('ec2:TerminateInstances') ?? [];
    expect(terminate).toMatch(/"StringEquals":\{"ec2:ResourceTag\/fleetward:owner":\{"Ref":"FleetwardTable\w+"\}\},"StringLike":\{"ec2:ResourceTag\/fleetward:fleet":"\*"\}/);
    expect(byAction.get('kms:GenerateDataKey')).toEqual([expect.stringMatching(/^<FleetwardTopicKey\w+\.Arn> \{\}$/)]);
  });

  it("never touches the scale function's log group or dead-letter queue", () => {
    expect([...byAction.keys()].filter((action) => /^(logs|sqs|lambda):/.test(action))).toEqual([]);
  });
});

describe('an existing table', () => {
  const stack = new FleetwardStack(newApp(), 'Fleetward', { config: exampleConfig });
  const withTable = new FleetwardStack(newApp(), 'WithTable', { config: exampleConfig, table: dynamodb.Table.fromTableName(stack, 'Other', 'fleetward-prod') });
  const template = Template.fromStack(withTable);

  it('replaces the table the construct would create, and names the owner', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FLEETWARD_TABLE_NAME: 'fleetward-prod', FLEETWARD_OWNER: 'fleetward-prod' }) },
    });
    const tableGrants = policyStatements(template).filter((statement) => asList(statement.Action).includes('dynamodb:PutItem'));
    // The scale function's and the dispatcher's grants.
    const table = 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/fleetward-prod';
    expect(tableGrants.flatMap((statement) => asList(statement.Resource).map(arnText))).toEqual([table, table]);
  });

  it('refuses a removal policy, which would not apply to it', () => {
    const app = newApp();
    expect(() => new FleetwardStack(app, 'Refused', { config: exampleConfig, table: dynamodb.Table.fromTableName(stack, 'Third', 'fleetward-prod'), removalPolicy: RemovalPolicy.DESTROY })).toThrow(
      'Fleetward props are invalid (1 problem):\n  - removalPolicy: applies only to the table Fleetward creates; the table given as `table` keeps its own',
    );
  });
});

describe('the scale function settings', () => {
  it('follow memorySize, timeout, architecture and environment', () => {
    const stack = new FleetwardStack(newApp(), 'Fleetward', {
      config: exampleConfig,
      memorySize: 1024,
      timeout: Duration.seconds(30),
      architecture: lambda.Architecture.X86_64,
      environment: { HTTPS_PROXY: 'http://proxy.internal:3128' },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Timeout: 30,
      Architectures: ['x86_64'],
      Environment: { Variables: Match.objectLike({ HTTPS_PROXY: 'http://proxy.internal:3128', POWERTOOLS_SERVICE_NAME: 'fleetward' }) },
    });
  });

  it('are refused out of range, past the lease, or replacing a variable fleetward sets, all at once', () => {
    const props = {
      config: exampleConfig,
      memorySize: 64,
      timeout: Duration.minutes(2),
      environment: { FLEETWARD_CONFIG_FILE: '/tmp/config.json', '1ST': 'x' },
    };
    expect(() => new FleetwardStack(newApp(), 'Fleetward', props)).toThrow(
      'Fleetward props are invalid (4 problems):\n' +
        '  - memorySize: must be a whole number of MB from 128 to 10240, got 64\n' +
        "  - timeout: must be whole seconds from 1 to 60 (a fleet's lease is derived from 60 s), got 2 minutes\n" +
        '  - environment.FLEETWARD_CONFIG_FILE: fleetward sets this variable itself\n' +
        '  - environment["1ST"]: must be a letter then letters, digits and _',
    );
  });
});

describe('props from the CDK context', () => {
  const contextOf = (context: Record<string, unknown>) => new App({ context }).node;

  it('reads -c text and cdk.json values alike', () => {
    const fromText = propsFromContext(
      contextOf({ scheduleRate: '5', logRetention: '90', removalPolicy: 'destroy', alarmNotifications: 'false', memorySize: '1024', architecture: 'x86_64', instanceRoleArns: 'arn:aws:iam::123456789012:role/a, arn:aws:iam::123456789012:role/b', owner: 'prod' }),
    );
    const fromJson = propsFromContext(
      contextOf({ scheduleRate: 5, logRetention: 90, removalPolicy: 'DESTROY', alarmNotifications: false, memorySize: 1024, architecture: 'x86_64', instanceRoleArns: ['arn:aws:iam::123456789012:role/a', 'arn:aws:iam::123456789012:role/b'], owner: 'prod' }),
    );
    for (const props of [fromText, fromJson]) {
      expect(props).toEqual({
        scheduleRate: Duration.minutes(5),
        logRetention: logs.RetentionDays.THREE_MONTHS,
        removalPolicy: RemovalPolicy.DESTROY,
        alarmNotifications: false,
        memorySize: 1024,
        architecture: lambda.Architecture.X86_64,
        instanceRoleArns: ['arn:aws:iam::123456789012:role/a', 'arn:aws:iam::123456789012:role/b'],
        owner: 'prod',
      });
    }
    expect(propsFromContext(contextOf({ scheduleRate: '' }))).toEqual({});
  });

  it('lists every bad value, each with its key and what it takes', () => {
    expect(() => propsFromContext(contextOf({ scheduleRate: '1.5', logRetention: '45', removalPolicy: 'snapshot', alarmNotifications: 'yes', architecture: 'arm' }))).toThrow(
      'the CDK context is invalid (5 problems):\n' +
        '  - scheduleRate (whole minutes between scheduled steps): must be a whole number of minutes, at least 1, got "1.5"\n' +
        '  - logRetention (days to keep logs): must be a number of days CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, 9999), got "45"\n' +
        '  - removalPolicy (retain or destroy): must be one of retain, destroy, got "snapshot"\n' +
        '  - alarmNotifications (true or false): must be true or false, got "yes"\n' +
        '  - architecture (arm64 or x86_64): must be one of arm64, x86_64, got "arm"',
    );
  });

  describe('in the CDK app', () => {
    const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'fleetward-context-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reports the config, context and prop problems together, and synthesizes nothing', () => {
      const context = { config: join(dir, 'missing.yaml'), scheduleRate: '0' };
      const result = spawnSync(join(repoRoot, 'node_modules/.bin/tsx'), ['bin/app.ts'], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: join(dir, 'cdk.out') },
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^.*missing\.yaml is invalid \(1 problem\):\n {2}- cannot be read: ENOENT[^\n]*\nthe CDK context is invalid \(1 problem\):\n {2}- scheduleRate \(whole minutes between scheduled steps\): must be a whole number of minutes, at least 1, got "0"\n$/);
    });
  });
});
