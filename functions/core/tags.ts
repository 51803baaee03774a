/** The EC2 tags fleetward reads and writes; IAM policies condition on the same keys. */

/** Marks an instance as a member of a fleet; fleetward never acts on an instance without it. */
export const FLEET_TAG = 'fleetward:fleet';
/** Set to "true" to keep fleetward from ever choosing the instance for scale-in. */
export const PROTECTED_TAG = 'fleetward:protected';
/** The deterministic id of the command that launched the instance. */
export const COMMAND_TAG = 'fleetward:command-id';
/**
 * The deployment that launched the instance: a value unique to one fleetward stack. An instance
 * of the fleet owned by another deployment is never adopted, counted or touched.
 */
export const OWNER_TAG = 'fleetward:owner';
/**
 * Set while the instance is in maintenance: the state survives the loss of fleetward's records,
 * and an instance adopted with it is adopted in maintenance, not in service.
 */
export const MAINTENANCE_TAG = 'fleetward:maintenance';
/**
 * Set to "true" to keep every voluntary disruption method (scale-in, evacuation, consolidation,
 * zone rebalance, a roll before its forced-patch deadline) from taking the instance out; failover
 * of a failed instance still replaces it.
 */
export const DO_NOT_DISRUPT_TAG = 'fleetward:do-not-disrupt';
