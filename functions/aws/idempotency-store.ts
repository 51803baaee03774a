/**
 * Where the scale function remembers the events it handled: Powertools' DynamoDB persistence
 * layer on fleetward's table, except that the "in progress" record carries a write token. When
 * DynamoDB applied that write but its answer was lost and the SDK sent it again, the retry fails
 * its condition on the record the first attempt wrote; the token says it is this invocation's
 * own, so the event is handled instead of being answered as a duplicate of itself. What it keeps
 * of a result is what `stored` makes of it: the caller bounds its size.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { IdempotencyItemAlreadyExistsError, IdempotencyRecordStatus } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { IDEMPOTENCY_PARTITION, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './table-keys.ts';
import { WRITE_TOKEN } from './state/table-client.ts';

type SavedArguments = Parameters<DynamoDBPersistenceLayer['saveSuccess']>;

const STATUS = 'status';
const IN_PROGRESS_EXPIRY = 'in_progress_expiration';
const DATA = 'data';

/** Powertools' own conditions: no record, an expired one, or one left in progress past its expiry. */
const MAY_START = `attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)`;

export class EventRecords extends DynamoDBPersistenceLayer {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly table: string,
    private readonly stored: (result: unknown) => unknown = (result) => result,
  ) {
    super({
      tableName: table,
      keyAttr: PARTITION_KEY,
      sortKeyAttr: SORT_KEY,
      staticPkValue: IDEMPOTENCY_PARTITION,
      expiryAttr: TTL_ATTRIBUTE,
      statusAttr: STATUS,
      inProgressExpiryAttr: IN_PROGRESS_EXPIRY,
      dataAttr: DATA,
      awsSdkV3Client: dynamodb,
    });
  }

  /** Records the handled event with what `stored` keeps of its result (JSON, as the result was). */
  override async saveSuccess(data: SavedArguments[0], result: SavedArguments[1]): Promise<void> {
    await super.saveSuccess(data, this.stored(result) as SavedArguments[1]);
  }

  /** Puts the in-progress record as Powertools does, with a token that recognises a retried write as its own. */
  protected override async _putRecord(record: IdempotencyRecord): Promise<void> {
    const token = randomUUID();
    const fields = { [TTL_ATTRIBUTE]: record.expiryTimestamp, [STATUS]: record.getStatus(), [IN_PROGRESS_EXPIRY]: record.inProgressExpiryTimestamp, [WRITE_TOKEN]: token };
    const now = Date.now();
    try {
      await this.dynamodb.send(
        new PutItemCommand({
          TableName: this.table,
          Item: { ...this.getKey(record.idempotencyKey), ...marshall(fields, { removeUndefinedValues: true }) },
          ConditionExpression: MAY_START,
          ExpressionAttributeNames: { '#id': PARTITION_KEY, '#expiry': TTL_ATTRIBUTE, '#status': STATUS, '#in_progress_expiry': IN_PROGRESS_EXPIRY },
          ExpressionAttributeValues: marshall({ ':now': now / 1000, ':now_in_millis': now, ':inprogress': IdempotencyRecordStatus.INPROGRESS }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const found = error.Item === undefined ? undefined : unmarshall(error.Item);
      if (found?.[WRITE_TOKEN] === token) return;
      throw new IdempotencyItemAlreadyExistsError(`event ${record.idempotencyKey} is recorded already`, found === undefined ? undefined : this.existing(found));
    }
  }

  /** The record found, read as Powertools reads it. */
  private existing(item: Record<string, unknown>): IdempotencyRecord {
    return new IdempotencyRecord({
      idempotencyKey: String(item[PARTITION_KEY]),
      sortKey: String(item[SORT_KEY]),
      status: item[STATUS] as ReturnType<IdempotencyRecord['getStatus']>,
      expiryTimestamp: item[TTL_ATTRIBUTE] as number | undefined,
      inProgressExpiryTimestamp: item[IN_PROGRESS_EXPIRY] as number | undefined,
      responseData: item[DATA] as IdempotencyRecord['responseData'],
    });
  }
}
