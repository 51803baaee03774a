/**
 * The notification topic's encryption key. CloudWatch alarms cannot publish to a topic under the
 * AWS managed key (alias/aws/sns, whose policy no one can change), so with alarm notifications on
 * the topic gets a customer managed key ($1 a month) that CloudWatch of this account may use.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

export function topicKey(scope: Construct, alarmNotifications: boolean): kms.IKey {
  if (!alarmNotifications) return kms.Alias.fromAliasName(scope, 'TopicKey', 'alias/aws/sns');
  const key = new kms.Key(scope, 'TopicKey', {
    description: 'fleetward: encrypts the notification topic; CloudWatch alarms of this account may publish to it',
    enableKeyRotation: true,
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
  );
  return key;
}
