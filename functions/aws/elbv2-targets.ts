/**
 * The LoadBalancerPort on ELBv2: target health per instance, registration (one instance, or a
 * batch in one group, in chunks) and deregistration. An endpoint that does not implement ELBv2 (LocalStack
 * community answers 501) fails as LoadBalancingUnavailableError, which the step degrades on.
 */
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TargetHealth } from '../core/model.ts';
import type { LoadBalancerPort } from '../ports/index.ts';
import { LoadBalancingUnavailableError } from '../ports/errors.ts';
import { mergeTargetHealth } from '../core/target-health.ts';
import { toTargetHealth } from './target-health.ts';

const NOT_IMPLEMENTED = 501;

/**
 * The API reference sets no maximum of targets per RegisterTargets call (the quotas are per
 * target group and load balancer, 1,000 instances a group for an Application Load Balancer);
 * 500 keeps a request's size modest while a 1,000-instance launch takes two calls a group.
 */
export const REGISTER_TARGETS_PER_CALL = 500;

/** The call's answer; a 501 answer (the endpoint does not implement ELBv2) as LoadBalancingUnavailableError. */
async function unavailableOn501<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === NOT_IMPLEMENTED) throw new LoadBalancingUnavailableError(status, error instanceof Error ? error.message : String(error), { cause: error });
    throw error;
  }
}

export class Elbv2Targets implements LoadBalancerPort {
  constructor(private readonly elbv2: ElasticLoadBalancingV2Client) {}

  async targetHealth(targetGroupArns: readonly string[]): Promise<Map<string, TargetHealth>> {
    const health = new Map<string, TargetHealth>();
    for (const arn of targetGroupArns) {
      const result = await unavailableOn501(this.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })));
      for (const description of result.TargetHealthDescriptions ?? []) {
        mergeTargetHealth(health, description.Target?.Id ?? '', toTargetHealth(description.TargetHealth?.State));
      }
    }
    return health;
  }

  async register(targetGroupArns: readonly string[], instanceId: string): Promise<void> {
    for (const arn of targetGroupArns) {
      await unavailableOn501(this.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: instanceId }] })));
    }
  }

  /**
   * REGISTER_TARGETS_PER_CALL instances a call: ELBv2 takes each call's batch whole or none of it
   * (every instance must run), so a failure leaves the later chunks for the next step.
   */
  async registerTargets(targetGroupArn: string, instanceIds: readonly string[]): Promise<void> {
    for (let start = 0; start < instanceIds.length; start += REGISTER_TARGETS_PER_CALL) {
      const Targets = instanceIds.slice(start, start + REGISTER_TARGETS_PER_CALL).map((Id) => ({ Id }));
      await unavailableOn501(this.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets })));
    }
  }

  /** Deregistering what is no longer registered (a retried step) counts as done. */
  async deregister(targetGroupArns: readonly string[], instanceId: string): Promise<void> {
    for (const arn of targetGroupArns) {
      try {
        await unavailableOn501(this.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: instanceId }] })));
      } catch (error) {
        if (!(error instanceof Error && error.name === 'InvalidTargetException')) throw error;
      }
    }
  }
}
