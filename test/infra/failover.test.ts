// Failover infrastructure: what the scale function may do to move a failed instance's identity,
// and the rules that bring instance events to it.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { QUARANTINE_TAG } from '../../functions/aws/quarantine-tag.ts';
import { parseTrigger } from '../../functions/handlers/events.ts';
import { InvalidEventError } from '../../functions/ports/errors.ts';
import {
  arnText,
  asList,
  exampleConfig,
  policyStatements,
  SHARED_TARGET_GROUP,
  synthesize,
  tableOwner,
  targetGroupConfig,
  twoFleetConfig,
  WEB_TARGET_GROUP,
  type Statement,
} from './synth.ts';

const { stack, template } = synthesize();
const statements = policyStatements(template);
const withTargetGroups = policyStatements(synthesize({ config: targetGroupConfig() }).template);

const statementsWith = (action: string, list: Statement[] = statements) =>
  list.filter((statement) => asList(statement.Action).includes(action));
const resourcesOf = (statement: Statement | undefined) => asList(statement?.Resource ?? []).map(arnText).sort();
const ec2 = (resource: string) => `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:${resource}`;
const onWebResources = { StringEquals: { 'ec2:ResourceTag/fleetward:fleet': ['web'] } };
const onOwnWebInstances = { StringEquals: { 'ec2:ResourceTag/fleetward:owner': tableOwner(template) }, StringLike: { 'ec2:ResourceTag/fleetward:fleet': '*' } };
const IDENTITY_MOVES = ['ec2:AssociateAddress', 'ec2:AttachNetworkInterface', 'ec2:DetachNetworkInterface', 'ec2:AttachVolume', 'ec2:DetachVolume'];

/** The one statement granting exactly these actions. */
function statementOf(actions: string[], list: Statement[] = statements): Statement | undefined {
  const found = list.filter((s) => [...asList(s.Action)].sort().join() === [...actions].sort().join());
  expect(found, actions.join()).toHaveLength(1);
  return found[0];
}

const actionsOnEverything = (list: Statement[]) =>
  list.filter((s) => resourcesOf(s).includes('*')).flatMap((s) => asList(s.Action));

describe('the failover permissions of the scale function', () => {
  it('reads Elastic IPs, interfaces, volumes and snapshots on "*", which is all IAM accepts for them', () => {
    expect(actionsOnEverything(statements)).toEqual(
      expect.arrayContaining(['ec2:DescribeAddresses', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVolumes', 'ec2:DescribeSnapshots']),
    );
  });

  it('moves Elastic IPs only when the address and interface carry a fleet tag, and the instance its owner tag too', () => {
    const associate = statementOf(['ec2:AssociateAddress']);
    expect(resourcesOf(associate)).toEqual([ec2('elastic-ip/*'), ec2('network-interface/*')]);
    expect(associate?.Condition).toEqual(onWebResources);
    const onInstances = statementOf(IDENTITY_MOVES);
    expect(resourcesOf(onInstances)).toEqual([ec2('instance/*')]);
    expect(onInstances?.Condition).toEqual(onOwnWebInstances);
  });

  it('attaches and detaches interfaces and volumes only of fleet-tagged resources and owned fleet instances', () => {
    const interfaces = statementOf(['ec2:AttachNetworkInterface', 'ec2:DetachNetworkInterface']);
    expect(resourcesOf(interfaces)).toEqual([ec2('network-interface/*')]);
    expect(interfaces?.Condition).toEqual(onWebResources);
    const volumes = statementOf(['ec2:AttachVolume', 'ec2:DetachVolume']);
    expect(resourcesOf(volumes)).toEqual([ec2('volume/*')]);
    expect(volumes?.Condition).toEqual(onWebResources);
  });

  it('restores a volume only with the fleet tag in the request, from a snapshot it only reads', () => {
    const create = statementsWith('ec2:CreateVolume');
    expect(create).toHaveLength(2);
    const [onVolumes, onSnapshots] = [create.find((s) => s.Condition !== undefined), create.find((s) => s.Condition === undefined)];
    expect(resourcesOf(onVolumes)).toEqual([ec2('volume/*')]);
    expect(onVolumes?.Condition).toEqual({ StringEquals: { 'aws:RequestTag/fleetward:fleet': ['web'] } });
    // Snapshot ARNs have no account.
    expect(resourcesOf(onSnapshots)).toEqual(['arn:${AWS::Partition}:ec2:${AWS::Region}::snapshot/*']);
    expect(asList(onSnapshots?.Action ?? [])).toEqual(['ec2:CreateVolume']);
  });

  it('quarantines and marks maintenance by adding only those tags and deleting only the fleet and maintenance tags, of owned fleet instances', () => {
    expect(QUARANTINE_TAG).toBe('fleetward:quarantined');
    const tagging = statementsWith('ec2:CreateTags').filter((s) => s.Condition?.StringEquals?.['ec2:CreateAction'] === undefined);
    expect(tagging).toHaveLength(1);
    expect(resourcesOf(tagging[0])).toEqual([ec2('instance/*')]);
    expect(tagging[0]?.Condition).toEqual({
      ...onOwnWebInstances,
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['fleetward:quarantined', 'fleetward:maintenance'] },
      Null: { 'aws:TagKeys': 'false' },
    });
    const untagging = statementOf(['ec2:DeleteTags']);
    expect(resourcesOf(untagging)).toEqual([ec2('instance/*')]);
    // Without the Null check, a DeleteTags naming no key (which deletes every tag) would pass ForAllValues.
    expect(untagging?.Condition).toEqual({
      ...onOwnWebInstances,
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['fleetward:fleet', 'fleetward:maintenance'] },
      Null: { 'aws:TagKeys': 'false' },
    });
  });

  it('publishes only events with source fleetward, only to the default event bus', () => {
    const publish = statementOf(['events:PutEvents']);
    expect(resourcesOf(publish)).toEqual(['arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default']);
    expect(publish?.Condition).toEqual({ StringEquals: { 'events:source': 'fleetward' } });
  });

  it('puts every fleet name in every condition on what a failover moves, and none in those on instances', () => {
    const twoFleets = policyStatements(synthesize({ config: twoFleetConfig() }).template);
    const names = ['web', 'batch'];
    const onInstances = (statement: { Resource?: unknown }) => JSON.stringify(statement.Resource).includes('instance/*');
    for (const action of ['ec2:AssociateAddress', 'ec2:AttachNetworkInterface', 'ec2:AttachVolume', 'ec2:DeleteTags']) {
      for (const statement of statementsWith(action, twoFleets)) {
        const expected = onInstances(statement) ? undefined : names;
        expect(statement.Condition?.StringEquals?.['ec2:ResourceTag/fleetward:fleet'], `${statement.Sid ?? ''} ${action}`).toEqual(expected);
      }
    }
    const restore = statementsWith('ec2:CreateVolume', twoFleets).find((s) => s.Condition !== undefined);
    expect(restore?.Condition).toEqual({ StringEquals: { 'aws:RequestTag/fleetward:fleet': names } });
  });
});

describe('target groups', () => {
  it('grant no ELBv2 action, and none of the EC2 reads RegisterTargets needs, when no fleet has one', () => {
    const actions = statements.flatMap((s) => asList(s.Action));
    expect(actions.filter((action) => action.startsWith('elasticloadbalancing:'))).toEqual([]);
    expect(actions).not.toContain('ec2:DescribeVpcs');
    expect(actions).not.toContain('ec2:DescribeInternetGateways');
  });

  it('are the only resources the function may register targets in or deregister them from', () => {
    const registering = statementOf(['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'], withTargetGroups);
    // The union of the fleets' groups, the shared one once.
    expect(resourcesOf(registering)).toEqual([SHARED_TARGET_GROUP, WEB_TARGET_GROUP].sort());
    expect(registering?.Condition).toBeUndefined();
    expect(withTargetGroups.flatMap((s) => asList(s.Action)).filter((a) => a.startsWith('elasticloadbalancing:')).sort()).toEqual([
      'elasticloadbalancing:DeregisterTargets',
      'elasticloadbalancing:DescribeTargetHealth',
      'elasticloadbalancing:RegisterTargets',
    ]);
  });

  it('add target health and the EC2 reads RegisterTargets needs on "*", which has only reads: they have no resource-level permissions', () => {
    const onEverything = actionsOnEverything(withTargetGroups);
    expect(onEverything).toEqual(
      expect.arrayContaining(['elasticloadbalancing:DescribeTargetHealth', 'ec2:DescribeVpcs', 'ec2:DescribeInternetGateways']),
    );
    expect(onEverything.filter((a) => !/^(ec2:Describe|elasticloadbalancing:Describe|cloudwatch:GetMetricData$)/.test(a))).toEqual([]);
  });
});

type Pattern = Record<string, unknown>;

/**
 * EventBridge matching, for the operators fleetward's patterns use: exact values, prefix, nested
 * objects, $or, and arrays in the event (a pattern matches if it matches any element).
 */
function matches(pattern: Pattern, event: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') return (expected as Pattern[]).some((branch) => matches(branch, event));
    const value = typeof event === 'object' && event !== null ? (event as Record<string, unknown>)[key] : undefined;
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (!Array.isArray(expected)) return values.some((v) => typeof v === 'object' && v !== null && matches(expected as Pattern, v));
    return values.some((v) => expected.some((matcher: unknown) => matchesValue(matcher, v)));
  });
}

function matchesValue(matcher: unknown, value: unknown): boolean {
  if (typeof matcher !== 'object' || matcher === null) return matcher === value;
  if (!('prefix' in matcher) || Object.keys(matcher).length !== 1) throw new Error(`unsupported matcher ${JSON.stringify(matcher)}`);
  return typeof value === 'string' && value.startsWith(String(matcher.prefix));
}

/** The event pattern of every rule, by the rule's construct id. */
const rules = Object.fromEntries(
  Object.entries(template.findResources('AWS::Events::Rule') as Record<string, { Properties: { EventPattern: Pattern } }>).map(
    ([logicalId, rule]) => [/^Fleetward(\w+Rule)/.exec(logicalId)?.[1] ?? logicalId, rule.Properties.EventPattern],
  ),
);
const rulesMatching = (event: unknown) => Object.keys(rules).filter((name) => matches(rules[name] as Pattern, event)).sort();

const ec2Event = (detailType: string, detail: Pattern) => ({ id: 'e-1', source: 'aws.ec2', 'detail-type': detailType, detail });
const stateChange = (state: string) => ec2Event('EC2 Instance State-change Notification', { 'instance-id': 'i-0abc', state });
const healthEvent = (service: string) => ({
  id: 'h-1',
  source: 'aws.health',
  'detail-type': 'AWS Health Event',
  detail: { service, eventTypeCode: 'AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED', affectedEntities: [{ entityValue: 'i-0abc' }] },
});
const alarmEvent = (alarmName: string, state: string, metric: string) => ({
  id: 'a-1',
  source: 'aws.cloudwatch',
  'detail-type': 'CloudWatch Alarm State Change',
  detail: {
    alarmName,
    state: { value: state },
    configuration: { metrics: [{ id: 'm1', metricStat: { metric: { namespace: 'AWS/EC2', name: metric, dimensions: { InstanceId: 'i-0abc' } } } }] },
  },
});

/** What the handler's parser makes of an event: a step, nothing to do, or an invalid event. */
function handlerOutcome(event: unknown): 'acts' | 'ignores' | 'rejects' {
  try {
    return 'ignored' in parseTrigger(event, exampleConfig) ? 'ignores' : 'acts';
  } catch (error) {
    if (error instanceof InvalidEventError) return 'rejects';
    throw error;
  }
}

describe('the instance event rules', () => {
  it('are public fields of the construct', () => {
    const { fleetward } = stack;
    for (const [rule, id] of [
      [fleetward.instanceEventRule, 'InstanceEventRule'],
      [fleetward.healthEventRule, 'HealthEventRule'],
      [fleetward.statusCheckAlarmRule, 'StatusCheckAlarmRule'],
    ] as const) {
      expect(stack.resolve(rule.ruleArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^Fleetward${id}`)), 'Arn'] });
    }
  });

  it('have exactly the patterns the handler parses', () => {
    expect(rules.InstanceEventRule).toEqual({
      source: ['aws.ec2'],
      $or: [
        { 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['stopping', 'stopped', 'shutting-down', 'terminated'] } },
        { 'detail-type': ['EC2 Spot Instance Interruption Warning', 'EC2 Instance Rebalance Recommendation'] },
      ],
    });
    expect(rules.HealthEventRule).toEqual({ source: ['aws.health'], 'detail-type': ['AWS Health Event'], detail: { service: ['EC2'] } });
    expect(rules.StatusCheckAlarmRule).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: {
        state: { value: ['ALARM'] },
        configuration: { metrics: { metricStat: { metric: { name: [{ prefix: 'StatusCheckFailed' }] } } } },
      },
    });
  });

  it('invoke the scale function, retrying twice and dropping events older than 2 minutes', () => {
    for (const id of ['InstanceEventRule', 'HealthEventRule', 'StatusCheckAlarmRule']) {
      template.hasResourceProperties('AWS::Events::Rule', {
        Description: Match.anyValue(),
        EventPattern: rules[id],
        Targets: [
          {
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FleetwardScaleFunction'), 'Arn'] },
            Id: 'Target0',
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 120 },
          },
        ],
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^Fleetward${id}`), 'Arn'] },
      });
    }
  });

  it.each([
    ['an instance pending', stateChange('pending'), [], 'ignores'],
    ['an instance running', stateChange('running'), [], 'ignores'],
    ['an instance stopping', stateChange('stopping'), ['InstanceEventRule'], 'acts'],
    ['an instance stopped', stateChange('stopped'), ['InstanceEventRule'], 'acts'],
    ['an instance shutting down', stateChange('shutting-down'), ['InstanceEventRule'], 'acts'],
    ['an instance terminated', stateChange('terminated'), ['InstanceEventRule'], 'acts'],
    [
      'a Spot interruption warning',
      ec2Event('EC2 Spot Instance Interruption Warning', { 'instance-id': 'i-0abc', 'instance-action': 'terminate' }),
      ['InstanceEventRule'],
      'acts',
    ],
    ['a rebalance recommendation', ec2Event('EC2 Instance Rebalance Recommendation', { 'instance-id': 'i-0abc' }), ['InstanceEventRule'], 'acts'],
    ['an AWS Health event about EC2', healthEvent('EC2'), ['HealthEventRule'], 'acts'],
    ['an AWS Health event about RDS', healthEvent('RDS'), [], 'ignores'],
    ['a status check alarm going into ALARM', alarmEvent('i-0abc-status', 'ALARM', 'StatusCheckFailed_System'), ['StatusCheckAlarmRule'], 'acts'],
    ['a status check alarm going back to OK', alarmEvent('i-0abc-status', 'OK', 'StatusCheckFailed'), [], 'ignores'],
    ['an alarm of no fleet on another metric', alarmEvent('db-cpu-high', 'ALARM', 'CPUUtilization'), [], 'rejects'],
    // Both rules deliver it; the handler acts once, idempotent on the event id.
    [
      'a fleetward- status check alarm',
      alarmEvent('fleetward-web-i-0abc', 'ALARM', 'StatusCheckFailed_Instance'),
      ['AlarmRule', 'StatusCheckAlarmRule'],
      'acts',
    ],
  ])('deliver %s to the function exactly when the handler acts on it', (_, event, expected, outcome) => {
    expect(rulesMatching(event)).toEqual(expected);
    expect(handlerOutcome(event)).toBe(outcome);
    expect(expected.length > 0).toBe(outcome === 'acts');
  });
});
