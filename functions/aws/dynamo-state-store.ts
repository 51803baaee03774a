/**
 * The StateStore port on DynamoDB: fleet status, instance records, the per-fleet lease, the
 * action journal and the decision log, all in one table. Every write that could race is a
 * conditional write; a failed condition becomes a domain error.
 */
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  paginateQuery,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { FORECAST_METHODS, type ForecastModel, LOAD_HISTORY_DAYS } from '../core/forecast/index.ts';
import type { LoadPoint } from '../core/load-history.ts';
import type { Command, FleetStatus, InstanceRecord, OperatorRequest } from '../core/model.ts';
import type { NextStatus } from '../core/step/index.ts';
import { ConcurrentUpdateError, LeaseHeldError, LeaseLostError } from '../ports/errors.ts';
import type { ActionRecord, ActionState, DecisionEntry, InstanceChanges, StateStore } from '../ports/index.ts';
import { LOAD_POINTS_PER_ITEM, TTL_ATTRIBUTE, keys } from './table-keys.ts';

const DAY_S = 86_400;
/** BatchWriteItem takes at most 25 requests; unprocessed ones are retried this many times in all. */
const BATCH_SIZE = 25;
const BATCH_ATTEMPTS = 5;
/** Journal entries outlive any retry of the step that wrote them. */
const ACTION_RETENTION_DAYS = 7;

/** A cached model as stored; anything else (another version's layout) reads as no model. */
const storedModelSchema = z.looseObject({
  builtAtMs: z.number(),
  stepMs: z.number().positive(),
  method: z.enum(FORECAST_METHODS),
  errorScale: z.enum(['absolute', 'sqrt', 'relative']),
  errorTails: z.array(z.array(z.number()).min(1)).min(1),
  errorCount: z.number().int().positive(),
  floor: z.number(),
  coverage: z.number(),
  coverageGain: z.number(),
  backtestSteps: z.number(),
  weights: z.array(z.array(z.number())).optional(),
});

const loadAttribute = (index: number) => `p${String(index).padStart(2, '0')}`;
/**
 * Present when the period's per-instance metric was saturated: true, or AT_MAX_VALUE with
 * capacity.max units serving.
 */
const saturatedAttribute = (index: number) => `s${String(index).padStart(2, '0')}`;
const AT_MAX_VALUE = 'at-max';
const saturatedValue = (point: LoadPoint) => (point.atMaxCapacity === true ? AT_MAX_VALUE : true);

/** Where a period's load is stored: its item (chunk), its attribute index, and when the item expires. */
function loadSlot(periodSeconds: number, periodStartMs: number) {
  const periodMs = periodSeconds * 1000;
  const periodIndex = Math.floor(periodStartMs / periodMs);
  const chunk = Math.floor(periodIndex / LOAD_POINTS_PER_ITEM);
  const chunkEndMs = (chunk + 1) * LOAD_POINTS_PER_ITEM * periodMs;
  return { chunk, index: periodIndex % LOAD_POINTS_PER_ITEM, expiresAt: epochSeconds(chunkEndMs) + (LOAD_HISTORY_DAYS + 1) * DAY_S };
}

const isConditionFailure = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

const epochSeconds = (ms: number) => Math.floor(ms / 1000);

export interface DynamoStateStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Days before a decision log entry expires. */
  readonly decisionLogDays: number;
}

export class DynamoStateStore implements StateStore {
  private readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  private readonly decisionLogDays: number;

  constructor(options: DynamoStateStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.decisionLogDays = options.decisionLogDays;
  }

  async acquireLease(fleet: string, owner: string, nowMs: number, ttlMs: number): Promise<void> {
    const expiresAtMs = nowMs + ttlMs;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.lease(fleet), owner, expiresAtMs, [TTL_ATTRIBUTE]: epochSeconds(expiresAtMs) + DAY_S },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': nowMs, ':owner': owner },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const held = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.lease(fleet), ConsistentRead: true }));
      throw new LeaseHeldError(fleet, String(held.Item?.owner ?? 'another run'), Number(held.Item?.expiresAtMs ?? nowMs));
    }
  }

  async renewLease(fleet: string, owner: string, nowMs: number, ttlMs: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.lease(fleet),
          UpdateExpression: 'SET expiresAtMs = :expires',
          ConditionExpression: '#owner = :owner AND expiresAtMs >= :now',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':expires': nowMs + ttlMs, ':owner': owner, ':now': nowMs },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new LeaseLostError(fleet, owner);
      throw error;
    }
  }

  async releaseLease(fleet: string, owner: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.lease(fleet),
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async getStatus(fleet: string): Promise<FleetStatus | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.fleetStatus(fleet), ConsistentRead: true }),
    );
    if (result.Item === undefined) return undefined;
    const { pk: _pk, sk: _sk, ...status } = result.Item;
    return status as FleetStatus;
  }

  async putStatus(fleet: string, next: NextStatus, expectedVersion: number | undefined): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.fleetStatus(fleet), ...next, version: (expectedVersion ?? 0) + 1 },
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': expectedVersion } }),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConcurrentUpdateError(`the status of fleet ${fleet}`);
      throw error;
    }
  }

  private async queryPrefix(pk: string, prefix: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }

  async listInstances(fleet: string): Promise<InstanceRecord[]> {
    const { pk, skPrefix } = keys.instancePrefix(fleet);
    const items = await this.queryPrefix(pk, skPrefix);
    return items.map((item) => ({
      instanceId: String(item.instanceId),
      lifecycle: item.lifecycle as InstanceRecord['lifecycle'],
      launchedAtMs: Number(item.launchedAtMs),
      version: Number(item.version),
      reason: String(item.reason ?? ''),
      ...(item.failedObservations === undefined ? {} : { failedObservations: Number(item.failedObservations) }),
      ...(item.identity === undefined ? {} : { identity: item.identity as InstanceRecord['identity'] }),
      ...(item.failover === undefined ? {} : { failover: item.failover as InstanceRecord['failover'] }),
      ...(item.drain === undefined ? {} : { drain: item.drain as InstanceRecord['drain'] }),
    }));
  }

  async putInstance(fleet: string, record: Omit<InstanceRecord, 'version'>, expectedVersion: number | undefined): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.instance(fleet, record.instanceId), ...record, version: (expectedVersion ?? 0) + 1 },
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': expectedVersion } }),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConcurrentUpdateError(`the record of instance ${record.instanceId}`);
      throw error;
    }
  }

  async updateInstance(fleet: string, instanceId: string, changes: InstanceChanges, expectedVersion: number): Promise<number> {
    const fields = Object.entries(changes).filter(([, value]) => value !== undefined);
    const names = Object.fromEntries(fields.map(([field], i) => [`#f${i}`, field]));
    const values = Object.fromEntries(fields.flatMap(([, value], i) => (value === null ? [] : [[`:v${i}`, value]])));
    const sets = fields.flatMap(([, value], i) => (value === null ? [] : [`#f${i} = :v${i}`]));
    const removes = fields.flatMap(([, value], i) => (value === null ? [`#f${i}`] : []));
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.instance(fleet, instanceId),
          UpdateExpression: `SET ${[...sets, 'version = :next'].join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'version = :version',
          ...(fields.length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: { ...values, ':version': expectedVersion, ':next': expectedVersion + 1 },
        }),
      );
      return expectedVersion + 1;
    } catch (error) {
      if (isConditionFailure(error)) throw new ConcurrentUpdateError(`the record of instance ${instanceId}`);
      throw error;
    }
  }

  async deleteInstance(fleet: string, instanceId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keys.instance(fleet, instanceId) }));
  }

  async beginAction(fleet: string, command: Command, nowMs: number): Promise<ActionRecord | undefined> {
    const key = keys.action(fleet, command.id);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key,
            commandId: command.id,
            kind: command.kind,
            state: 'started' satisfies ActionState,
            reason: command.reason,
            instanceIds: [],
            startedAtMs: nowMs,
            [TTL_ATTRIBUTE]: epochSeconds(nowMs) + ACTION_RETENTION_DAYS * DAY_S,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return undefined;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    const item = existing.Item ?? {};
    return {
      commandId: command.id,
      state: item.state as ActionState,
      kind: command.kind,
      instanceIds: (item.instanceIds as string[] | undefined) ?? [],
      ...(item.detail === undefined ? {} : { detail: String(item.detail) }),
    };
  }

  async finishAction(
    fleet: string,
    commandId: string,
    state: Exclude<ActionState, 'started'>,
    instanceIds: readonly string[],
    detail: string,
  ): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.action(fleet, commandId),
        UpdateExpression: 'SET #state = :state, instanceIds = :ids, detail = :detail',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':state': state, ':ids': [...instanceIds], ':detail': detail },
      }),
    );
  }

  async putRequest(fleet: string, request: OperatorRequest): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.request(fleet, request.requestedAtMs, request.requestId), ...request },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async listRequests(fleet: string): Promise<OperatorRequest[]> {
    const { pk, skPrefix } = keys.requestPrefix(fleet);
    return (await this.queryPrefix(pk, skPrefix)).map((item) => {
      const { pk: _pk, sk: _sk, ...request } = item;
      return request as unknown as OperatorRequest;
    });
  }

  async deleteRequest(fleet: string, request: OperatorRequest): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.request(fleet, request.requestedAtMs, request.requestId) }),
    );
  }

  async appendDecision(fleet: string, entry: DecisionEntry): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.decision(fleet, entry.step),
          ...entry,
          [TTL_ATTRIBUTE]: epochSeconds(entry.atMs) + this.decisionLogDays * DAY_S,
        },
      }),
    );
  }

  async listDecisions(fleet: string, limit: number): Promise<DecisionEntry[]> {
    const { pk, skPrefix } = keys.decisionPrefix(fleet);
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((item) => {
      const { pk: _pk, sk: _sk, [TTL_ATTRIBUTE]: _ttl, ...entry } = item;
      return entry as DecisionEntry;
    });
  }

  async putLoadHistory(fleet: string, periodSeconds: number, points: readonly LoadPoint[]): Promise<void> {
    const chunks = new Map<number, Record<string, unknown>>();
    for (const point of points) {
      const { chunk, index, expiresAt } = loadSlot(periodSeconds, point.periodStartMs);
      const item = chunks.get(chunk) ?? { ...keys.loadChunk(fleet, periodSeconds, chunk), [TTL_ATTRIBUTE]: expiresAt };
      item[loadAttribute(index)] = point.load;
      if (point.saturated === true) item[saturatedAttribute(index)] = saturatedValue(point);
      chunks.set(chunk, item);
    }
    let requests = [...chunks.values()].map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt === BATCH_ATTEMPTS) throw new Error(`DynamoDB left ${requests.length} load history items unwritten after ${BATCH_ATTEMPTS} attempts`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const unprocessed: typeof requests = [];
      for (let start = 0; start < requests.length; start += BATCH_SIZE) {
        const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests.slice(start, start + BATCH_SIZE) } }));
        unprocessed.push(...((result.UnprocessedItems?.[this.tableName] ?? []) as typeof requests));
      }
      requests = unprocessed;
    }
  }

  async recordLoad(fleet: string, periodSeconds: number, point: LoadPoint): Promise<void> {
    const { chunk, index, expiresAt } = loadSlot(periodSeconds, point.periodStartMs);
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.loadChunk(fleet, periodSeconds, chunk),
        UpdateExpression: point.saturated === true ? 'SET #point = :load, #saturated = :yes, #ttl = :ttl' : 'SET #point = :load, #ttl = :ttl REMOVE #saturated',
        ExpressionAttributeNames: { '#point': loadAttribute(index), '#saturated': saturatedAttribute(index), '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':load': point.load,
          ':ttl': expiresAt,
          ...(point.saturated === true ? { ':yes': saturatedValue(point) } : {}),
        },
      }),
    );
  }

  async listLoad(fleet: string, periodSeconds: number, fromMs: number): Promise<LoadPoint[]> {
    const periodMs = periodSeconds * 1000;
    const firstChunk = Math.floor(Math.max(0, fromMs) / periodMs / LOAD_POINTS_PER_ITEM);
    const { pk, sk: from } = keys.loadChunk(fleet, periodSeconds, firstChunk);
    const { sk: to } = keys.loadChunk(fleet, periodSeconds, 10 ** 12 - 1);
    const points: LoadPoint[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const chunk = Number(String(item.sk).split('#').pop());
        for (let index = 0; index < LOAD_POINTS_PER_ITEM; index++) {
          const load = item[loadAttribute(index)];
          const periodStartMs = (chunk * LOAD_POINTS_PER_ITEM + index) * periodMs;
          if (typeof load !== 'number' || periodStartMs < fromMs) continue;
          const saturated = item[saturatedAttribute(index)];
          if (saturated === true) points.push({ periodStartMs, load, saturated: true });
          else if (saturated === AT_MAX_VALUE) points.push({ periodStartMs, load, saturated: true, atMaxCapacity: true });
          else points.push({ periodStartMs, load });
        }
      }
    }
    return points;
  }

  async getForecastModel(fleet: string): Promise<ForecastModel | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.forecast(fleet) }));
    const parsed = storedModelSchema.safeParse(result.Item?.model);
    return parsed.success ? (parsed.data as ForecastModel) : undefined;
  }

  async putForecastModel(fleet: string, model: ForecastModel): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.forecast(fleet), model } }));
  }
}
