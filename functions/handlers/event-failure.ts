/**
 * How the scale function answers an event that failed around its fleets' steps (recording the
 * event, finding its fleets): the failure is logged with the fleets, counted as EventsFailed and
 * notified once, and the event is answered as failed instead of thrown without a word.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { errorKind } from '../ports/errors.ts';
import type { Notifier } from '../ports/index.ts';
import type { ScaleResult } from './scale-handler.ts';

export interface FailureReporting {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly notifier: Notifier;
}

/** The error's message followed by those of its causes (Powertools wraps the SDK's error). */
export function failureReason(error: unknown): string {
  const messages: string[] = [];
  for (let cause: unknown = error; cause !== undefined && messages.length < 5; cause = cause instanceof Error ? cause.cause : undefined) {
    messages.push(cause instanceof Error ? cause.message : String(cause));
  }
  return messages.join(': ');
}

export async function reportEventFailure(reporting: FailureReporting, trigger: string, fleets: readonly string[], error: unknown): Promise<ScaleResult> {
  const { logger, metrics, notifier } = reporting;
  const reason = failureReason(error);
  logger.error('an event failed', { trigger, fleets, error: reason, kind: errorKind(error) });
  metrics.addMetric('EventsFailed', MetricUnit.Count, 1);
  await notifier
    .notify(`fleetward: an event failed for fleet${fleets.length === 1 ? '' : 's'} ${fleets.join(', ')}`, reason, { trigger, fleets })
    .catch((notifyError: unknown) => logger.warn('notification failed', { trigger, fleets, error: failureReason(notifyError) }));
  return { status: 'failed', trigger, reason, fleets: [] };
}
