/**
 * The scale function's settings a deployment may change (memory, timeout, architecture, extra
 * environment variables): the props, their defaults, and the problems with given values.
 */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SCALE_FUNCTION_TIMEOUT_SECONDS } from '../functions/control/step-timing.ts';

/** Lambda's memory range, in MB. */
const MEMORY_MIN_MB = 128;
const MEMORY_MAX_MB = 10_240;
/** What an environment variable name may be (Lambda's rule). */
const VARIABLE_NAME = /^[a-zA-Z][a-zA-Z0-9_]*$/;

/** Escape hatches for the scale function. */
export interface FunctionSettings {
  /**
   * The scale function's memory in MB (Lambda gives CPU in proportion), 128 to 10240.
   * @default 512
   */
  readonly memorySize?: number;

  /**
   * The scale function's timeout, at most 60 seconds: a fleet's lease is derived from 60 seconds,
   * and a longer run could outlive it and overlap the next step.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;

  /**
   * The scale function's architecture. The code is plain JavaScript, so either works.
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;

  /**
   * Extra environment variables of the scale function (a proxy, SDK settings). They count towards
   * Lambda's 4 KB environment limit, and may not replace the variables fleetward sets.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
}

/** The settings used for those not given. */
export const FUNCTION_DEFAULTS = {
  memorySize: 512,
  timeout: Duration.seconds(SCALE_FUNCTION_TIMEOUT_SECONDS),
  architecture: lambda.Architecture.ARM_64,
} as const;

/** Every problem with the given settings, each naming its prop; `reserved` are the variables fleetward sets. */
export function functionSettingsProblems(settings: FunctionSettings, reserved: readonly string[]): string[] {
  const problems: string[] = [];
  const memory = settings.memorySize;
  if (memory !== undefined && !(Number.isInteger(memory) && memory >= MEMORY_MIN_MB && memory <= MEMORY_MAX_MB)) {
    problems.push(`memorySize: must be a whole number of MB from ${MEMORY_MIN_MB} to ${MEMORY_MAX_MB}, got ${memory}`);
  }
  const timeout = settings.timeout;
  if (timeout !== undefined && !timeout.isUnresolved()) {
    const seconds = timeout.toSeconds({ integral: false });
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > SCALE_FUNCTION_TIMEOUT_SECONDS) {
      problems.push(
        `timeout: must be whole seconds from 1 to ${SCALE_FUNCTION_TIMEOUT_SECONDS} (a fleet's lease is derived from ${SCALE_FUNCTION_TIMEOUT_SECONDS} s), got ${timeout.toHumanString()}`,
      );
    }
  }
  for (const name of Object.keys(settings.environment ?? {})) {
    if (reserved.includes(name)) problems.push(`environment.${name}: fleetward sets this variable itself`);
    else if (!VARIABLE_NAME.test(name)) problems.push(`environment[${JSON.stringify(name)}]: must be a letter then letters, digits and _`);
  }
  return problems;
}
