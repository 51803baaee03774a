/**
 * How long a control step may run and how long its lease lasts, in one place: the CDK construct
 * gives the scale function this timeout and the lease is derived from it, so a crashed run's
 * lease frees itself and a run that is still working never loses its lease to the clock.
 */

/** Lambda stops the scale function after this long. */
export const SCALE_FUNCTION_TIMEOUT_SECONDS = 60;

/** Beyond the timeout: the time from the invocation's start to its lease, and clock skew between runs. */
const LEASE_MARGIN_SECONDS = 60;

/** How long a lease taken or renewed by a run lasts: longer than the run can last. */
export const LEASE_TTL_MS = (SCALE_FUNCTION_TIMEOUT_SECONDS + LEASE_MARGIN_SECONDS) * 1000;
