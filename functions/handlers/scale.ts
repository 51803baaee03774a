/**
 * Lambda entry point of both functions: reads the config file once per container, builds the
 * clients at module scope, and hands every invocation to its handler: `handler` for the scale
 * function (one fleet's step, or the fleets an event names), `dispatch` for the dispatcher (the
 * schedule's tick, one asynchronous invocation of the scale function per fleet).
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { LambdaInvoker } from '../aws/lambda-invoker.ts';
import { ConfigError } from '../core/config.ts';
import { DISPATCH_DEFAULTS, type DispatchSettings } from '../core/dispatch.ts';
import { ORPHAN_SCAN_DEFAULTS, type OrphanScanCadence } from '../core/orphan-scan-cadence.ts';
import { readConfigFile } from './config-file.ts';
import { createDispatchHandler } from './dispatch-handler.ts';
import { createAwsClients } from './ports.ts';
import { createScaleHandler } from './scale-handler.ts';
import {
  CONCURRENCY_VARIABLE,
  CONFIG_FILE_VARIABLE,
  FLEETS_PER_SECOND_VARIABLE,
  ORPHAN_SCAN_MINUTES_VARIABLE,
  OWNER_VARIABLE,
  SCALE_FUNCTION_VARIABLE,
  SCHEDULE_MINUTES_VARIABLE,
} from './variables.ts';

function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new ConfigError('the environment', [`${name}: is not set`]);
  return value;
}

/** A positive number from the environment, or the default when unset. */
function numberEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!(value > 0)) throw new ConfigError('the environment', [`${name}: must be a positive number, got ${JSON.stringify(text)}`]);
  return value;
}

const config = readConfigFile(requireEnv(CONFIG_FILE_VARIABLE));
const topicArn = process.env.FLEETWARD_TOPIC_ARN;
const owner = process.env[OWNER_VARIABLE];
const portOptions = {
  config,
  tableName: requireEnv('FLEETWARD_TABLE_NAME'),
  clients: createAwsClients(),
  ...(topicArn === undefined || topicArn === '' ? {} : { topicArn }),
  ...(owner === undefined || owner === '' ? {} : { owner }),
};

let scale: ReturnType<typeof createScaleHandler> | undefined;
let dispatcher: ReturnType<typeof createDispatchHandler> | undefined;

export const handler = (event: unknown, context: Context) => (scale ??= createScaleHandler(portOptions))(event, context);

export const dispatch = (event: unknown, context: Context) => {
  dispatcher ??= createDispatchHandler({
    ...portOptions,
    invoker: new LambdaInvoker(new LambdaClient({}), requireEnv(SCALE_FUNCTION_VARIABLE)),
    settings: dispatchSettings(),
    orphanScan: orphanScanCadence(),
  });
  return dispatcher(event, context);
};

function dispatchSettings(): DispatchSettings {
  return {
    fleetsPerSecond: numberEnv(FLEETS_PER_SECOND_VARIABLE, DISPATCH_DEFAULTS.fleetsPerSecond),
    concurrency: Math.floor(numberEnv(CONCURRENCY_VARIABLE, DISPATCH_DEFAULTS.concurrency)),
  };
}

function orphanScanCadence(): OrphanScanCadence {
  return {
    everyMinutes: Math.floor(numberEnv(ORPHAN_SCAN_MINUTES_VARIABLE, ORPHAN_SCAN_DEFAULTS.everyMinutes)),
    scheduleMinutes: Math.floor(numberEnv(SCHEDULE_MINUTES_VARIABLE, ORPHAN_SCAN_DEFAULTS.scheduleMinutes)),
  };
}
