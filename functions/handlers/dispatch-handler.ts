/**
 * The dispatcher's handler: the schedule's tick, made idempotent on its id (a redelivered tick
 * invokes no fleet again), spread over the fleets at the configured pace (one asynchronous
 * invocation of the scale function per fleet), then the orphan scan when the tick is due one
 * (../core/orphan-scan-cadence.ts: one tick in five by default). Failures are
 * answered, logged, counted and notified, not thrown: a retried tick would only be a duplicate.
 */
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { EventRecords } from '../aws/idempotency-store.ts';
import { type DispatchOutcome, dispatchFleets } from '../control/dispatch-fleets.ts';
import { DISPATCH_DEFAULTS, type DispatchSettings, planDispatch } from '../core/dispatch.ts';
import { ORPHAN_SCAN_DEFAULTS, type OrphanScanCadence, orphanScanDue } from '../core/orphan-scan-cadence.ts';
import { InvalidEventError } from '../ports/errors.ts';
import type { FleetStepInvoker } from '../ports/invoker.ts';
import { reportEventFailure } from './event-failure.ts';
import { parseScheduleTick } from './events.ts';
import { METRICS_NAMESPACE, METRICS_SERVICE } from './fleet-metrics.ts';
import { type PortOptions, createPorts } from './ports.ts';
import { countOrphans } from './scale-handler.ts';

/** A redelivered tick within this time is answered from its record instead of dispatched again. */
const TICK_MEMORY_SECONDS = 3600;

export interface DispatchHandlerDependencies extends PortOptions {
  readonly invoker: FleetStepInvoker;
  readonly settings?: DispatchSettings;
  readonly orphanScan?: OrphanScanCadence;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly metrics?: Metrics;
}

export interface DispatchResult extends Partial<DispatchOutcome> {
  readonly status: 'done' | 'duplicate' | 'rejected' | 'failed';
  readonly trigger?: string;
  readonly reason?: string;
  /** Whether the tick ran the orphan scan, and why (its cadence). */
  readonly orphanScan?: string;
}

type Tick = ReturnType<typeof parseScheduleTick>;

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createDispatchHandler(deps: DispatchHandlerDependencies) {
  const { config, tableName, clients, invoker } = deps;
  const settings = deps.settings ?? DISPATCH_DEFAULTS;
  const logger = deps.logger ?? new Logger({ serviceName: 'fleetward' });
  const metrics = deps.metrics ?? new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
  const ports = createPorts({ ...deps, logger });
  const fleetNames = config.fleets.map((fleet) => fleet.name);
  const idempotencyConfig = new IdempotencyConfig({ eventKeyJmesPath: 'id', expiresAfterSeconds: TICK_MEMORY_SECONDS });
  const persistenceStore = new EventRecords(clients.dynamodb, tableName);

  const dispatchOnce = makeIdempotent(
    async (tick: Tick): Promise<DispatchOutcome> => {
      const plan = planDispatch(fleetNames, settings);
      logger.info('dispatching the tick', { trigger: tick.id, reason: plan.reason, fleetsPerSecond: plan.fleetsPerSecond });
      const { executionId, scheduledTime } = tick;
      const outcome = await dispatchFleets({ invoker, clock: ports.clock, sleep: deps.sleep ?? sleepFor }, plan, settings.concurrency, {
        source: 'fleetward.schedule',
        executionId,
        scheduledTime,
      });
      metrics.addMetric('FleetsDispatched', MetricUnit.Count, outcome.invoked.length);
      if (outcome.failed.length > 0) {
        metrics.addMetric('DispatchFailures', MetricUnit.Count, outcome.failed.length);
        await reportEventFailure({ logger, metrics, notifier: ports.notifier }, tick.id, outcome.failed.map((f) => f.fleet), outcome.failed.map((f) => `${f.fleet}: ${f.reason}`).join('; '));
      }
      return outcome;
    },
    { persistenceStore, config: idempotencyConfig },
  );

  const handle = async (event: unknown, context: Context): Promise<DispatchResult> => {
    idempotencyConfig.registerLambdaContext(context);
    let tick: Tick;
    try {
      tick = parseScheduleTick(event);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      logger.error('rejected an event', { reason: error.message });
      metrics.addMetric('InvalidEvents', MetricUnit.Count, 1);
      return { status: 'rejected', reason: error.message };
    }
    try {
      const outcome = await dispatchOnce(tick);
      const scan = orphanScanDue(Date.parse(tick.scheduledTime), deps.orphanScan ?? ORPHAN_SCAN_DEFAULTS);
      logger.info(scan.reason, { trigger: tick.id });
      if (scan.due) await countOrphans(ports, config, metrics);
      return { status: 'done', trigger: tick.id, ...outcome, orphanScan: scan.reason };
    } catch (error) {
      if (error instanceof IdempotencyAlreadyInProgressError) return { status: 'duplicate', trigger: tick.id, reason: 'another invocation is dispatching this tick' };
      const { reason } = await reportEventFailure({ logger, metrics, notifier: ports.notifier }, tick.id, fleetNames, error);
      return { status: 'failed', trigger: tick.id, reason: reason ?? 'unknown' };
    }
  };

  return middy(handle).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}
