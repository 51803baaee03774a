/**
 * Lambda entry point of the scale function: reads its environment once per container, builds
 * the clients at module scope, and hands every invocation to the handler.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { CONFIG_VARIABLE, decodeConfig } from './config-environment.ts';
import { createScaleHandler } from './scale-handler.ts';

function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
  return value;
}

const config = decodeConfig(requireEnv(CONFIG_VARIABLE));
const topicArn = process.env.FLEETWARD_TOPIC_ARN;

export const handler = createScaleHandler({
  config,
  tableName: requireEnv('FLEETWARD_TABLE_NAME'),
  clients: {
    ec2: new EC2Client({}),
    cloudwatch: new CloudWatchClient({}),
    dynamodb: new DynamoDBClient({}),
    elbv2: new ElasticLoadBalancingV2Client({}),
    eventbridge: new EventBridgeClient({}),
    sns: new SNSClient({}),
  },
  ...(topicArn === undefined || topicArn === '' ? {} : { topicArn }),
});
