/**
 * What fleetward's DynamoDB adapters share: the document client and the table, decoding a stored
 * item through its schema (a failure is an UnreadableItemError naming the item), queries by sort
 * key prefix or range (consistent, every page), and conditional writes that hand back the item that failed their condition
 * (ReturnValuesOnConditionCheckFailure), so that no second read is needed to say why. Each
 * conditional put or update stores a fresh write token in its item: when the SDK retried a write
 * whose answer was lost, the item that fails the retry's condition carries that token, and the
 * write is known to be this one's own and succeeded. Unconditional puts of many items go in
 * BatchWriteItem calls of 25, what DynamoDB leaves unprocessed retried with backoff.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
  paginateQuery,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type * as z from 'zod';
import { UnreadableItemError } from '../../ports/errors.ts';

export type StoredItem = Record<string, unknown>;

/** BatchWriteItem takes at most 25 requests; what it leaves unprocessed is retried, this many attempts in all. */
export const BATCH_WRITE_SIZE = 25;
export const BATCH_WRITE_ATTEMPTS = 5;
/** The wait before the n-th attempt (n ≥ 1) at what DynamoDB left unprocessed: 100, 200, 400, 800 ms. */
export const batchWriteBackoffMs = (attempt: number) => 50 * 2 ** attempt;

/** The attribute naming the conditional write that last put or updated an item. */
export const WRITE_TOKEN = 'writeToken';

/** A conditional write whose condition failed, with the item as it stood; undefined when there was none. */
export interface ConditionFailure {
  readonly found: StoredItem | undefined;
}

type Conditional<T> = Omit<T, 'TableName' | 'ReturnValuesOnConditionCheckFailure'>;

export interface TableOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export class TableClient {
  readonly client: DynamoDBDocumentClient;
  readonly name: string;

  constructor(options: TableOptions) {
    this.client = options.client;
    this.name = options.tableName;
  }

  /** The item as its schema reads it; an item that does not read is an UnreadableItemError naming `what`. */
  decode<S extends z.ZodType>(schema: S, item: unknown, what: string): z.output<S> {
    const parsed = schema.safeParse(item);
    if (parsed.success) return parsed.data;
    throw new UnreadableItemError(what, parsed.error.issues.map((issue) => `${issue.path.join('.') || 'item'}: ${issue.message}`).join('; '));
  }

  /** Every item of the partition whose sort key begins with the prefix, in sort key order. */
  queryPrefix(pk: string, prefix: string): Promise<StoredItem[]> {
    return this.queryAll({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix } });
  }

  /**
   * Every item of the partition whose sort key is from `from` to `to` (both included) that the
   * filter keeps, in sort key order. DynamoDB bills the read of every item in the range, the
   * ones the filter drops too; it only keeps them out of the answer.
   */
  queryRange(pk: string, from: string, to: string, filter: { readonly expression: string; readonly values: Readonly<Record<string, string>> }): Promise<StoredItem[]> {
    return this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      FilterExpression: filter.expression,
      ExpressionAttributeValues: { ...filter.values, ':pk': pk, ':from': from, ':to': to },
    });
  }

  /** Every page of a consistent query. */
  private async queryAll(input: Pick<QueryCommandInput, 'KeyConditionExpression' | 'FilterExpression' | 'ExpressionAttributeValues'>): Promise<StoredItem[]> {
    const items: StoredItem[] = [];
    const pages = paginateQuery({ client: this.client }, { ...input, TableName: this.name, ConsistentRead: true });
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }

  /**
   * Puts every item, unconditionally, BATCH_WRITE_SIZE a call; the requests DynamoDB leaves
   * unprocessed (throttling) are sent again after a backoff, until BATCH_WRITE_ATTEMPTS attempts
   * leave some still unwritten: an error that names `what` and how many.
   */
  async batchPut(items: readonly StoredItem[], what: string): Promise<void> {
    let requests = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt === BATCH_WRITE_ATTEMPTS) throw new Error(`DynamoDB left ${requests.length} of ${items.length} ${what} unwritten after ${BATCH_WRITE_ATTEMPTS} attempts`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, batchWriteBackoffMs(attempt)));
      const unprocessed: typeof requests = [];
      for (let start = 0; start < requests.length; start += BATCH_WRITE_SIZE) {
        const batch = { [this.name]: requests.slice(start, start + BATCH_WRITE_SIZE) };
        const result = await this.client.send(new BatchWriteCommand({ RequestItems: batch }));
        unprocessed.push(...((result.UnprocessedItems?.[this.name] ?? []) as typeof requests));
      }
      requests = unprocessed;
    }
  }

  /** Puts the item if the condition holds (or this very write was applied already); otherwise returns what failed it. */
  putIf(input: Conditional<PutCommandInput>): Promise<ConditionFailure | undefined> {
    const token = randomUUID();
    const Item = { ...input.Item, [WRITE_TOKEN]: token };
    return this.writeIf(token, () => this.client.send(new PutCommand({ ...input, Item, TableName: this.name, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })));
  }

  /** Updates the item (an expression of SET and REMOVE clauses) if the condition holds or this write was applied already; otherwise returns what failed it. */
  updateIf(input: Conditional<UpdateCommandInput & { UpdateExpression: string }>): Promise<ConditionFailure | undefined> {
    const token = randomUUID();
    const setToken = `SET ${WRITE_TOKEN} = :writeToken`;
    const expression = input.UpdateExpression.startsWith('SET ') ? `${setToken}, ${input.UpdateExpression.slice(4)}` : `${setToken} ${input.UpdateExpression}`;
    const values = { ...input.ExpressionAttributeValues, ':writeToken': token };
    return this.writeIf(token, () =>
      this.client.send(
        new UpdateCommand({ ...input, UpdateExpression: expression, ExpressionAttributeValues: values, TableName: this.name, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      ),
    );
  }

  /** Deletes the item if the condition holds; otherwise returns what failed it (a delete applied already finds no item). */
  deleteIf(input: Conditional<DeleteCommandInput>): Promise<ConditionFailure | undefined> {
    return this.writeIf(undefined, () => this.client.send(new DeleteCommand({ ...input, TableName: this.name, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })));
  }

  private async writeIf(token: string | undefined, write: () => Promise<unknown>): Promise<ConditionFailure | undefined> {
    try {
      await write();
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The document client does not unmarshall errors: the item comes back in DynamoDB's own form.
      const found = error.Item === undefined ? undefined : unmarshall(error.Item);
      if (token !== undefined && found?.[WRITE_TOKEN] === token) return undefined;
      return { found };
    }
  }
}
