/**
 * The root of fleetward's errors: every error fleetward raises on purpose is a FleetwardError
 * of a named kind, so that callers act on the kind (a lost race is a quiet skip, a bad config
 * is loud, a capacity shortage feeds the launch backoff) and anything else reads as unexpected.
 */
export class FleetwardError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The kind of an error for logs and metrics: its class name, or "unexpected" for anything not fleetward's. */
export const errorKind = (error: unknown) => (error instanceof FleetwardError ? error.name : 'unexpected');
