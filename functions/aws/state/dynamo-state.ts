/**
 * The four state ports of a step, and the orphan ledger, on fleetward's one DynamoDB table, built
 * alike for the scale function, the operator CLI and the tests.
 */
import type { StateStores } from '../../ports/state.ts';
import { DynamoActionJournal } from './action-journal.ts';
import { DynamoFleetRecords } from './fleet-records.ts';
import { DynamoLeaseStore } from './lease-store.ts';
import { DynamoLoadHistoryStore } from './load-history-store.ts';
import { DynamoOrphanLedger } from './orphan-ledger.ts';
import { TableClient, type TableOptions } from './table-client.ts';

export interface DynamoStateOptions extends TableOptions {
  /** Days before a decision log entry expires. */
  readonly decisionLogDays: number;
}

export interface DynamoState extends StateStores {
  readonly leases: DynamoLeaseStore;
  readonly journal: DynamoActionJournal;
  readonly records: DynamoFleetRecords;
  readonly history: DynamoLoadHistoryStore;
  readonly orphans: DynamoOrphanLedger;
}

export function dynamoState(options: DynamoStateOptions): DynamoState {
  const table = new TableClient(options);
  return {
    leases: new DynamoLeaseStore(table),
    journal: new DynamoActionJournal(table),
    records: new DynamoFleetRecords(table, options.decisionLogDays),
    history: new DynamoLoadHistoryStore(table),
    orphans: new DynamoOrphanLedger(table),
  };
}
