// The stack's operations: a dashboard with a row per fleet, alarms on fleetward's own errors and on
// repeated launch failures, every alarm (the dead-letter one too) publishing to a topic CloudWatch can use.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthesize, twoFleetConfig } from './synth.ts';

const { template } = synthesize({ config: twoFleetConfig() });

type Part = string | Record<string, unknown>;
interface Widget {
  readonly type: string;
  readonly properties: { readonly title?: string; readonly markdown?: string; readonly metrics?: unknown[][]; readonly alarms?: string[] };
}

/** The dashboard's body as JSON, each CloudFormation reference written as "<ref>". */
function dashboardWidgets(synthesized: Template): Widget[] {
  const dashboards = Object.values(synthesized.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = (dashboards[0] as { Properties: { DashboardBody: { 'Fn::Join': [string, Part[]] } } }).Properties.DashboardBody;
  const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<ref>')).join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

/** The metric names a widget plots in the fleetward namespace for a fleet. */
function fleetMetricsOf(widget: Widget, fleet: string): string[] {
  return (widget.properties.metrics ?? [])
    .filter((metric) => metric[0] === 'fleetward' && metric.includes('fleet') && metric[metric.indexOf('fleet') + 1] === fleet)
    .map((metric) => String(metric[1]));
}

const alarmsWith = (properties: Record<string, unknown>) => Object.entries(template.findResources('AWS::CloudWatch::Alarm', { Properties: Match.objectLike(properties) }));
const topicId = () => Object.keys(template.findResources('AWS::SNS::Topic'))[0] ?? 'none';

describe('the dashboard', () => {
  const widgets = dashboardWidgets(template);

  it.each(['web', 'batch'])('has a row for fleet %s: desired vs in service, launches, terminations, failovers, drains, errors', (fleet) => {
    const plotted = widgets.flatMap((widget) => fleetMetricsOf(widget, fleet));
    expect(plotted.sort()).toEqual(
      ['DesiredCapacity', 'DrainActions', 'Failovers', 'InServiceCapacity', 'InstancesLaunched', 'InstancesTerminated', 'LaunchFailures', 'StepsFailed'].sort(),
    );
    expect(widgets.filter((widget) => widget.properties.title?.startsWith(`${fleet}: `)).map((widget) => widget.properties.title)).toEqual([
      `${fleet}: desired vs in service`,
      `${fleet}: launches and terminations`,
      `${fleet}: failovers and drains`,
      `${fleet}: errors`,
    ]);
  });

  it("has fleetward's own errors: failed steps and events, the function's errors and throttles, the dead letters, and every alarm", () => {
    const own = widgets.find((widget) => widget.properties.title === 'fleetward: errors');
    const names = (own?.properties.metrics ?? []).map((metric) => `${String(metric[0])}/${String(metric[1])}`);
    expect(names).toEqual(['fleetward/StepsFailed', 'fleetward/EventsFailed', 'AWS/Lambda/Errors', 'AWS/Lambda/Throttles', 'AWS/SQS/ApproximateNumberOfMessagesVisible']);
    const status = widgets.find((widget) => widget.type === 'alarm');
    expect(status?.properties.alarms).toHaveLength(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length);
  });
});

describe('the alarms', () => {
  it.each([
    ['failed steps', { Namespace: 'fleetward', MetricName: 'StepsFailed', Dimensions: [{ Name: 'service', Value: 'fleetward' }] }],
    ['failed events', { Namespace: 'fleetward', MetricName: 'EventsFailed', Dimensions: [{ Name: 'service', Value: 'fleetward' }] }],
    ["the function's errors", { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^FleetwardScaleFunction') } }] }],
    ["the dispatcher's errors", { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^FleetwardDispatchFunction') } }] }],
    ["the function's throttles", { Namespace: 'AWS/Lambda', MetricName: 'Throttles' }],
    ['repeated launch failures of web', { Namespace: 'fleetward', MetricName: 'LaunchFailures', Dimensions: [{ Name: 'fleet', Value: 'web' }, { Name: 'service', Value: 'fleetward' }] }],
    ['repeated launch failures of batch', { Namespace: 'fleetward', MetricName: 'LaunchFailures', Dimensions: [{ Name: 'fleet', Value: 'batch' }, { Name: 'service', Value: 'fleetward' }] }],
    ['the dead letters', { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible' }],
  ])('alarm on %s and publish to the topic', (_case, metric) => {
    const alarms = alarmsWith(metric);
    expect(alarms).toHaveLength(1);
    expect((alarms[0]?.[1] as { Properties: { AlarmActions?: unknown } }).Properties.AlarmActions).toEqual([{ Ref: topicId() }]);
  });

  it('calls launch failures repeated when a launch failed in each of three 5-minute periods', () => {
    expect(alarmsWith({ MetricName: 'LaunchFailures' }).map(([, alarm]) => (alarm as { Properties: unknown }).Properties)).toEqual([
      expect.objectContaining({ Statistic: 'Sum', Period: 300, EvaluationPeriods: 3, DatapointsToAlarm: 3, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' }),
      expect.objectContaining({ Statistic: 'Sum', Period: 300, EvaluationPeriods: 3, DatapointsToAlarm: 3, Threshold: 1 }),
    ]);
  });
});

describe('the topic CloudWatch alarms publish to', () => {
  it('is encrypted with a customer managed key that rotates and lets CloudWatch (this account only) use it', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0] ?? 'none';
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('lets the scale function publish under that key, and nothing more with it', () => {
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0] ?? 'none';
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } })]),
      },
    });
  });

  it('keeps the free AWS managed key, and alarms without actions, when alarm notifications are off', () => {
    const { template: quiet } = synthesize({ alarmNotifications: false });
    quiet.resourceCountIs('AWS::KMS::Key', 0);
    expect(JSON.stringify(quiet.findResources('AWS::SNS::Topic'))).toContain(':alias/aws/sns');
    for (const alarm of Object.values(quiet.findResources('AWS::CloudWatch::Alarm'))) {
      expect((alarm as { Properties: { AlarmActions?: unknown } }).Properties.AlarmActions).toBeUndefined();
    }
  });
});
