/**
 * The package's entry point: the Fleetward construct and stack, reading and validating a config,
 * and the props a CDK app's context sets.
 */
export { Fleetward, LAMBDA_ENVIRONMENT_LIMIT_BYTES, type FleetwardProps } from './fleetward.ts';
export { FleetwardStack, type FleetwardStackProps } from './fleetward-stack.ts';
export type { FunctionSettings } from './function-settings.ts';
export type { DispatchProps } from './dispatch-settings.ts';
export { CONTEXT_KEYS, propsFromContext, type ContextProps } from './context-props.ts';
export { CONFIG_CONTEXT_KEY, loadConfig } from './load-config.ts';
export { parseConfig } from '../functions/core/config-text.ts';
export { ConfigError, validateConfig, type FleetConfig, type FleetwardConfig } from '../functions/core/config.ts';
