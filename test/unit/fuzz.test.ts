/**
 * Fuzzing with fixed seeds: 10,000 configs and 10,000 events per run, most of them a valid
 * document with one to three values replaced, removed or added at random paths. Every input is
 * either accepted or rejected with an error that names where it is wrong; nothing else escapes.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../functions/core/config.ts';
import { parseConfig } from '../../functions/core/config-text.ts';
import { parseTrigger } from '../../functions/handlers/events.ts';
import { InvalidEventError } from '../../functions/ports/errors.ts';

const RUNS = 10_000;
const EXAMPLE = parseConfig(readFileSync(new URL('../../fleetward.config.yaml', import.meta.url), 'utf8'));
const EXAMPLE_RAW: unknown = JSON.parse(JSON.stringify(EXAMPLE));

const EVENTS: readonly unknown[] = [
  { source: 'fleetward.schedule', executionId: 'run-1', scheduledTime: '2026-12-01T00:00:00Z' },
  {
    id: 'a1',
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    detail: {
      alarmName: 'fleetward-web-cpu',
      state: { value: 'ALARM' },
      configuration: { metrics: [{ metricStat: { metric: { name: 'StatusCheckFailed', dimensions: { InstanceId: 'i-0abc' } } } }] },
    },
  },
  { id: 'e1', source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: { 'instance-id': 'i-0abc', state: 'terminated' } },
  { id: 'e2', source: 'aws.ec2', 'detail-type': 'EC2 Spot Instance Interruption Warning', detail: { 'instance-id': 'i-0abc', 'instance-action': 'stop' } },
  {
    id: 'h1',
    source: 'aws.health',
    'detail-type': 'AWS Health Event',
    detail: { service: 'EC2', eventTypeCode: 'AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED', affectedEntities: [{ entityValue: 'i-0abc' }] },
  },
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Edit = { readonly path: readonly number[]; readonly value: Json | undefined; readonly key: string };

/** Any JSON value, including the awkward ones: huge and tiny numbers, NUL bytes, deep nesting. */
const jsonValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1e-320, 1e308, '', '\u0000', 'aws:x', '-1', '10%', '{instanceId}'),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 12 }),
  fc.json({ depthSize: 'small' }).map((text) => JSON.parse(text) as Json),
);

const edit: fc.Arbitrary<Edit> = fc.record({
  path: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
  value: fc.option(jsonValue, { nil: undefined }),
  key: fc.constantFrom('name', 'min', 'max', 'target', 'extra', 'type', 'value', 'fleets', 'detail', 'source', 'id'),
});

/** Walks the path choosing among the children by index, then replaces, removes or adds there. */
function applyEdit(root: Json, { path, value, key }: Edit): Json {
  const copy = structuredClone(root);
  let node: Json = copy;
  for (const [depth, step] of path.entries()) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const chosen = keys[step % keys.length] as string;
    const container = node as Record<string, Json>;
    const child = container[chosen] as Json;
    const last = depth === path.length - 1 || child === null || typeof child !== 'object';
    if (!last) {
      node = child;
      continue;
    }
    if (value === undefined) Reflect.deleteProperty(container, chosen);
    else if (step % 3 === 0 && !Array.isArray(node)) container[key] = value;
    else container[chosen] = value;
    break;
  }
  return copy;
}

const mutated = (base: unknown) => fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => edits.reduce(applyEdit, base as Json));

/** The error the input was rejected with (undefined when accepted); any other error escapes. */
function rejection<E extends Error>(run: () => unknown, expected: new (...args: never[]) => E): E | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof expected) return error;
    throw new Error(`escaped: ${String(error)}`, { cause: error });
  }
}

describe('fuzzing', () => {
  it(`accepts or rejects ${RUNS} configs, each problem naming its field or line`, () => {
    const counts = { accepted: 0, rejected: 0 };
    const config = fc.oneof(
      { weight: 8, arbitrary: mutated(EXAMPLE_RAW).map((raw) => ({ yaml: false, raw })) },
      { weight: 1, arbitrary: mutated(EXAMPLE_RAW).map((raw) => ({ yaml: true, raw: stringify(raw) })) },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((raw) => ({ yaml: true, raw })) },
    );
    fc.assert(
      fc.property(config, ({ yaml, raw }) => {
        const error = rejection(() => (yaml ? parseConfig(raw as string) : validateConfig(raw)), ConfigError);
        counts[error === undefined ? 'accepted' : 'rejected'] += 1;
        for (const problem of error?.problems ?? []) expect(problem).toMatch(/^(\(top level\)|line \d+, column \d+|YAML|([\w:/@+=-]|\.|\[\d+\]|\["(?:[^"\\]|\\.)*"\])+): \S/);
      }),
      { seed: 18, numRuns: RUNS },
    );
    expect(counts.accepted).toBeGreaterThan(RUNS / 20);
    expect(counts.rejected).toBeGreaterThan(RUNS / 2);
  });

  it(`accepts or rejects ${RUNS} events, each rejection naming its field`, () => {
    const counts = { accepted: 0, rejected: 0 };
    const event = fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...EVENTS).chain(mutated) },
      { weight: 1, arbitrary: jsonValue },
    );
    fc.assert(
      fc.property(event, (input) => {
        const error = rejection(() => parseTrigger(input, EXAMPLE), InvalidEventError);
        counts[error === undefined ? 'accepted' : 'rejected'] += 1;
        if (error !== undefined) expect(error.message).toMatch(/^(not an event fleetward handles: (\(event\)|[\w.-]+): \S|alarm .+ does not belong to any fleet)/);
      }),
      { seed: 18, numRuns: RUNS },
    );
    expect(counts.accepted).toBeGreaterThan(RUNS / 20);
    expect(counts.rejected).toBeGreaterThan(RUNS / 2);
  });
});
