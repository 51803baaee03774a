// Asynchronous triggers that fail or are dropped land in an encrypted dead-letter queue, and an alarm watches its depth.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthesize } from './synth.ts';

const { template } = synthesize();
const queueId = () => Object.keys(template.findResources('AWS::SQS::Queue'))[0] ?? 'none';

describe('the dead-letter queue', () => {
  it('is one SQS queue, encrypted, refusing requests without TLS, keeping messages 14 days', () => {
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('receives the scale function asynchronous invocations that failed or aged out', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [queueId(), 'Arn'] } } });
  });

  it('receives the events every rule and the schedule could not deliver to the function', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      const targets = (rule as { Properties: { Targets: Array<{ DeadLetterConfig?: unknown }> } }).Properties.Targets;
      for (const target of targets) expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queueId(), 'Arn'] } });
    }
    template.hasResourceProperties('AWS::Scheduler::Schedule', { Target: { DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId(), 'Arn'] } } } });
  });

  it('has an alarm as soon as one message is in it', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId(), 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });
});
