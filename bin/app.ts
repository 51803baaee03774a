/**
 * The CDK app: deploys the stack `Fleetward` for the config file named by `-c config=<file>`
 * (default fleetward.config.yaml), with `-c instanceRoleArns=…`, `-c tagGuardRoleArns=…` and
 * `-c owner=…` for the props of the same names, and with cdk-nag's AWS Solutions checks. An invalid config
 * fails synthesis with every problem listed, and nothing is deployed.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '../functions/core/config.ts';
import { FleetwardStack } from '../lib/fleetward-stack.ts';
import { configPathFromContext, loadConfig } from '../lib/load-config.ts';

/** A list-valued context value (`instanceRoleArns`, `tagGuardRoleArns`): a JSON list in cdk.json or comma-separated with -c. */
function roleArns(app: App, key: string): string[] {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return [];
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .split(',')
    .map((arn) => arn.trim())
    .filter((arn) => arn !== '');
}

const app = new App();
try {
  new FleetwardStack(app, 'Fleetward', {
    config: loadConfig(configPathFromContext(app.node)),
    instanceRoleArns: roleArns(app, 'instanceRoleArns'),
    tagGuardRoleArns: roleArns(app, 'tagGuardRoleArns'),
    ...(typeof app.node.tryGetContext('owner') === 'string' ? { owner: String(app.node.tryGetContext('owner')) } : {}),
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
// cdk-nag 3 is a policy validation plugin: an unacknowledged error fails synthesis, and every
// acknowledgement is written into the template's metadata for audit.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
