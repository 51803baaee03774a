/** The fleetward stack: one Fleetward construct and the outputs operators and tools need. */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Fleetward, type FleetwardProps } from './fleetward.ts';

/** Properties of the fleetward stack: the stack's own plus the construct's. */
export interface FleetwardStackProps extends StackProps, FleetwardProps {}

/** Deploys fleetward for the fleets of one config. */
export class FleetwardStack extends Stack {
  readonly fleetward: Fleetward;

  constructor(scope: Construct, id: string, props: FleetwardStackProps) {
    super(scope, id, {
      description: 'fleetward: serverless autoscaler for plain EC2 fleets',
      ...props,
    });
    this.fleetward = new Fleetward(this, 'Fleetward', props);

    new CfnOutput(this, 'TableName', {
      description: 'The state table (fleet status, instances, decisions)',
      value: this.fleetward.table.tableName,
    });
    new CfnOutput(this, 'FunctionName', {
      description: 'The scale function',
      value: this.fleetward.scaleFunction.functionName,
    });
    new CfnOutput(this, 'Owner', {
      description: 'The fleetward:owner tag of the instances this deployment launches (FLEETWARD_OWNER for the CLI)',
      value: this.fleetward.owner,
    });
    new CfnOutput(this, 'TopicArn', {
      description: 'Subscribe here to receive notifications',
      value: this.fleetward.topic.topicArn,
    });
  }
}
