/**
 * Faults injected into real AWS SDK v3 clients, for tests and benchmarks only: an SDK middleware
 * below the SDK's own retries that, per attempt and per command, at a chosen rate, throttles,
 * answers 5xx, times out before the request is sent, times out after it was applied (a lost
 * answer: the service acted, the SDK retries), or answers InsufficientInstanceCapacity to
 * RunInstances. Each decision is a hash of the seed, the rule, the request's stable key and its
 * attempt number for that key, never a draw from a shared stream: calls issued concurrently meet
 * the same faults in whatever order they arrive. Every injected fault is recorded. As EC2 does
 * and moto does not, a RunInstances sent again with the same ClientToken (the SDK retrying a lost
 * answer) answers the first launch instead of launching again.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { FinalizeHandler, FinalizeHandlerArguments, HandlerExecutionContext, MetadataBearer, Pluggable } from '@smithy/types';
import type { AwsClients } from '../../functions/handlers/ports.ts';
import { FaultDraws } from './fault-draws.ts';

/** The SDK's standard attempts (3); its backoff (up to seconds) shortened so that many faults run fast. */
const ATTEMPTS = 3;
const BACKOFF_MS = 2;

export type SdkFaultKind = 'throttling' | 'server-error' | 'timeout' | 'lost-answer' | 'insufficient-capacity';

export const RETRYABLE_FAULTS: readonly SdkFaultKind[] = ['throttling', 'server-error', 'timeout', 'lost-answer'];

export interface SdkFaultRule {
  /** Command names as the SDK gives them (PutItemCommand, RunInstancesCommand); every command when absent. */
  readonly commands?: readonly string[];
  /** Only requests whose input matches. */
  readonly when?: (input: Record<string, unknown>) => boolean;
  /** The faults to choose from, evenly. */
  readonly kinds: readonly SdkFaultKind[];
  /** Probability per attempt, 0 to 1. */
  readonly rate: number;
  /**
   * At most this many faults from this rule for one request key (over its attempts and its
   * repeats); no limit when absent. Per key, not per rule: a limit over all requests would fault
   * whichever arrived first, which is the arrival order again. To fault one request, pick it with `when`.
   */
  readonly limit?: number;
}

export interface InjectedSdkFault {
  readonly command: string;
  readonly kind: SdkFaultKind;
  readonly input: Record<string, unknown>;
}

/** An error shaped as the SDK shapes a service's, so its retry strategy classifies it as it would the real one. */
function serviceError(name: string, message: string, httpStatusCode: number, fault: 'client' | 'server'): Error {
  const error = new Error(`${message} (injected)`);
  return Object.assign(error, { name, Code: name, $fault: fault, $metadata: { httpStatusCode, attempts: 1, totalRetryDelay: 0 } });
}

function faultError(kind: SdkFaultKind): Error {
  switch (kind) {
    case 'throttling':
      return serviceError('ThrottlingException', 'Rate exceeded', 400, 'client');
    case 'server-error':
      return serviceError('InternalServerError', 'We encountered an internal error. Please try again.', 500, 'server');
    case 'timeout':
    case 'lost-answer':
      return Object.assign(new Error(`socket timed out (${kind}, injected)`), { name: 'TimeoutError', code: 'ETIMEDOUT' });
    case 'insufficient-capacity':
      // EC2 lists InsufficientInstanceCapacity among its server errors (HTTP 500): the SDK retries it, then it reaches the caller.
      return serviceError('InsufficientInstanceCapacity', 'We currently do not have sufficient capacity in the Availability Zone you requested', 500, 'server');
  }
}

/** The string value of a DynamoDB key attribute of a request, marshalled ({ S: ... }) or not. */
export function requestKey(input: Record<string, unknown>, attribute: 'pk' | 'sk'): string | undefined {
  const item = (input.Item ?? input.Key) as Record<string, unknown> | undefined;
  const value = item?.[attribute];
  if (typeof value === 'string') return value;
  const wrapped = (value as { S?: unknown } | undefined)?.S;
  return typeof wrapped === 'string' ? wrapped : undefined;
}

interface ClientWithStack {
  readonly middlewareStack: { use(pluggable: Pluggable<object, MetadataBearer>): void };
}

export class SdkFaults {
  readonly injected: InjectedSdkFault[] = [];
  private readonly launches = new Map<string, unknown>();
  private readonly draws: FaultDraws;
  private active = true;

  constructor(
    seed: number,
    private readonly rules: readonly SdkFaultRule[],
  ) {
    this.draws = new FaultDraws(seed);
  }

  /** No fault is injected until start(); recorded faults stay. */
  stop(): void {
    this.active = false;
  }

  start(): void {
    this.active = true;
  }

  /** Adds the middleware to a client (below its retries, so each attempt may fail) and returns the client. */
  attach<C extends ClientWithStack>(client: C): C {
    client.middlewareStack.use({
      applyToStack: (stack) =>
        stack.add(<Output extends MetadataBearer>(next: FinalizeHandler<object, Output>, context: HandlerExecutionContext) => this.handler(next, context), {
          step: 'finalizeRequest',
          priority: 'low',
          name: 'fleetwardInjectedFaults',
        }),
    });
    return client;
  }

  private choose(command: string, input: Record<string, unknown>): SdkFaultKind | undefined {
    const attempt = this.draws.arrive(command, input);
    if (!this.active) return undefined;
    for (const [index, rule] of this.rules.entries()) {
      if (rule.commands !== undefined && !rule.commands.includes(command)) continue;
      if (rule.when !== undefined && !rule.when(input)) continue;
      const kinds = rule.kinds.filter((kind) => kind !== 'insufficient-capacity' || command === 'RunInstancesCommand');
      if (kinds.length === 0 || this.draws.used(index, attempt) >= (rule.limit ?? Infinity)) continue;
      if (this.draws.draw(index, attempt, 'rate') >= rule.rate) continue;
      this.draws.use(index, attempt);
      return kinds[Math.floor(this.draws.draw(index, attempt, 'kind') * kinds.length)];
    }
    return undefined;
  }

  /** Sends the request; a RunInstances whose ClientToken was sent before gets the first answer, as from EC2. */
  private async send<T>(command: string, input: Record<string, unknown>, request: () => Promise<T>): Promise<T> {
    const token = command === 'RunInstancesCommand' && typeof input.ClientToken === 'string' ? input.ClientToken : undefined;
    if (token === undefined) return request();
    if (this.launches.has(token)) return this.launches.get(token) as T;
    const answer = await request();
    this.launches.set(token, answer);
    return answer;
  }

  private handler<Output extends MetadataBearer>(next: FinalizeHandler<object, Output>, context: HandlerExecutionContext): FinalizeHandler<object, Output> {
    return async (args: FinalizeHandlerArguments<object>) => {
      const command = context.commandName ?? 'unknown';
      const input = args.input as Record<string, unknown>;
      const kind = this.choose(command, input);
      if (kind !== undefined) this.injected.push({ command, kind, input });
      if (kind !== undefined && kind !== 'lost-answer') throw faultError(kind);
      const answer = await this.send(command, input, () => next(args));
      this.draws.nameFrom(command, input, answer.output);
      if (kind === 'lost-answer') throw faultError(kind);
      return answer;
    };
  }
}

/** The handler's clients from the environment, as createAwsClients makes them, each with the faults attached (and its own retry quota). */
export function clientsWithFaults(faults: SdkFaults): AwsClients {
  const config = () => ({ retryStrategy: new ConfiguredRetryStrategy(ATTEMPTS, BACKOFF_MS) });
  return {
    ec2: faults.attach(new EC2Client(config())),
    cloudwatch: faults.attach(new CloudWatchClient(config())),
    dynamodb: faults.attach(new DynamoDBClient(config())),
    elbv2: faults.attach(new ElasticLoadBalancingV2Client(config())),
    eventbridge: faults.attach(new EventBridgeClient(config())),
  };
}
