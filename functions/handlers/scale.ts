/**
 * Lambda entry point of the scale function: reads its environment once per container, builds
 * the clients at module scope, and hands every invocation to the handler.
 */
import { ConfigError } from '../core/config.ts';
import { CONFIG_VARIABLE, OWNER_VARIABLE, decodeConfig } from './config-environment.ts';
import { createAwsClients } from './ports.ts';
import { createScaleHandler } from './scale-handler.ts';

function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new ConfigError('the environment', [`${name}: is not set`]);
  return value;
}

const config = decodeConfig(requireEnv(CONFIG_VARIABLE));
const topicArn = process.env.FLEETWARD_TOPIC_ARN;
const owner = process.env[OWNER_VARIABLE];

export const handler = createScaleHandler({
  config,
  tableName: requireEnv('FLEETWARD_TABLE_NAME'),
  clients: createAwsClients(),
  ...(topicArn === undefined || topicArn === '' ? {} : { topicArn }),
  ...(owner === undefined || owner === '' ? {} : { owner }),
});
