/**
 * How the validated config travels in the scale function's environment: gzip-compressed JSON
 * in base64 behind a `gz:` prefix, so that many fleets fit Lambda's 4 KB environment. Plain
 * JSON is accepted too, for a function configured by hand.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConfigError, type FleetwardConfig, validateConfig } from '../core/config.ts';

export const CONFIG_VARIABLE = 'FLEETWARD_CONFIG';
/** The deployment's owner identity (fleetward:owner); the table name when unset. */
export const OWNER_VARIABLE = 'FLEETWARD_OWNER';
const COMPRESSED = 'gz:';

export function encodeConfig(config: FleetwardConfig): string {
  return COMPRESSED + gzipSync(JSON.stringify(config), { level: 9 }).toString('base64');
}

/** Decodes and validates; throws ConfigError naming the variable when it is bad. */
export function decodeConfig(value: string): FleetwardConfig {
  let json: string;
  try {
    json = value.startsWith(COMPRESSED) ? gunzipSync(Buffer.from(value.slice(COMPRESSED.length), 'base64')).toString('utf8') : value;
  } catch (error) {
    throw new ConfigError(CONFIG_VARIABLE, [`is not valid gzip in base64: ${error instanceof Error ? error.message : String(error)}`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(CONFIG_VARIABLE, [`is not valid JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return validateConfig(parsed, CONFIG_VARIABLE);
}
