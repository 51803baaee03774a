/**
 * fleetward's typed errors: what went wrong in terms of the domain, so callers can tell a
 * lost race (expected, quiet) from a bad config (loud, counted) from an outage (retried).
 */
import { FleetwardError } from '../core/errors.ts';

export { FleetwardError, errorKind } from '../core/errors.ts';

/** Another run holds the fleet's lease: this run must not decide for the fleet. */
export class LeaseHeldError extends FleetwardError {
  constructor(
    readonly fleet: string,
    readonly holder: string,
    readonly expiresAtMs: number,
  ) {
    super(`fleet ${fleet} is locked by ${holder} until ${new Date(expiresAtMs).toISOString()}`);
  }
}

/** The lease expired or was taken over while this run worked: it must stop acting. */
export class LeaseLostError extends FleetwardError {
  constructor(readonly fleet: string, readonly owner: string) {
    super(`run ${owner} lost the lease of fleet ${fleet}`);
  }
}

/** How errors name a fleet's versioned records. */
export const recordNames = {
  status: (fleet: string) => `status of fleet ${fleet}`,
  instance: (fleet: string, instanceId: string) => `record of instance ${instanceId} of fleet ${fleet}`,
};

/**
 * A versioned record (named as recordNames name it) changed since it was read (optimistic
 * concurrency). `foundVersion` is what the write found instead: another version, or undefined
 * when there is no record.
 */
export class ConcurrentUpdateError extends FleetwardError {
  constructor(
    readonly what: string,
    readonly foundVersion: number | undefined,
  ) {
    super(`the ${what} was changed by another run (${foundVersion === undefined ? 'it does not exist' : `it is at version ${foundVersion}`})`);
  }
}

/** The decision log holds another entry for the step: another run logged it first, and it is never overwritten. */
export class DecisionLoggedError extends FleetwardError {
  constructor(readonly fleet: string, readonly step: number, readonly loggedAtMs: number) {
    super(`the decision log of fleet ${fleet} has an entry for step ${step} already, written by another run at ${new Date(loggedAtMs).toISOString()}`);
  }
}

/** Another run holds or took the fleet's lease, or wrote one of its records first: this run must stop, quietly. */
export const isLostRace = (error: unknown) =>
  error instanceof LeaseHeldError || error instanceof LeaseLostError || error instanceof ConcurrentUpdateError || error instanceof DecisionLoggedError;

/** An operator request with the same time and id is queued already. */
export class DuplicateRequestError extends FleetwardError {
  constructor(readonly fleet: string, readonly requestId: string) {
    super(`request ${requestId} of fleet ${fleet} is queued already`);
  }
}

/** A stored item does not read as what it should be (written by hand, or by another version). */
export class UnreadableItemError extends FleetwardError {
  constructor(readonly item: string, readonly problems: string) {
    super(`the stored ${item} cannot be read: ${problems}`);
  }
}

/** Something the config names does not exist: a launch template, a subnet, an image. */
export class ResourceNotFoundError extends FleetwardError {
  constructor(readonly resource: string, readonly detail: string, options?: ErrorOptions) {
    super(`${resource} not found: ${detail}`, options);
  }
}

/** EC2 refused every allowed instance type for lack of capacity. */
export class CapacityUnavailableError extends FleetwardError {}

/** An event that does not match any trigger fleetward understands. */
export class InvalidEventError extends FleetwardError {}

/** An AWS answer fleetward cannot use as it is: a batch left unwritten, a read that cannot be made. */
export class ServiceError extends FleetwardError {}

/** The endpoint does not implement the load balancing API (an emulator answering 501): target groups cannot be read or changed there. */
export class LoadBalancingUnavailableError extends FleetwardError {
  constructor(readonly statusCode: number, readonly detail: string, options?: ErrorOptions) {
    super(`load balancing unavailable at this endpoint (HTTP ${statusCode}: ${detail})`, options);
  }
}
