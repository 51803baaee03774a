/**
 * Every item of fleetward's single DynamoDB table is defined here, its key next to its decoder
 * (the one zod schema every read of that item goes through), so the table's layout can be read
 * in one place. The CDK construct uses the attribute names below to define the table.
 */
import * as z from 'zod';
import type { FleetStatus, InstanceRecord, OperatorRequest } from '../core/model.ts';
import type { LoadPoint } from '../core/load-history.ts';
import type { PriceKind } from '../core/mix/price-quote.ts';
import type { ScalingDirection } from '../core/scaling.ts';
import type { ActionRecord, ActionState, DecisionEntry, StoppedStep } from '../ports/state.ts';
import {
  capacitySchema,
  commandKindSchema,
  drainSchema,
  failoverPlanSchema,
  forecastModelSchema,
  identitySchema,
  lifecycleSchema,
  metricReadingSchema,
  oneOf,
  requestKindSchema,
} from './state/stored-values.ts';

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
/** Epoch seconds after which DynamoDB may delete the item (decision log, event records). */
export const TTL_ATTRIBUTE = 'expiresAt';
/** Partition of the records that make event handling idempotent. */
export const IDEMPOTENCY_PARTITION = 'IDEMPOTENCY';

/** Periods of load history stored in one item. */
export const LOAD_POINTS_PER_ITEM = 60;

const fleetPartition = (fleet: string) => `FLEET#${fleet}`;

/** The step a heartbeat says nothing changed since (in the status and in the heartbeat's entry). */
const unchangedSinceSchema = z.object({ sinceStep: z.number(), sinceMs: z.number() });

/** The fleet's status: FLEET#<fleet> / STATUS, with `version` for optimistic writes. */
export const statusItem = {
  key: (fleet: string) => ({ pk: fleetPartition(fleet), sk: 'STATUS' }),
  schema: z.object({
    step: z.number(),
    desiredCapacity: z.number(),
    recommendations: z.array(z.object({ atMs: z.number(), capacity: z.number() })),
    lastScaleOutAtMs: z.number().optional(),
    lastScaleInAtMs: z.number().optional(),
    launchFailures: z.object({ count: z.number(), lastAtMs: z.number(), lastError: z.string() }).optional(),
    paused: z.boolean().optional(),
    evacuating: z.object({ zones: z.array(z.string()), subnets: z.array(z.string()) }).optional(),
    unowned: z.array(z.string()).optional(),
    roll: z
      .object({
        targetImageId: z.string(),
        previousImageId: z.string(),
        phase: z.enum(['rolling', 'baking', 'done', 'rolling-back', 'rolled-back']),
        checkpoint: z.number(),
        startedAtMs: z.number(),
        bakeStartedAtMs: z.number().optional(),
        refusedImageId: z.string().optional(),
        reason: z.string(),
      })
      .optional(),
    budgetWindows: z.array(z.object({ budget: z.number(), windowStartMs: z.number(), used: z.number() })).optional(),
    idleSinceMs: z.number().optional(),
    scheduledDesiredAtMs: z.number().optional(),
    mixExclusions: z
      .array(z.object({ type: z.string(), zone: z.string(), market: z.enum(['on-demand', 'spot']).optional(), untilMs: z.number(), reason: z.enum(['capacity-error', 'spot-interruption', 'rightsizing']).optional() }))
      .optional(),
    metricUnsettled: z.literal(true).optional(),
    logged: z.object({ atMs: z.number(), digest: z.string(), outcomeDigest: z.string().optional() }).optional(),
    unchangedSince: unchangedSinceSchema.optional(),
    version: z.number(),
  }) satisfies z.ZodType<FleetStatus>,
};

/** The fleet's lease: FLEET#<fleet> / LEASE, who holds it until when. */
export const leaseItem = {
  key: (fleet: string) => ({ pk: fleetPartition(fleet), sk: 'LEASE' }),
  schema: z.object({ owner: z.string(), expiresAtMs: z.number() }),
};

/** What fleetward remembers of an instance: FLEET#<fleet> / INSTANCE#<id>, with `version`. */
export const instanceItem = {
  key: (fleet: string, instanceId: string) => ({ pk: fleetPartition(fleet), sk: `INSTANCE#${instanceId}` }),
  prefix: (fleet: string) => ({ pk: fleetPartition(fleet), skPrefix: 'INSTANCE#' }),
  schema: z.object({
    instanceId: z.string(),
    lifecycle: lifecycleSchema,
    launchedAtMs: z.number(),
    version: z.number(),
    reason: z.string(),
    failedObservations: z.number().optional(),
    identity: identitySchema.optional(),
    failover: failoverPlanSchema.optional(),
    drain: drainSchema.optional(),
  }) satisfies z.ZodType<InstanceRecord>,
};

/** A journaled command: FLEET#<fleet> / ACTION#<command id>, started, then done or failed. */
export const actionItem = {
  key: (fleet: string, commandId: string) => ({ pk: fleetPartition(fleet), sk: `ACTION#${commandId}` }),
  schema: z.object({
    commandId: z.string(),
    state: oneOf<ActionState>({ started: true, done: true, failed: true }),
    kind: commandKindSchema,
    instanceIds: z.array(z.string()),
    detail: z.string().optional(),
  }) satisfies z.ZodType<ActionRecord>,
};

const DECISION_PREFIX = 'DECISION#';
const DECISION_PART_PREFIX = 'DECISIONPART#';

/** What follows DECISION# in an entry's sort key: the step, and for a stopped step its time and run. */
function decisionSuffix(entry: Pick<DecisionEntry, 'step' | 'atMs' | 'stopped'>): string {
  const step = String(entry.step).padStart(12, '0');
  return entry.stopped === undefined ? step : `${step}#STOPPED#${String(entry.atMs).padStart(15, '0')}#${entry.stopped.runId}`;
}

/**
 * One step's decision: FLEET#<fleet> / DECISION#<step>, zero-padded so lexical order is step order;
 * a stopped step's after the step it followed: DECISION#<step>#STOPPED#<time>#<run>. It holds the
 * first of its actions; `actionParts` counts the part items that hold the rest (decisionPartItem).
 */
export const decisionItem = {
  key: (fleet: string, entry: Pick<DecisionEntry, 'step' | 'atMs' | 'stopped'>) => ({ pk: fleetPartition(fleet), sk: `${DECISION_PREFIX}${decisionSuffix(entry)}` }),
  prefix: (fleet: string) => ({ pk: fleetPartition(fleet), skPrefix: DECISION_PREFIX }),
  schema: z.object({
    step: z.number(),
    atMs: z.number(),
    trigger: z.string(),
    decision: z.object({
      desiredCapacity: z.number(),
      direction: oneOf<ScalingDirection>({ out: true, in: true, hold: true }),
      reason: z.string(),
      recommendation: z.number().optional(),
      capacity: capacitySchema.optional(),
      notes: z.array(z.string()),
      dryRun: z.boolean(),
    }),
    metric: metricReadingSchema,
    actions: z.array(z.object({ commandId: z.string(), kind: commandKindSchema, reason: z.string(), outcome: z.string() })),
    stopped: z
      .object({ outcome: oneOf<StoppedStep['outcome']>({ skipped: true, failed: true }), kind: z.string(), message: z.string(), runId: z.string() })
      .optional(),
    actionParts: z.number().int().nonnegative().optional(),
    unchanged: unchangedSinceSchema.optional(),
  }) satisfies z.ZodType<DecisionEntry>,
};

/**
 * The rest of a large entry's actions, in order: FLEET#<fleet> / DECISIONPART#<entry's suffix>#PART#<part>,
 * outside the DECISION# prefix so that listing entries reads none of them.
 */
export const decisionPartItem = {
  key: (fleet: string, entry: Pick<DecisionEntry, 'step' | 'atMs' | 'stopped'>, part: number) => ({
    pk: fleetPartition(fleet),
    sk: `${DECISION_PART_PREFIX}${decisionSuffix(entry)}#PART#${String(part).padStart(4, '0')}`,
  }),
  prefix: (fleet: string, entry: Pick<DecisionEntry, 'step' | 'atMs' | 'stopped'>) => ({
    pk: fleetPartition(fleet),
    skPrefix: `${DECISION_PART_PREFIX}${decisionSuffix(entry)}#PART#`,
  }),
  schema: z.object({ actions: decisionItem.schema.shape.actions }),
};

/** An operator request: FLEET#<fleet> / REQUEST#<time>#<id>, sorted by time so the oldest is settled first. */
export const requestItem = {
  key: (fleet: string, requestedAtMs: number, requestId: string) => ({
    pk: fleetPartition(fleet),
    sk: `REQUEST#${String(requestedAtMs).padStart(15, '0')}#${requestId}`,
  }),
  prefix: (fleet: string) => ({ pk: fleetPartition(fleet), skPrefix: 'REQUEST#' }),
  schema: z.object({
    requestId: z.string(),
    kind: requestKindSchema,
    instanceId: z.string().optional(),
    zone: z.string().optional(),
    subnetId: z.string().optional(),
    requestedAtMs: z.number(),
    requestedBy: z.string(),
  }) satisfies z.ZodType<OperatorRequest>,
};

const loadAttribute = (index: number) => `p${String(index).padStart(2, '0')}`;
/** Present where the period's metric was saturated: true, or AT_MAX_VALUE with capacity.max units serving. */
const saturatedAttribute = (index: number) => `s${String(index).padStart(2, '0')}`;
const AT_MAX_VALUE = 'at-max';
const LOAD_SORT_KEY = /^LOAD#(\d{5})#(\d{12})$/;
const SLOTS = Array.from({ length: LOAD_POINTS_PER_ITEM }, (_, index) => index);

/** A chunk's stored periods as load points, oldest first. */
function chunkPoints(item: { sk: string } & Record<string, unknown>): LoadPoint[] {
  const [, periodSeconds, chunk] = LOAD_SORT_KEY.exec(item.sk) ?? [];
  const periodMs = Number(periodSeconds) * 1000;
  return SLOTS.flatMap((index): LoadPoint[] => {
    const load = item[loadAttribute(index)];
    if (typeof load !== 'number') return [];
    const periodStartMs = (Number(chunk) * LOAD_POINTS_PER_ITEM + index) * periodMs;
    const saturated = item[saturatedAttribute(index)];
    if (saturated === AT_MAX_VALUE) return [{ periodStartMs, load, saturated: true, atMaxCapacity: true }];
    return [saturated === true ? { periodStartMs, load, saturated: true } : { periodStartMs, load }];
  });
}

/**
 * Load history: FLEET#<fleet> / LOAD#<period s>#<chunk>, the load of LOAD_POINTS_PER_ITEM periods
 * of one metric period length, one attribute per period (p00..p59, and s00..s59 where the metric
 * was saturated); chunks sort by time. Decoded into its load points.
 */
export const loadChunkItem = {
  key: (fleet: string, periodSeconds: number, chunk: number) => ({
    pk: fleetPartition(fleet),
    sk: `LOAD#${String(periodSeconds).padStart(5, '0')}#${String(chunk).padStart(12, '0')}`,
  }),
  loadAttribute,
  saturatedAttribute,
  /** What a saturated period stores. */
  saturatedValue: (point: LoadPoint) => (point.atMaxCapacity === true ? AT_MAX_VALUE : true),
  schema: z
    .object({
      sk: z.string().regex(LOAD_SORT_KEY),
      ...Object.fromEntries(SLOTS.map((index) => [loadAttribute(index), z.number().optional()])),
      ...Object.fromEntries(SLOTS.map((index) => [saturatedAttribute(index), z.union([z.literal(true), z.literal(AT_MAX_VALUE)]).optional()])),
    })
    .transform(chunkPoints),
};

/** An orphaned instance the operators were told about: ORPHAN / INSTANCE#<id>, expiring after ORPHAN_REMINDER_DAYS. */
export const orphanItem = {
  key: (instanceId: string) => ({ pk: 'ORPHAN', sk: `INSTANCE#${instanceId}` }),
  prefix: { pk: 'ORPHAN', skPrefix: 'INSTANCE#' },
  instanceIdOf: (sk: string) => sk.slice('INSTANCE#'.length),
};

/** A predictive fleet's cached forecast model: FLEET#<fleet> / FORECAST, replaced when refitted. */
export const forecastItem = {
  key: (fleet: string) => ({ pk: fleetPartition(fleet), sk: 'FORECAST' }),
  schema: z.object({ model: forecastModelSchema }).transform((item) => item.model),
};

/** An alert sent once: FLEET#<fleet> / ALERT#<key> (an image refused, a launch template warned about). */
export const alertItem = {
  key: (fleet: string, alertKey: string) => ({ pk: fleetPartition(fleet), sk: `ALERT#${alertKey}` }),
};

const priceQuoteSchema = z.object({ zone: z.string().optional(), perHour: z.number().nonnegative() });

/**
 * What the mix last fetched for one type's prices: PRICES#<region> / <kind>#<type>, its quotes
 * (Spot per zone; none when AWS offers none) and when they were fetched. Shared by every fleet.
 */
export const priceItem = {
  key: (region: string, kind: PriceKind, type: string) => ({ pk: `PRICES#${region}`, sk: `${kind}#${type}` }),
  prefix: (region: string, kind: PriceKind) => ({ pk: `PRICES#${region}`, skPrefix: `${kind}#` }),
  schema: z.object({
    kind: oneOf<PriceKind>({ 'on-demand': true, spot: true }),
    type: z.string(),
    fetchedAtMs: z.number(),
    quotes: z.array(priceQuoteSchema),
  }),
};
