/**
 * The fault decisions of SdkFaults, independent of the order calls arrive in: each draw is a hash
 * of the seed, the rule, a purpose and the request's attempt (its stable key and how many times
 * that key arrived before), never the next number of a shared stream. The stable key is the
 * command and its input with what changes from run to run left out (tokens, hashes, times, page
 * tokens, emulator ids, the order of lists of names) and the instances and subnets it names given
 * stable names (the launch that made them, their zone). Requests with one key are told apart by
 * their arrival count, which is deterministic as long as requests sharing a key are not in flight
 * together.
 */
import { createHash } from 'node:crypto';
import { COMMAND_TAG } from '../../functions/core/tags.ts';

export interface Attempt {
  readonly key: string;
  /** 1 for the first time this key arrived, 2 for the next (the SDK's retry or a repeat). */
  readonly number: number;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const RESOURCE_ID = /\b(?:i|subnet)-[0-9a-f]{8,17}\b/g;
const VOLATILE = [
  [UUID, '<uuid>'],
  [/\b(?=\d*[a-f])[0-9a-f]{8,}\b/g, '<hex>'],
  [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?/g, '<time>'],
  // Epoch times, padded or not; small padded counters (steps, parts) stay.
  [/0*[1-9]\d{9,}/g, '<number>'],
] as const;

interface LaunchAnswer {
  readonly Instances?: ReadonlyArray<{ readonly InstanceId?: string }>;
}

interface SubnetsAnswer {
  readonly Subnets?: ReadonlyArray<{ readonly SubnetId?: string; readonly AvailabilityZone?: string }>;
}

export class FaultDraws {
  private readonly names = new Map<string, string>();
  private readonly arrivals = new Map<string, number>();
  private readonly uses = new Map<string, number>();

  constructor(private readonly seed: number) {}

  /** Counts a request's arrival and returns its attempt. */
  arrive(command: string, input: Record<string, unknown>): Attempt {
    const key = this.stableKey(command, input);
    const number = (this.arrivals.get(key) ?? 0) + 1;
    this.arrivals.set(key, number);
    return { key, number };
  }

  /** A number in [0, 1) fixed by the seed, the rule, the purpose and the attempt. */
  draw(rule: number, attempt: Attempt, purpose: 'rate' | 'kind'): number {
    const digest = createHash('sha256').update(`${this.seed}|${rule}|${purpose}|${attempt.number}|${attempt.key}`).digest();
    return digest.readUInt32BE(0) / 4_294_967_296;
  }

  /** Faults rule `rule` injected into requests with this attempt's key. */
  used(rule: number, attempt: Attempt): number {
    return this.uses.get(`${rule}|${attempt.key}`) ?? 0;
  }

  use(rule: number, attempt: Attempt): void {
    this.uses.set(`${rule}|${attempt.key}`, this.used(rule, attempt) + 1);
  }

  /** Learns stable names from an answer: the instances a launch made, the subnets described. */
  nameFrom(command: string, input: Record<string, unknown>, output: unknown): void {
    if (command === 'RunInstancesCommand') this.nameLaunched(input, output as LaunchAnswer);
    if (command === 'DescribeSubnetsCommand') this.nameSubnets(output as SubnetsAnswer);
  }

  /** Names the instances a launch made by its command, type and place in the answer. */
  private nameLaunched(input: Record<string, unknown>, answer: LaunchAnswer): void {
    const specs = (input.TagSpecifications ?? []) as Array<{ Tags?: Array<{ Key?: string; Value?: string }> }>;
    const command = specs.flatMap((spec) => spec.Tags ?? []).find((tag) => tag.Key === COMMAND_TAG)?.Value ?? '';
    const launch = `${this.stable(command)}|${String(input.InstanceType)}`;
    (answer.Instances ?? []).forEach((instance, index) => {
      if (instance.InstanceId !== undefined && !this.names.has(instance.InstanceId)) this.names.set(instance.InstanceId, `instance(${launch}#${index})`);
    });
  }

  /** Names the subnets an answer describes by their zone. */
  private nameSubnets(answer: SubnetsAnswer): void {
    for (const subnet of answer.Subnets ?? []) {
      if (subnet.SubnetId !== undefined) this.names.set(subnet.SubnetId, `subnet(${subnet.AvailabilityZone ?? ''})`);
    }
  }

  /** The command and its input as JSON with sorted fields, stable names (field names too: a table's), and no page tokens or DynamoDB numbers. */
  stableKey(command: string, input: Record<string, unknown>): string {
    const json = JSON.stringify(input, (field, value: unknown) => {
      if (field === 'NextToken') return '<page>';
      if (typeof value === 'string') return this.stable(value);
      // A list of ids comes in the order of the emulator's random ids: as a set, in the order of their stable names.
      if (Array.isArray(value)) return value.every((item) => typeof item === 'string') ? value.map((item: string) => this.stable(item)).sort() : value;
      if (value === null || typeof value !== 'object') return value;
      const entries = Object.entries(value as Record<string, unknown>).map(([name, inner]) => [this.stable(name), inner] as const);
      if (entries.length === 1 && entries[0]?.[0] === 'N') return '<number>';
      return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)));
    });
    return `${command} ${json}`;
  }

  private stable(text: string): string {
    const named = text.replace(RESOURCE_ID, (id) => this.names.get(id) ?? id);
    return VOLATILE.reduce((masked, [pattern, mask]) => masked.replace(pattern, mask), named);
  }
}
