/**
 * The LoadBalancerPort in memory: target groups and their targets, each in ELBv2's state on the
 * clock (initial until its health checks pass, then healthy, or unhealthy as a test says;
 * draining for the deregistration delay once deregistered, then gone), reported through the
 * ELBv2 adapter's own mapping and ranking.
 */
import type { Ec2State, TargetHealth } from '../core/model.ts';
import { toTargetHealth } from '../aws/target-health.ts';
import { mergeTargetHealth } from '../core/target-health.ts';
import type { Clock, LoadBalancerPort } from '../ports/index.ts';
import { AwsApiError } from './aws-error.ts';

/** ELBv2's target states that fleetward can meet. */
export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining';

export interface MemoryLoadBalancerOptions {
  readonly clock: Clock;
  /** The ARNs of the target groups there are. */
  readonly targetGroups: readonly string[];
  /** From registration until the health checks pass (`initial` before). Default 0. */
  readonly healthyAfterMs?: number;
  /** How long a deregistered target stays `draining`. Default 300 s, as ELBv2's. */
  readonly deregistrationDelayMs?: number;
  /**
   * What EC2 says of an instance: when given, only a running instance can be registered (as
   * RegisterTargets requires), and a target whose instance is not running is `initial` while
   * it is pending and `unused` otherwise.
   */
  readonly instanceState?: (instanceId: string) => Ec2State | undefined;
}

interface Target {
  readonly registeredAtMs: number;
  marked?: 'healthy' | 'unhealthy';
  drainingUntilMs?: number;
}

const DEFAULT_DEREGISTRATION_DELAY_MS = 300_000;

export class MemoryLoadBalancer implements LoadBalancerPort {
  private readonly groups: ReadonlyMap<string, Map<string, Target>>;
  private readonly healthyAfterMs: number;
  private readonly deregistrationDelayMs: number;

  constructor(private readonly options: MemoryLoadBalancerOptions) {
    this.groups = new Map(options.targetGroups.map((arn) => [arn, new Map()]));
    this.healthyAfterMs = options.healthyAfterMs ?? 0;
    this.deregistrationDelayMs = options.deregistrationDelayMs ?? DEFAULT_DEREGISTRATION_DELAY_MS;
  }

  async targetHealth(targetGroupArns: readonly string[]): Promise<Map<string, TargetHealth>> {
    const health = new Map<string, TargetHealth>();
    for (const arn of targetGroupArns) {
      for (const [instanceId, state] of this.targetsOf(this.group(arn))) mergeTargetHealth(health, instanceId, toTargetHealth(state));
    }
    return health;
  }

  /** Registering a registered target changes nothing; a draining one starts again. */
  async register(targetGroupArns: readonly string[], instanceId: string): Promise<void> {
    for (const arn of targetGroupArns) {
      const group = this.group(arn);
      this.refuseUnlessRunning(instanceId);
      const current = group.get(instanceId);
      if (current !== undefined && current.drainingUntilMs === undefined) continue;
      group.set(instanceId, { registeredAtMs: this.options.clock.now() });
    }
  }

  /** The whole batch or none of it, as ELBv2 does: every instance must run. */
  async registerTargets(targetGroupArn: string, instanceIds: readonly string[]): Promise<void> {
    this.group(targetGroupArn);
    for (const instanceId of instanceIds) this.refuseUnlessRunning(instanceId);
    for (const instanceId of instanceIds) await this.register([targetGroupArn], instanceId);
  }

  /** Deregistering what is not registered, or already draining, changes nothing (as the adapter reads it). */
  async deregister(targetGroupArns: readonly string[], instanceId: string): Promise<void> {
    for (const arn of targetGroupArns) {
      const group = this.group(arn);
      const target = group.get(instanceId);
      if (target === undefined || target.drainingUntilMs !== undefined) continue;
      if (this.deregistrationDelayMs === 0) group.delete(instanceId);
      else target.drainingUntilMs = this.options.clock.now() + this.deregistrationDelayMs;
    }
  }

  // --- Test helpers (not on the port) ---

  /** The target's health checks pass or fail from now on, in one target group or in all. */
  setHealth(instanceId: string, health: 'healthy' | 'unhealthy', targetGroupArn?: string): void {
    const groups = targetGroupArn === undefined ? [...this.groups.values()] : [this.group(targetGroupArn)];
    for (const group of groups) {
      const target = group.get(instanceId);
      if (target !== undefined) target.marked = health;
    }
  }

  /** A target's ELBv2 state now; undefined when it is not (or no longer) registered. */
  targetState(targetGroupArn: string, instanceId: string): TargetState | undefined {
    return this.targetsOf(this.group(targetGroupArn)).get(instanceId);
  }

  /** Every target of a group with its ELBv2 state now. */
  targets(targetGroupArn: string): Map<string, TargetState> {
    return this.targetsOf(this.group(targetGroupArn));
  }

  private group(arn: string): Map<string, Target> {
    const group = this.groups.get(arn);
    if (group === undefined) throw new AwsApiError('TargetGroupNotFoundException', `One or more target groups not found: ${arn}`);
    return group;
  }

  /** The group's targets and their states; targets whose draining ended are forgotten. */
  private targetsOf(group: Map<string, Target>): Map<string, TargetState> {
    const nowMs = this.options.clock.now();
    const states = new Map<string, TargetState>();
    for (const [instanceId, target] of group) {
      if (target.drainingUntilMs !== undefined && target.drainingUntilMs <= nowMs) group.delete(instanceId);
      else states.set(instanceId, this.stateOf(instanceId, target, nowMs));
    }
    return states;
  }

  private stateOf(instanceId: string, target: Target, nowMs: number): TargetState {
    if (target.drainingUntilMs !== undefined) return 'draining';
    const instance = this.options.instanceState?.(instanceId) ?? 'running';
    if (instance === 'pending') return 'initial';
    if (instance !== 'running') return 'unused';
    return target.marked ?? (nowMs < target.registeredAtMs + this.healthyAfterMs ? 'initial' : 'healthy');
  }

  private refuseUnlessRunning(instanceId: string): void {
    if (this.options.instanceState === undefined || this.options.instanceState(instanceId) === 'running') return;
    throw new AwsApiError('InvalidTargetException', `The following targets are not in a running state and can not be registered: '${instanceId}'`);
  }
}
