/**
 * Schemas of the domain values stored inside fleetward's table items (identity, drain, failover
 * plan, metric reading, forecast model), from which table-keys.ts builds each item's decoder.
 * Each one's output is checked against the domain type, and enumerations list every member.
 */
import * as z from 'zod';
import { type ErrorScale, FORECAST_METHODS, type ForecastModel } from '../../core/forecast/index.ts';
import type { Command, DrainState, FailoverPlan, InstanceIdentity, Lifecycle, MetricReading, OperatorRequest } from '../../core/model.ts';
import type { CapacitySnapshot } from '../../core/step/index.ts';

/** A zod enumeration of exactly the members of T: a member missing or extra does not compile. */
export function oneOf<T extends string>(members: Record<T, true>) {
  return z.enum(Object.keys(members) as [T, ...T[]]);
}

export const lifecycleSchema = oneOf<Lifecycle>({
  'in-service': true,
  terminating: true,
  'failing-over': true,
  draining: true,
  maintenance: true,
  returning: true,
  pooled: true,
});

export const commandKindSchema = oneOf<Command['kind']>({ launch: true, settle: true, advance: true, adopt: true, forget: true, track: true, failover: true, pool: true });

export const requestKindSchema = oneOf<OperatorRequest['kind']>({
  drain: true,
  'maintenance-enter': true,
  'maintenance-exit': true,
  continue: true,
  heartbeat: true,
  cancel: true,
  evacuate: true,
  pause: true,
  resume: true,
});

export const identitySchema = z.object({
  elasticIps: z.array(z.object({ allocationId: z.string(), publicIp: z.string(), owner: z.string().optional() })),
  networkInterfaces: z.array(z.object({ networkInterfaceId: z.string(), deviceIndex: z.number(), owner: z.string().optional() })),
  volumes: z.array(z.object({ volumeId: z.string(), device: z.string(), owner: z.string().optional() })),
}) satisfies z.ZodType<InstanceIdentity>;

export const drainSchema = z.object({
  purpose: z.enum(['maintenance', 'terminate', 'resize']),
  resizeTo: z.string().optional(),
  replaceWith: z.string().optional(),
  reason: z.string(),
  startedAtMs: z.number(),
  keepCapacity: z.boolean(),
  deregisteredAtMs: z.number().optional(),
  notifiedAtMs: z.number().optional(),
  continuedAtMs: z.number().optional(),
  heartbeatAtMs: z.number().optional(),
  stop: z.boolean(),
}) satisfies z.ZodType<DrainState>;

export const failoverPlanSchema = z.object({
  cause: z.string(),
  subnetId: z.string(),
  availabilityZone: z.string(),
  instanceType: z.string(),
  market: z.literal('spot').optional(),
  units: z.number(),
  identity: identitySchema,
  leftInPlace: z.array(z.string()).optional(),
  restoreVolumes: z.boolean(),
  retire: z.enum(['terminate', 'quarantine']),
  decidedAtMs: z.number(),
  replacementId: z.string().optional(),
}) satisfies z.ZodType<FailoverPlan>;

export const metricReadingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('value'), value: z.number(), timestampMs: z.number(), label: z.string() }),
  z.object({ kind: z.literal('missing'), label: z.string(), why: z.string() }),
  z.object({ kind: z.literal('not-read'), label: z.string(), why: z.string() }),
]) satisfies z.ZodType<MetricReading>;

export const capacitySchema = z.object({
  currentUnits: z.number(),
  replacingUnits: z.number(),
  warmedUnits: z.number(),
  warmingInstances: z.number(),
  instances: z.number(),
}) satisfies z.ZodType<CapacitySnapshot>;

/** A cached model as stored; unknown fields are kept, as another version may have added them. */
export const forecastModelSchema = z.looseObject({
  builtAtMs: z.number(),
  stepMs: z.number().positive(),
  method: z.enum(FORECAST_METHODS),
  errorScale: oneOf<ErrorScale>({ absolute: true, sqrt: true, relative: true }),
  errorTails: z.array(z.array(z.number()).min(1)).min(1),
  errorCount: z.number().int().positive(),
  floor: z.number(),
  coverage: z.number(),
  coverageGain: z.number(),
  backtestSteps: z.number(),
  weights: z.array(z.array(z.number())).optional(),
}) satisfies z.ZodType<ForecastModel>;
