/** The dispatcher's port: start one fleet's scheduled step without waiting for it (an asynchronous invocation). */

/** What the scale function receives for one fleet's scheduled step. */
export interface FleetStepEvent {
  readonly source: 'fleetward.schedule';
  readonly executionId: string;
  readonly scheduledTime: string;
  readonly fleet: string;
}

export interface FleetStepInvoker {
  /** Resolves once the invocation is queued; rejects when it could not be. */
  invoke(event: FleetStepEvent): Promise<void>;
}
