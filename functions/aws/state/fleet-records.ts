/**
 * The FleetRecords port on DynamoDB: the fleet's status and instance records (versioned, written
 * only if the version read is still there; the failed condition hands back the version found),
 * operator requests in time order, all three read by a step in one Query, and the decision log,
 * newest first, expiring after its days, a large entry's actions spread over part items
 * (./decision-parts.ts).
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FleetStatus, InstanceRecord, OperatorRequest } from '../../core/model.ts';
import type { NextStatus } from '../../core/step/index.ts';
import { ConcurrentUpdateError, DecisionLoggedError, DuplicateRequestError, recordNames } from '../../ports/errors.ts';
import { type DecisionEntry, type FleetRecords, type FleetSnapshot, type InstanceChanges, isSameDecision } from '../../ports/state.ts';
import { TTL_ATTRIBUTE, decisionItem, decisionPartItem, instanceItem, requestItem, statusItem } from '../table-keys.ts';
import { packActions } from './decision-parts.ts';
import type { ConditionFailure, StoredItem, TableClient } from './table-client.ts';

/** Create (no version expected: the item must not exist) or replace the version read. */
const versionCondition = (expectedVersion: number | undefined) =>
  expectedVersion === undefined
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': expectedVersion } };

const INSTANCE_PREFIX = instanceItem.prefix('').skPrefix;
const REQUEST_PREFIX = requestItem.prefix('').skPrefix;
const STATUS_KEY = statusItem.key('').sk;

/**
 * The fleet's sort keys from its first instance record to its status, in order INSTANCE#…, LEASE,
 * LOAD#… (a predictive fleet's load history), REQUEST#…, STATUS: one Query covers the three a step
 * reads, and the filter keeps the lease and the load history (and any item added later between
 * them) out of the answer, though their read units are still billed (docs/scale.md).
 */
const STEP_RECORDS_FILTER = {
  expression: 'begins_with(sk, :instances) OR begins_with(sk, :requests) OR sk = :status',
  values: { ':instances': INSTANCE_PREFIX, ':requests': REQUEST_PREFIX, ':status': STATUS_KEY },
};

export class DynamoFleetRecords implements FleetRecords {
  constructor(
    private readonly table: TableClient,
    /** Days before a decision log entry expires. */
    private readonly decisionLogDays: number,
  ) {}

  async getStatus(fleet: string): Promise<FleetStatus | undefined> {
    const result = await this.table.client.send(new GetCommand({ TableName: this.table.name, Key: statusItem.key(fleet), ConsistentRead: true }));
    return result.Item === undefined ? undefined : this.decodeStatus(fleet, result.Item);
  }

  /**
   * One consistent Query, every page, of the sort keys from INSTANCE# to STATUS. A predictive
   * fleet's load history lies in that range (14 days of it, ~70 read units at a 60 s period, more
   * than its records at 1,000 instances), so its records are read as three reads that skip it.
   */
  async readFleet(fleet: string, { keepsLoadHistory }: { readonly keepsLoadHistory: boolean }): Promise<FleetSnapshot> {
    if (keepsLoadHistory) {
      const [status, instances, requests] = await Promise.all([this.getStatus(fleet), this.listInstances(fleet), this.listRequests(fleet)]);
      return { status, instances, requests };
    }
    const { pk } = statusItem.key(fleet);
    const items = await this.table.queryRange(pk, INSTANCE_PREFIX, STATUS_KEY, STEP_RECORDS_FILTER);
    let status: FleetStatus | undefined;
    const instances: InstanceRecord[] = [];
    const requests: OperatorRequest[] = [];
    for (const item of items) {
      const sk = String(item.sk);
      if (sk === STATUS_KEY) status = this.decodeStatus(fleet, item);
      else if (sk.startsWith(INSTANCE_PREFIX)) instances.push(this.decodeInstance(fleet, item));
      else if (sk.startsWith(REQUEST_PREFIX)) requests.push(this.decodeRequest(fleet, item));
    }
    return { status, instances, requests };
  }

  async putStatus(fleet: string, next: NextStatus, expectedVersion: number | undefined): Promise<void> {
    const failure = await this.table.putIf({ Item: { ...statusItem.key(fleet), ...next, version: (expectedVersion ?? 0) + 1 }, ...versionCondition(expectedVersion) });
    if (failure !== undefined) throw new ConcurrentUpdateError(recordNames.status(fleet), this.versionFound(failure, statusItem.schema, recordNames.status(fleet)));
  }

  async listInstances(fleet: string): Promise<InstanceRecord[]> {
    const { pk, skPrefix } = instanceItem.prefix(fleet);
    const items = await this.table.queryPrefix(pk, skPrefix);
    return items.map((item) => this.decodeInstance(fleet, item));
  }

  async putInstance(fleet: string, record: Omit<InstanceRecord, 'version'>, expectedVersion: number | undefined): Promise<void> {
    const failure = await this.table.putIf({
      Item: { ...instanceItem.key(fleet, record.instanceId), ...record, version: (expectedVersion ?? 0) + 1 },
      ...versionCondition(expectedVersion),
    });
    if (failure === undefined) return;
    const name = recordNames.instance(fleet, record.instanceId);
    throw new ConcurrentUpdateError(name, this.versionFound(failure, instanceItem.schema, name));
  }

  /**
   * BatchWriteItem takes no condition, and none is needed for these records to be safe: they are
   * of instances that have no record (just launched by this run's command, whose client token
   * makes a retried launch return the same ids, or found unrecorded and adopted), keyed by instance
   * id, and written by the run that holds the fleet's lease, which outlasts any run
   * (../../control/step-timing.ts): no other run writes these keys while it holds it, and a later
   * run reads them only after. A crash part-way leaves some unrecorded: the next step adopts them.
   */
  async putNewInstances(fleet: string, records: readonly Omit<InstanceRecord, 'version'>[]): Promise<void> {
    const items = records.map((record) => ({ ...instanceItem.key(fleet, record.instanceId), ...record, version: 1 }));
    await this.table.batchPut(items, `instance records of fleet ${fleet}`);
  }

  async updateInstance(fleet: string, instanceId: string, changes: InstanceChanges, expectedVersion: number): Promise<number> {
    const fields = Object.entries(changes).filter(([, value]) => value !== undefined);
    const names = Object.fromEntries(fields.map(([field], i) => [`#f${i}`, field]));
    const values = Object.fromEntries(fields.flatMap(([, value], i) => (value === null ? [] : [[`:v${i}`, value]])));
    const sets = fields.flatMap(([, value], i) => (value === null ? [] : [`#f${i} = :v${i}`]));
    const removes = fields.flatMap(([, value], i) => (value === null ? [`#f${i}`] : []));
    const failure = await this.table.updateIf({
      Key: instanceItem.key(fleet, instanceId),
      UpdateExpression: `SET ${[...sets, 'version = :next'].join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: 'version = :version',
      ...(fields.length > 0 ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: { ...values, ':version': expectedVersion, ':next': expectedVersion + 1 },
    });
    if (failure === undefined) return expectedVersion + 1;
    const name = recordNames.instance(fleet, instanceId);
    throw new ConcurrentUpdateError(name, this.versionFound(failure, instanceItem.schema, name));
  }

  async deleteInstance(fleet: string, instanceId: string): Promise<void> {
    await this.table.client.send(new DeleteCommand({ TableName: this.table.name, Key: instanceItem.key(fleet, instanceId) }));
  }

  async putRequest(fleet: string, request: OperatorRequest): Promise<void> {
    const failure = await this.table.putIf({
      Item: { ...requestItem.key(fleet, request.requestedAtMs, request.requestId), ...request },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    if (failure !== undefined) throw new DuplicateRequestError(fleet, request.requestId);
  }

  async listRequests(fleet: string): Promise<OperatorRequest[]> {
    const { pk, skPrefix } = requestItem.prefix(fleet);
    const items = await this.table.queryPrefix(pk, skPrefix);
    return items.map((item) => this.decodeRequest(fleet, item));
  }

  async deleteRequest(fleet: string, request: OperatorRequest): Promise<void> {
    await this.table.client.send(
      new DeleteCommand({ TableName: this.table.name, Key: requestItem.key(fleet, request.requestedAtMs, request.requestId) }),
    );
  }

  /**
   * The entry's own item is the commit point: written first, conditionally, with the first of its
   * actions; the part items with the rest follow, written by the run whose entry it is (again on a
   * retry, the same parts). A run that dies between leaves an entry that says what it is missing.
   */
  async appendDecision(fleet: string, entry: DecisionEntry): Promise<void> {
    const expiresAt = Math.floor(entry.atMs / 1000) + this.decisionLogDays * 86_400;
    const [first = [], ...parts] = packActions(entry.actions);
    const failure = await this.table.putIf({
      Item: { ...decisionItem.key(fleet, entry), ...entry, actions: first, ...(parts.length > 0 ? { actionParts: parts.length } : {}), [TTL_ATTRIBUTE]: expiresAt },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    if (failure !== undefined) {
      const logged = this.table.decode(decisionItem.schema, failure.found, `decision ${entry.step} of fleet ${fleet}`);
      if (!isSameDecision(logged, entry)) throw new DecisionLoggedError(fleet, entry.step, logged.atMs);
    }
    for (const [index, actions] of parts.entries()) {
      await this.table.client.send(
        new PutCommand({ TableName: this.table.name, Item: { ...decisionPartItem.key(fleet, entry, index + 1), actions, [TTL_ATTRIBUTE]: expiresAt } }),
      );
    }
  }

  async listDecisions(fleet: string, limit: number): Promise<DecisionEntry[]> {
    const { pk, skPrefix } = decisionItem.prefix(fleet);
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.name,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    const entries = (result.Items ?? []).map((item) => this.table.decode(decisionItem.schema, item, `decision ${String(item.sk)} of fleet ${fleet}`));
    return Promise.all(entries.map((entry) => this.withParts(fleet, entry)));
  }

  /** The entry with the actions of its part items after its own, in order; a part never written is said in a note. */
  private async withParts(fleet: string, { actionParts = 0, ...entry }: DecisionEntry & { actionParts?: number }): Promise<DecisionEntry> {
    if (actionParts === 0) return entry;
    const { pk, skPrefix } = decisionPartItem.prefix(fleet, entry);
    const items = await this.table.queryPrefix(pk, skPrefix);
    const parts = items.map((item) => this.table.decode(decisionPartItem.schema, item, `decision part ${String(item.sk)} of fleet ${fleet}`).actions);
    const notes =
      parts.length < actionParts
        ? [...entry.decision.notes, `${actionParts - parts.length} of ${actionParts} parts of this entry's actions were not written: the run stopped while logging it`]
        : entry.decision.notes;
    return { ...entry, decision: { ...entry.decision, notes }, actions: [...entry.actions, ...parts.flat()] };
  }

  private decodeStatus(fleet: string, item: StoredItem): FleetStatus {
    return this.table.decode(statusItem.schema, item, recordNames.status(fleet));
  }

  private decodeInstance(fleet: string, item: StoredItem): InstanceRecord {
    return this.table.decode(instanceItem.schema, item, recordNames.instance(fleet, String(item.instanceId ?? item.sk)));
  }

  private decodeRequest(fleet: string, item: StoredItem): OperatorRequest {
    return this.table.decode(requestItem.schema, item, `operator request ${String(item.sk)} of fleet ${fleet}`);
  }

  /** The version of the item that failed a versioned write; undefined when there is no item. */
  private versionFound(failure: ConditionFailure, schema: typeof statusItem.schema | typeof instanceItem.schema, name: string): number | undefined {
    return failure.found === undefined ? undefined : this.table.decode(schema, failure.found, name).version;
  }
}
