/** The LoadBalancerPort on ELBv2: target health per instance, registration and deregistration. */
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TargetHealth } from '../core/model.ts';
import type { LoadBalancerPort } from '../ports/index.ts';
import { mergeTargetHealth, toTargetHealth } from './target-health.ts';

export class Elbv2Targets implements LoadBalancerPort {
  constructor(private readonly elbv2: ElasticLoadBalancingV2Client) {}

  async targetHealth(targetGroupArns: readonly string[]): Promise<Map<string, TargetHealth>> {
    const health = new Map<string, TargetHealth>();
    for (const arn of targetGroupArns) {
      const result = await this.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
      for (const description of result.TargetHealthDescriptions ?? []) {
        mergeTargetHealth(health, description.Target?.Id ?? '', toTargetHealth(description.TargetHealth?.State));
      }
    }
    return health;
  }

  async register(targetGroupArns: readonly string[], instanceId: string): Promise<void> {
    for (const arn of targetGroupArns) {
      await this.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: instanceId }] }));
    }
  }

  /** Deregistering what is no longer registered (a retried step) counts as done. */
  async deregister(targetGroupArns: readonly string[], instanceId: string): Promise<void> {
    for (const arn of targetGroupArns) {
      try {
        await this.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: instanceId }] }));
      } catch (error) {
        if (!(error instanceof Error && error.name === 'InvalidTargetException')) throw error;
      }
    }
  }
}
