/**
 * The dispatcher's orphan scan cadence: which ticks scan, decided from the tick's scheduled time
 * alone (pure, with its exact reasons), and the dispatch handler on in-process clients that
 * record every call: DescribeInstances (the scan) only at the ticks due one.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { HandlerExecutionContext, InitializeHandlerArguments } from '@smithy/types';
import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { validateConfig } from '../../functions/core/config.ts';
import { ORPHAN_SCAN_DEFAULTS, type OrphanScanCadence, orphanScanDue } from '../../functions/core/orphan-scan-cadence.ts';
import { createDispatchHandler } from '../../functions/handlers/dispatch-handler.ts';
import { rawConfigWith } from './fixtures.ts';

const every5 = ORPHAN_SCAN_DEFAULTS;

describe('orphanScanDue', () => {
  it.each<[string, OrphanScanCadence, boolean, string]>([
    ['2026-11-24T12:00:00Z', every5, true, 'orphan scan every 5 minutes: the tick at 12:00 is the first since 12:00, so it scans'],
    ['2026-11-24T12:01:00Z', every5, false, 'orphan scan every 5 minutes: not at 12:01, the first tick since 12:00 scanned; the next from 12:05'],
    ['2026-11-24T12:04:00Z', every5, false, 'orphan scan every 5 minutes: not at 12:04, the first tick since 12:00 scanned; the next from 12:05'],
    ['2026-11-24T12:05:00Z', every5, true, 'orphan scan every 5 minutes: the tick at 12:05 is the first since 12:05, so it scans'],
    // Scheduler's ticks need not fall on the minute: the first within each window still scans.
    ['2026-11-24T12:05:37Z', every5, true, 'orphan scan every 5 minutes: the tick at 12:05 is the first since 12:05, so it scans'],
    ['2026-11-24T23:59:00Z', every5, false, 'orphan scan every 5 minutes: not at 23:59, the first tick since 23:55 scanned; the next from 00:00'],
    // A 3-minute schedule (ticks at :01, :04, :07, :10, :13): one scan in each 5-minute window.
    ['2026-11-24T12:01:00Z', { everyMinutes: 5, scheduleMinutes: 3 }, true, 'orphan scan every 5 minutes: the tick at 12:01 is the first since 12:00, so it scans'],
    ['2026-11-24T12:04:00Z', { everyMinutes: 5, scheduleMinutes: 3 }, false, 'orphan scan every 5 minutes: not at 12:04, the first tick since 12:00 scanned; the next from 12:05'],
    ['2026-11-24T12:07:00Z', { everyMinutes: 5, scheduleMinutes: 3 }, true, 'orphan scan every 5 minutes: the tick at 12:07 is the first since 12:05, so it scans'],
    ['2026-11-24T12:10:00Z', { everyMinutes: 5, scheduleMinutes: 3 }, true, 'orphan scan every 5 minutes: the tick at 12:10 is the first since 12:10, so it scans'],
    // A schedule slower than the cadence scans at every tick.
    ['2026-11-24T12:03:00Z', { everyMinutes: 5, scheduleMinutes: 10 }, true, 'orphan scan every 5 minutes: the tick at 12:03 is the first since 12:00, so it scans'],
    ['2026-11-24T12:03:00Z', { everyMinutes: 1, scheduleMinutes: 1 }, true, 'orphan scan every 1 minute: the tick at 12:03 is the first since 12:03, so it scans'],
    ['soon', every5, true, "orphan scan: the tick's scheduled time is unreadable, so it scans"],
  ])('%s at %o: due %s', (scheduledTime, cadence, due, reason) => {
    expect(orphanScanDue(Date.parse(scheduledTime), cadence)).toEqual({ due, reason });
  });

  it('scans exactly once in each window over a day of 1-minute ticks, and the same tick always decides the same', () => {
    const ticks = Array.from({ length: 1440 }, (_, minute) => new Date(Date.UTC(2026, 10, 24) + minute * 60_000).toISOString());
    const scans = ticks.filter((tick) => orphanScanDue(Date.parse(tick), every5).due);
    expect(scans).toHaveLength(288);
    expect(scans.every((tick) => Number(tick.slice(14, 16)) % 5 === 0)).toBe(true);
    expect(ticks.map((tick) => orphanScanDue(Date.parse(tick), every5))).toEqual(ticks.map((tick) => orphanScanDue(Date.parse(tick), every5)));
  });
});

const FAKE = { region: 'us-east-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } };

type Stackable = { middlewareStack: { add(middleware: unknown, options: { step: 'initialize'; name: string }): void } };

/** Answers every call in process with `answer(command)` and records the command's name. */
function recording<C extends Stackable>(client: C, calls: string[], answer: (command: string) => object = () => ({})): C {
  client.middlewareStack.add(
    (_next: unknown, context: HandlerExecutionContext) => async (_args: InitializeHandlerArguments<object>) => {
      const command = context.commandName ?? '?';
      calls.push(command);
      return { output: { ...answer(command), $metadata: {} }, response: {} };
    },
    { step: 'initialize', name: 'recordingFake' },
  );
  return client;
}

const context = { awsRequestId: 'request-1', functionName: 'fleetward-dispatch', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

function dispatcher(orphanScan?: OrphanScanCadence) {
  const calls: string[] = [];
  const clients = {
    ec2: recording(new EC2Client(FAKE), calls, (command) => (command === 'DescribeInstancesCommand' ? { Reservations: [] } : {})),
    cloudwatch: recording(new CloudWatchClient(FAKE), calls),
    dynamodb: recording(new DynamoDBClient(FAKE), calls),
    elbv2: recording(new ElasticLoadBalancingV2Client(FAKE), calls),
    eventbridge: recording(new EventBridgeClient(FAKE), calls),
  };
  const config = validateConfig(rawConfigWith({}));
  const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });
  const counted = vi.spyOn(metrics, 'addMetric');
  const invoked: string[] = [];
  const handler = createDispatchHandler({
    config,
    tableName: 'fleetward',
    clients,
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    metrics,
    notifier: { notify: async () => undefined },
    invoker: { invoke: async (event) => void invoked.push(event.fleet) },
    sleep: async () => undefined,
    ...(orphanScan === undefined ? {} : { orphanScan }),
  });
  const tick = (minute: number) =>
    handler({ source: 'fleetward.schedule', executionId: `tick-${minute}`, scheduledTime: `2026-11-24T12:${String(minute).padStart(2, '0')}:00Z` }, context);
  return { tick, calls, counted, invoked };
}

describe('the dispatch handler', () => {
  it('scans for orphans at the first tick of each 5 minutes only, and steps every fleet at every tick', async () => {
    const { tick, calls, counted, invoked } = dispatcher();
    const results = [];
    for (let minute = 0; minute <= 10; minute += 1) {
      const before = calls.length;
      const result = await tick(minute);
      results.push([minute, result.status, calls.slice(before).filter((c) => c === 'DescribeInstancesCommand').length]);
    }

    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((minute) => [minute, 'done', minute % 5 === 0 ? 1 : 0]));
    expect(invoked).toEqual(Array.from({ length: 11 }, () => 'web'));
    expect(counted.mock.calls.filter(([name]) => name === 'OrphanedInstances')).toEqual([0, 5, 10].map(() => ['OrphanedInstances', 'Count', 0]));
    expect((await tick(11)).orphanScan).toBe('orphan scan every 5 minutes: not at 12:11, the first tick since 12:10 scanned; the next from 12:15');
  });

  it('scans at every tick when the cadence is 1 minute', async () => {
    const { tick, calls } = dispatcher({ everyMinutes: 1, scheduleMinutes: 1 });
    for (const minute of [1, 2, 3]) await tick(minute);

    expect(calls.filter((c) => c === 'DescribeInstancesCommand')).toHaveLength(3);
  });
});
