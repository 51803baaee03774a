/**
 * The scale function's handler, built from its dependencies: parse the trigger, make it
 * idempotent on the event's id, run one control step per fleet, count what happened (in all and
 * per fleet); on the schedule's trigger for every fleet, report orphaned instances too. One
 * fleet's tick from the dispatcher steps that fleet without an event record. A failure around the steps (the event's
 * record, finding its fleets) is answered and reported, not thrown.
 */
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { EventRecords } from '../aws/idempotency-store.ts';
import { type StepOutcome, runFleetStep } from '../control/run-step.ts';
import { storedOutcome } from '../control/stored-outcome.ts';
import type { InstanceSignal } from '../core/model.ts';
import { orphansOf } from '../core/orphans.ts';
import { type OrphanReportDependencies, reportOrphans } from '../control/orphans.ts';
import type { FleetwardConfig } from '../core/config.ts';
import type { ComputeInstance } from '../ports/index.ts';
import { InvalidEventError } from '../ports/errors.ts';
import { reportEventFailure } from './event-failure.ts';
import { type FleetMetricsFactory, METRICS_NAMESPACE, METRICS_SERVICE, defaultFleetMetrics, publishFleetMetrics } from './fleet-metrics.ts';
import { type Trigger, parseTrigger } from './events.ts';
import { type PortOptions, createPorts } from './ports.ts';

/** A redelivered event within this time returns the first result instead of acting again. */
const EVENT_MEMORY_SECONDS = 3600;

export interface ScaleHandlerDependencies extends PortOptions {
  readonly metrics?: Metrics;
  /** Makes each fleet's metrics (its dimension); by default EMF records in the fleetward namespace. */
  readonly fleetMetrics?: FleetMetricsFactory;
}

export interface ScaleResult {
  readonly status: 'done' | 'duplicate' | 'rejected' | 'ignored' | 'failed';
  readonly trigger?: string;
  readonly reason?: string;
  readonly fleets: readonly StepOutcome[];
}

interface TriggerPayload {
  readonly id: string;
  readonly description: string;
  readonly fleetNames: readonly string[];
  readonly signals: readonly InstanceSignal[];
  /** The schedule's trigger for every fleet: it also looks for orphaned instances. */
  readonly scheduled: boolean;
  /** Whether the event's idempotency record guards it (all but a fleet's tick from the dispatcher). */
  readonly recorded: boolean;
  /** The schedule's or a fleet's tick: a step an event triggers instead reads the metric whatever its cadence. */
  readonly onSchedule: boolean;
}

/** Why an event about instances of no configured fleet is ignored: a warning when they are orphans. */
function notManaged(config: FleetwardConfig, owner: string, logger: Logger, ids: readonly string[], described: readonly ComputeInstance[]): string {
  const orphans = orphansOf(config.fleets.map((fleet) => fleet.name), owner, described);
  if (orphans.length === 0) return `${ids.join(', ')} is not in a fleet this deployment manages`;
  logger.warn('ignored an event about an orphaned instance', { instances: orphans });
  return orphans.map((o) => `${o.instanceId} carries fleetward:fleet=${o.fleet}, a fleet that is not in the config: orphaned, left alone`).join('; ');
}

/** On the schedule's trigger: the orphaned instances reported, and counted (no count when looking failed). */
export async function countOrphans(deps: OrphanReportDependencies, config: FleetwardConfig, metrics: Metrics): Promise<void> {
  const report = await reportOrphans(deps, config.fleets.map((fleet) => fleet.name));
  if (report.orphans !== undefined) metrics.addMetric('OrphanedInstances', MetricUnit.Count, report.orphans.length);
}

export function createScaleHandler(deps: ScaleHandlerDependencies) {
  const { config, tableName, clients } = deps;
  const logger = deps.logger ?? new Logger({ serviceName: 'fleetward' });
  const metrics = deps.metrics ?? new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
  const fleetMetrics = deps.fleetMetrics ?? defaultFleetMetrics;
  const ports = createPorts({ ...deps, logger });
  const { compute } = ports;

  const idempotencyConfig = new IdempotencyConfig({ eventKeyJmesPath: 'id', expiresAfterSeconds: EVENT_MEMORY_SECONDS });
  // The event's record keeps a bounded summary of the outcomes: 500 fleets' full results would pass 400 KB.
  const persistenceStore = new EventRecords(clients.dynamodb, tableName, (outcomes) => (outcomes as StepOutcome[]).map(storedOutcome));

  const stepEach = async (trigger: TriggerPayload, runId: string): Promise<StepOutcome[]> => {
    const fleets = config.fleets.filter((fleet) => trigger.fleetNames.includes(fleet.name));
    const stepDeps = { ...ports, runId };
    const outcomes = await Promise.all(fleets.map((fleet) => runFleetStep(stepDeps, fleet, trigger.description, trigger.signals, trigger.onSchedule)));
    for (const outcome of outcomes) {
      metrics.addMetric(`Steps${outcome.outcome[0]?.toUpperCase()}${outcome.outcome.slice(1)}`, MetricUnit.Count, 1);
      metrics.addMetric('InstancesLaunched', MetricUnit.Count, outcome.launched.length);
      metrics.addMetric('InstancesTerminated', MetricUnit.Count, outcome.terminated.length);
      if (outcome.launchFailed) metrics.addMetric('LaunchFailures', MetricUnit.Count, 1);
      if (outcome.unowned !== undefined) metrics.addMetric('UnownedInstances', MetricUnit.Count, outcome.unowned);
      publishFleetMetrics(fleetMetrics, outcome);
    }
    return outcomes;
  };
  const stepOnce = makeIdempotent(stepEach, { persistenceStore, config: idempotencyConfig, dataIndexArgument: 0 });
  const stepFleets = (trigger: TriggerPayload, runId: string) => (trigger.recorded ? stepOnce(trigger, runId) : stepEach(trigger, runId));

  /** The fleets a trigger steps: named, or found from the fleet tag of the instances it is about. */
  async function resolve(trigger: Exclude<Trigger, { ignored: string }>): Promise<TriggerPayload | string> {
    if ('fleets' in trigger) {
      const fleetNames = trigger.fleets.map((f) => f.name);
      return { id: trigger.id, description: trigger.description, fleetNames, signals: [], scheduled: trigger.scheduled === true, recorded: trigger.fleetTick !== true, onSchedule: trigger.scheduled === true || trigger.fleetTick === true };
    }
    const ids = trigger.instances.map((i) => i.instanceId);
    const described = await compute.describeInstances(ids);
    const tags = new Set(described.map((i) => i.fleetTag));
    const fleetNames = config.fleets.filter((fleet) => tags.has(fleet.name)).map((fleet) => fleet.name);
    if (fleetNames.length === 0) return notManaged(config, ports.owner, logger, ids, described);
    const signals = trigger.instances.flatMap((i) => (i.signal === undefined ? [] : [i.signal]));
    return { id: trigger.id, description: trigger.description, fleetNames, signals, scheduled: false, recorded: true, onSchedule: false };
  }

  const handle = async (event: unknown, context: Context): Promise<ScaleResult> => {
    idempotencyConfig.registerLambdaContext(context);
    let trigger: Trigger;
    try {
      trigger = parseTrigger(event, config);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      logger.error('rejected an event', { reason: error.message });
      metrics.addMetric('InvalidEvents', MetricUnit.Count, 1);
      return { status: 'rejected', reason: error.message, fleets: [] };
    }
    const reporting = { logger, metrics, notifier: ports.notifier };
    // Until its instances are described, an event about instances may concern any fleet.
    const payload = 'ignored' in trigger ? trigger.ignored : await resolve(trigger).catch((error: unknown) => ({ failure: error }));
    if (typeof payload === 'object' && 'failure' in payload) return reportEventFailure(reporting, trigger.id, config.fleets.map((f) => f.name), payload.failure);
    if (typeof payload === 'string') {
      logger.info('ignored an event', { trigger: trigger.id, reason: payload });
      metrics.addMetric('IgnoredEvents', MetricUnit.Count, 1);
      return { status: 'ignored', trigger: trigger.id, reason: payload, fleets: [] };
    }
    try {
      const fleets = await stepFleets(payload, context.awsRequestId);
      if (payload.scheduled) await countOrphans(ports, config, metrics);
      return { status: 'done', trigger: payload.id, fleets };
    } catch (error) {
      if (!(error instanceof IdempotencyAlreadyInProgressError)) return reportEventFailure(reporting, payload.id, payload.fleetNames, error);
      logger.info('the same event is being handled by another invocation', { trigger: payload.id });
      return { status: 'duplicate', trigger: payload.id, reason: 'another invocation is handling this event', fleets: [] };
    }
  };

  return middy(handle).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}
