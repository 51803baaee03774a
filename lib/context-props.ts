/**
 * The Fleetward props a `cdk deploy` user sets without code: CDK context values, from
 * `-c key=value` (always text) or cdk.json's `context` (JSON values). Every problem is collected
 * and thrown at once, each naming its context key.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { ConfigError } from '../functions/core/config.ts';
import type { FleetwardProps } from './fleetward.ts';

/** The props context can set. */
export type ContextProps = Pick<
  FleetwardProps,
  'instanceRoleArns' | 'tagGuardRoleArns' | 'owner' | 'scheduleRate' | 'logRetention' | 'removalPolicy' | 'alarmNotifications' | 'memorySize' | 'architecture'
>;

/** The context keys read, with what each takes, for the error messages and the docs. */
export const CONTEXT_KEYS = {
  instanceRoleArns: 'IAM role ARNs, comma-separated (or a JSON list in cdk.json)',
  tagGuardRoleArns: 'IAM role ARNs, comma-separated (or a JSON list in cdk.json)',
  owner: 'the fleetward:owner tag value',
  scheduleRate: 'whole minutes between scheduled steps',
  logRetention: 'days to keep logs',
  removalPolicy: 'retain or destroy',
  alarmNotifications: 'true or false',
  memorySize: 'MB',
  architecture: 'arm64 or x86_64',
} as const;

const RETENTION_DAYS = new Set<number>(Object.values(logs.RetentionDays).filter((value): value is number => typeof value === 'number'));
const REMOVAL_POLICIES: Record<string, RemovalPolicy> = { retain: RemovalPolicy.RETAIN, destroy: RemovalPolicy.DESTROY };
const ARCHITECTURES: Record<string, lambda.Architecture> = { arm64: lambda.Architecture.ARM_64, x86_64: lambda.Architecture.X86_64 };

type Parsed<T> = { readonly value: T } | { readonly problem: string };

function list(value: unknown): Parsed<string[]> {
  if (Array.isArray(value)) return { value: value.map(String) };
  return { value: String(value).split(',').map((item) => item.trim()).filter((item) => item !== '') };
}

function wholeNumber(value: unknown): Parsed<number> {
  const number = typeof value === 'number' ? value : Number(String(value).trim());
  return Number.isInteger(number) && number > 0 && String(value).trim() !== '' ? { value: number } : { problem: `must be a whole number, got ${JSON.stringify(value)}` };
}

function oneOf<T>(choices: Record<string, T>): (value: unknown) => Parsed<T> {
  return (value) => {
    const choice = choices[String(value).trim().toLowerCase()];
    return choice !== undefined ? { value: choice } : { problem: `must be one of ${Object.keys(choices).join(', ')}, got ${JSON.stringify(value)}` };
  };
}

function boolean(value: unknown): Parsed<boolean> {
  if (value === true || value === 'true') return { value: true };
  if (value === false || value === 'false') return { value: false };
  return { problem: `must be true or false, got ${JSON.stringify(value)}` };
}

function retention(value: unknown): Parsed<logs.RetentionDays> {
  const days = wholeNumber(value);
  if ('value' in days && RETENTION_DAYS.has(days.value)) return { value: days.value as logs.RetentionDays };
  return { problem: `must be a number of days CloudWatch Logs offers (${[...RETENTION_DAYS].join(', ')}), got ${JSON.stringify(value)}` };
}

function minutes(value: unknown): Parsed<Duration> {
  const parsed = wholeNumber(value);
  return 'value' in parsed ? { value: Duration.minutes(parsed.value) } : { problem: `must be a whole number of minutes, at least 1, got ${JSON.stringify(value)}` };
}

const PARSERS: { readonly [K in keyof ContextProps]-?: (value: unknown) => Parsed<NonNullable<ContextProps[K]>> } = {
  instanceRoleArns: list,
  tagGuardRoleArns: list,
  owner: (value) => ({ value: String(value) }),
  scheduleRate: minutes,
  logRetention: retention,
  removalPolicy: oneOf(REMOVAL_POLICIES),
  alarmNotifications: boolean,
  memorySize: wholeNumber,
  architecture: oneOf(ARCHITECTURES),
};

/**
 * The props set in the context; absent or empty keys are left out, so the construct's defaults
 * apply. Throws ConfigError listing every bad value. The construct validates the values further
 * (role ARNs, owner, memory range) with its own field-naming errors.
 */
export function propsFromContext(node: Node): ContextProps {
  const props: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, parse] of Object.entries(PARSERS) as Array<[keyof ContextProps, (value: unknown) => Parsed<unknown>]>) {
    const value: unknown = node.tryGetContext(key);
    if (value === undefined || value === '') continue;
    const parsed = parse(value);
    if ('value' in parsed) props[key] = parsed.value;
    else problems.push(`${key} (${CONTEXT_KEYS[key]}): ${parsed.problem}`);
  }
  if (problems.length > 0) throw new ConfigError('CDK context', problems, 'the CDK context is');
  return props as ContextProps;
}
