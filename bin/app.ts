/**
 * The CDK app: deploys the stack `Fleetward` for the config file named by `-c config=<file>`
 * (default fleetward.config.yaml), with the construct props that context sets (`-c scheduleRate=5`,
 * `-c logRetention=90`, `-c removalPolicy=destroy`, `-c alarmNotifications=false`,
 * `-c instanceRoleArns=…`, … — lib/context-props.ts), and with cdk-nag's AWS Solutions checks. An
 * invalid config or context fails synthesis with every problem listed, and nothing is deployed.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '../functions/core/config.ts';
import { propsFromContext } from '../lib/context-props.ts';
import { FleetwardStack } from '../lib/fleetward-stack.ts';
import { configPathFromContext, loadConfig } from '../lib/load-config.ts';

const app = new App();
const invalid: ConfigError[] = [];
/** Runs one read of the app's input, keeping its ConfigError so that every problem is reported at once. */
function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    invalid.push(error);
    return undefined;
  }
}
const config = attempt(() => loadConfig(configPathFromContext(app.node)));
const contextProps = attempt(() => propsFromContext(app.node));
if (config !== undefined && contextProps !== undefined) attempt(() => new FleetwardStack(app, 'Fleetward', { config, ...contextProps }));
if (invalid.length > 0) {
  console.error(invalid.map((error) => error.message).join('\n'));
  process.exit(1);
}
// cdk-nag 3 is a policy validation plugin: an unacknowledged error fails synthesis, and every
// acknowledgement is written into the template's metadata for audit.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
