/**
 * The LoadHistoryStore port on DynamoDB: a predictive fleet's load points, LOAD_POINTS_PER_ITEM
 * periods per item (each step sets one attribute; a backfill writes whole items in batches),
 * read back and assembled as the forecast reads them, and the cached forecast model.
 */
import { GetCommand, PutCommand, UpdateCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { type ForecastModel, LOAD_HISTORY_DAYS } from '../../core/forecast/index.ts';
import { type LoadPoint, type StoredHistory, assembleHistory, historyStartMs, storedHistory } from '../../core/load-history.ts';
import type { LoadHistoryStore } from '../../ports/state.ts';
import { LOAD_POINTS_PER_ITEM, TTL_ATTRIBUTE, forecastItem, loadChunkItem } from '../table-keys.ts';
import type { StoredItem, TableClient } from './table-client.ts';

const DAY_S = 86_400;
/** The highest chunk number a sort key can hold: the end of every chunk range. */
const LAST_CHUNK = 10 ** 12 - 1;

/** Where a period's load is stored: its item (chunk), its attribute index, and when the item expires. */
function loadSlot(periodSeconds: number, periodStartMs: number) {
  const periodMs = periodSeconds * 1000;
  const periodIndex = Math.floor(periodStartMs / periodMs);
  const chunk = Math.floor(periodIndex / LOAD_POINTS_PER_ITEM);
  const chunkEndS = ((chunk + 1) * LOAD_POINTS_PER_ITEM * periodMs) / 1000;
  return { chunk, index: periodIndex % LOAD_POINTS_PER_ITEM, expiresAt: Math.floor(chunkEndS) + (LOAD_HISTORY_DAYS + 1) * DAY_S };
}

export class DynamoLoadHistoryStore implements LoadHistoryStore {
  constructor(private readonly table: TableClient) {}

  async readHistory(fleet: string, periodSeconds: number, nowMs: number): Promise<StoredHistory | undefined> {
    const history = assembleHistory(await this.listLoad(fleet, periodSeconds, historyStartMs(nowMs)), periodSeconds * 1000, nowMs);
    return history === undefined ? undefined : storedHistory(history, periodSeconds * 1000, nowMs);
  }

  /** The fleet's stored load points of this period length from fromMs on, oldest first. */
  async listLoad(fleet: string, periodSeconds: number, fromMs: number): Promise<LoadPoint[]> {
    const firstChunk = Math.floor(Math.max(0, fromMs) / (periodSeconds * 1000) / LOAD_POINTS_PER_ITEM);
    const { pk, sk: from } = loadChunkItem.key(fleet, periodSeconds, firstChunk);
    const { sk: to } = loadChunkItem.key(fleet, periodSeconds, LAST_CHUNK);
    const points: LoadPoint[] = [];
    const pages = paginateQuery(
      { client: this.table.client },
      {
        TableName: this.table.name,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const chunk = this.table.decode(loadChunkItem.schema, item, `load history ${String(item.sk)} of fleet ${fleet}`);
        points.push(...chunk.filter((point) => point.periodStartMs >= fromMs));
      }
    }
    return points;
  }

  async putLoadHistory(fleet: string, periodSeconds: number, points: readonly LoadPoint[]): Promise<void> {
    const chunks = new Map<number, StoredItem>();
    for (const point of points) {
      const { chunk, index, expiresAt } = loadSlot(periodSeconds, point.periodStartMs);
      const item = chunks.get(chunk) ?? { ...loadChunkItem.key(fleet, periodSeconds, chunk), [TTL_ATTRIBUTE]: expiresAt };
      item[loadChunkItem.loadAttribute(index)] = point.load;
      if (point.saturated === true) item[loadChunkItem.saturatedAttribute(index)] = loadChunkItem.saturatedValue(point);
      chunks.set(chunk, item);
    }
    await this.table.batchPut([...chunks.values()], 'load history items');
  }

  async recordLoad(fleet: string, periodSeconds: number, point: LoadPoint): Promise<void> {
    const { chunk, index, expiresAt } = loadSlot(periodSeconds, point.periodStartMs);
    const saturated = point.saturated === true;
    await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: loadChunkItem.key(fleet, periodSeconds, chunk),
        UpdateExpression: saturated ? 'SET #point = :load, #saturated = :saturated, #ttl = :ttl' : 'SET #point = :load, #ttl = :ttl REMOVE #saturated',
        ExpressionAttributeNames: { '#point': loadChunkItem.loadAttribute(index), '#saturated': loadChunkItem.saturatedAttribute(index), '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':load': point.load, ':ttl': expiresAt, ...(saturated ? { ':saturated': loadChunkItem.saturatedValue(point) } : {}) },
      }),
    );
  }

  /** A model another version stored, or that does not read, is none: the step fits a new one. */
  async getForecastModel(fleet: string): Promise<ForecastModel | undefined> {
    const result = await this.table.client.send(new GetCommand({ TableName: this.table.name, Key: forecastItem.key(fleet) }));
    const parsed = forecastItem.schema.safeParse(result.Item);
    return parsed.success ? parsed.data : undefined;
  }

  async putForecastModel(fleet: string, model: ForecastModel): Promise<void> {
    await this.table.client.send(new PutCommand({ TableName: this.table.name, Item: { ...forecastItem.key(fleet), model } }));
  }
}
