/**
 * The tag a quarantined instance gets: why it left its fleet and which fleet that was. Free of
 * the SDK, so that the IAM policy, the EC2 adapter and the in-memory compute share it.
 */
export const QUARANTINE_TAG = 'fleetward:quarantined';

/** The tag's value, within EC2's 256 characters. */
export const quarantineTagValue = (fleet: string, reason: string) => `${fleet}: ${reason}`.slice(0, 256);
