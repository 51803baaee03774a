/**
 * Every key of fleetward's single DynamoDB table is built here, so the table's layout can be
 * read in one place. The CDK construct uses the attribute names below to define the table.
 */

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
/** Epoch seconds after which DynamoDB may delete the item (decision log, event records). */
export const TTL_ATTRIBUTE = 'expiresAt';
/** Partition of the records that make event handling idempotent. */
export const IDEMPOTENCY_PARTITION = 'IDEMPOTENCY';

/** Periods of load history stored in one item. */
export const LOAD_POINTS_PER_ITEM = 60;

const fleetPartition = (fleet: string) => `FLEET#${fleet}`;

export const keys = {
  fleetStatus: (fleet: string) => ({ pk: fleetPartition(fleet), sk: 'STATUS' }),
  lease: (fleet: string) => ({ pk: fleetPartition(fleet), sk: 'LEASE' }),
  instance: (fleet: string, instanceId: string) => ({ pk: fleetPartition(fleet), sk: `INSTANCE#${instanceId}` }),
  instancePrefix: (fleet: string) => ({ pk: fleetPartition(fleet), skPrefix: 'INSTANCE#' }),
  action: (fleet: string, commandId: string) => ({ pk: fleetPartition(fleet), sk: `ACTION#${commandId}` }),
  /** Decisions sort by time: the step number is zero-padded so lexical order is step order. */
  decision: (fleet: string, step: number) => ({
    pk: fleetPartition(fleet),
    sk: `DECISION#${String(step).padStart(12, '0')}`,
  }),
  decisionPrefix: (fleet: string) => ({ pk: fleetPartition(fleet), skPrefix: 'DECISION#' }),
  /** Operator requests sort by the time they were made: the oldest is settled first. */
  request: (fleet: string, requestedAtMs: number, requestId: string) => ({
    pk: fleetPartition(fleet),
    sk: `REQUEST#${String(requestedAtMs).padStart(15, '0')}#${requestId}`,
  }),
  requestPrefix: (fleet: string) => ({ pk: fleetPartition(fleet), skPrefix: 'REQUEST#' }),
  /**
   * Load history: one item per LOAD_POINTS_PER_ITEM periods of one metric period length, the
   * periods as attributes p00..p59; chunks sort by time.
   */
  loadChunk: (fleet: string, periodSeconds: number, chunk: number) => ({
    pk: fleetPartition(fleet),
    sk: `LOAD#${String(periodSeconds).padStart(5, '0')}#${String(chunk).padStart(12, '0')}`,
  }),
  /** The cached forecast model of a predictive fleet. */
  forecast: (fleet: string) => ({ pk: fleetPartition(fleet), sk: 'FORECAST' }),
} as const;
