/**
 * The config's Lambda layer: the validated config as JSON in fleetward/config.json, which both
 * functions read at /opt/fleetward/config.json. Its size does not count against the 4 KB
 * environment, and the code's asset stays the same when only the config changes.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { FleetwardConfig } from '../functions/core/config.ts';
import { CONFIG_FILE_NAME, CONFIG_LAYER_DIRECTORY, configFileText } from '../functions/handlers/config-file.ts';

export function newConfigLayer(scope: Construct, id: string, config: FleetwardConfig): lambda.LayerVersion {
  // The asset is staged (copied and hashed by content) at synthesis, so a temporary directory will do.
  const root = mkdtempSync(join(tmpdir(), 'fleetward-config-'));
  mkdirSync(join(root, CONFIG_LAYER_DIRECTORY));
  writeFileSync(join(root, CONFIG_LAYER_DIRECTORY, CONFIG_FILE_NAME), configFileText(config));
  return new lambda.LayerVersion(scope, id, {
    code: lambda.Code.fromAsset(root),
    description: 'fleetward: the validated config (fleetward/config.json)',
  });
}
