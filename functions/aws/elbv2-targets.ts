/** The LoadBalancerPort on ELBv2: target health per instance, registration and deregistration. */
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TargetHealth } from '../core/model.ts';
import type { LoadBalancerPort } from '../ports/index.ts';

const RANK: Record<TargetHealth, number> = { unhealthy: 3, healthy: 2, unknown: 1, 'not-registered': 0 };

function toHealth(state: string | undefined): TargetHealth {
  if (state === 'healthy') return 'healthy';
  if (state === 'unhealthy') return 'unhealthy';
  if (state === 'unused' || state === 'draining') return 'not-registered';
  return 'unknown';
}

export class Elbv2Targets implements LoadBalancerPort {
  constructor(private readonly elbv2: ElasticLoadBalancingV2Client) {}

  async targetHealth(targetGroupArns: readonly string[]): Promise<Map<string, TargetHealth>> {
    const health = new Map<string, TargetHealth>();
    for (const arn of targetGroupArns) {
      const result = await this.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
      for (const description of result.TargetHealthDescriptions ?? []) {
        const id = description.Target?.Id ?? '';
        const state = toHealth(description.TargetHealth?.State);
        if (RANK[state] > RANK[health.get(id) ?? 'not-registered']) health.set(id, state);
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
