/**
 * Where the functions find the validated config: a JSON file the construct ships in a Lambda
 * layer (so its size does not count against the 4 KB environment), named by FLEETWARD_CONFIG_FILE. It is
 * read and validated again once per cold start; a missing or bad file fails loudly, naming it.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, type FleetwardConfig, validateConfig } from '../core/config.ts';

/** The config layer's directory, and the file in it; a layer's files appear under /opt. */
export const CONFIG_LAYER_DIRECTORY = 'fleetward';
export const CONFIG_FILE_NAME = 'config.json';
export const DEPLOYED_CONFIG_FILE = `/opt/${CONFIG_LAYER_DIRECTORY}/${CONFIG_FILE_NAME}`;

/** The config as the construct writes it into the layer. */
export function configFileText(config: FleetwardConfig): string {
  return JSON.stringify(config);
}

/** Reads, parses and validates the config file; throws ConfigError naming the file when it is bad. */
export function readConfigFile(path: string): FleetwardConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot be read: ${error instanceof Error ? error.message : String(error)}`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [`is not valid JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return validateConfig(parsed, path);
}
