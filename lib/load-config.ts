/**
 * Reads the fleetward config file the CDK app deploys: the file named by the CDK context value
 * `config` (relative to the working directory), else fleetward.config.yaml at the repository root.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node } from 'constructs';
import { ConfigError, type FleetwardConfig } from '../functions/core/config.ts';
import { parseConfig } from '../functions/core/config-text.ts';

/** The CDK context key naming the config file: `npx cdk deploy -c config=prod.yaml`. */
export const CONFIG_CONTEXT_KEY = 'config';

/** The example config at the repository root, deployed when no `config` context is given. */
export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('../fleetward.config.yaml', import.meta.url));

/** The absolute path of the config file a construct tree's context selects. */
export function configPathFromContext(node: Node): string {
  const value: unknown = node.tryGetContext(CONFIG_CONTEXT_KEY);
  if (value === undefined) return DEFAULT_CONFIG_PATH;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(`context ${CONFIG_CONTEXT_KEY}`, ['must be the path of a YAML or JSON config file']);
  }
  return resolve(value);
}

/**
 * Reads and validates a config file; throws ConfigError listing every problem, each naming the
 * field at fault, or the reason the file could not be read.
 */
export function loadConfig(path: string = DEFAULT_CONFIG_PATH): FleetwardConfig {
  const source = relative(process.cwd(), path) || path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(source, [`cannot be read: ${(error as Error).message}`]);
  }
  return parseConfig(text, source);
}
