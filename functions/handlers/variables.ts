/** The environment variables the construct gives the functions: a few names and numbers, none growing with the config. */

/** Where the config file is (./config-file.ts). */
export const CONFIG_FILE_VARIABLE = 'FLEETWARD_CONFIG_FILE';
/** The deployment's owner identity (fleetward:owner); the table name when unset. */
export const OWNER_VARIABLE = 'FLEETWARD_OWNER';
/** The dispatcher's: the scale function it invokes, and its pace (../core/dispatch.ts). */
export const SCALE_FUNCTION_VARIABLE = 'FLEETWARD_SCALE_FUNCTION';
export const FLEETS_PER_SECOND_VARIABLE = 'FLEETWARD_DISPATCH_FLEETS_PER_SECOND';
export const CONCURRENCY_VARIABLE = 'FLEETWARD_DISPATCH_CONCURRENCY';
/** The dispatcher's orphan scan cadence (../core/orphan-scan-cadence.ts): minutes between scans, and between the schedule's ticks. */
export const ORPHAN_SCAN_MINUTES_VARIABLE = 'FLEETWARD_DISPATCH_ORPHAN_SCAN_MINUTES';
export const SCHEDULE_MINUTES_VARIABLE = 'FLEETWARD_SCHEDULE_MINUTES';
