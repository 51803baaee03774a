/**
 * The schedule's tick for 50 small fleets on moto: the dispatcher invokes the scale function once
 * per fleet through a fake Lambda client that runs the real handler in process (an asynchronous
 * invocation: queued, not awaited), every fleet steps exactly once, a redelivered tick steps none,
 * and the EC2 describe calls are spread over the tick instead of arriving at once.
 */
import { describe, expect, it } from 'vitest';
import { type FleetwardConfig, validateConfig } from '../../functions/core/config.ts';
import { createDispatchHandler } from '../../functions/handlers/dispatch-handler.ts';
import { type ScaleResult, createScaleHandler } from '../../functions/handlers/scale-handler.ts';
import type { FleetStepEvent } from '../../functions/ports/invoker.ts';
import { FleetHarness, METRIC_NAMESPACE, lambdaContext, scheduleEvent } from './harness.ts';

const FLEETS = 50;
const FLEETS_PER_SECOND = 4;
/** EC2 refills its describe bucket at about 20 calls a second and holds 100: the busiest second stays well under the burst. */
const BUSIEST_SECOND_BOUND = 60;

type Handler = (args: unknown) => Promise<unknown>;
type Stack = { add(middleware: (next: Handler, context: { commandName?: string }) => Handler, options: { step: 'initialize'; name: string }): void };

/** 50 fleets of one to two instances in the harness's subnets. */
function fiftyFleets(harness: FleetHarness): FleetwardConfig {
  return validateConfig({
    fleets: Array.from({ length: FLEETS }, (_, i) => ({
      name: harness.unique(`f${String(i).padStart(2, '0')}`),
      launchTemplate: { name: harness.launchTemplateName },
      subnets: harness.subnets.map((s) => s.subnetId),
      instanceTypes: [{ type: 't4g.micro' }],
      capacity: { min: 1, max: 2 },
      scaling: { metric: { namespace: METRIC_NAMESPACE, name: harness.metricName, statistic: 'Average' }, metricType: 'total', target: 10, warmupSeconds: 0 },
    })),
  });
}

/** When each EC2 describe call of the harness's client was made. */
function describeTimes(harness: FleetHarness): number[] {
  const times: number[] = [];
  (harness.ec2.middlewareStack as unknown as Stack).add(
    (next, context) => async (args) => {
      if (context.commandName?.startsWith('Describe') === true) times.push(Date.now());
      return next(args);
    },
    { step: 'initialize', name: 'describeTimes' },
  );
  return times;
}

/** Calls in each second from `began`. */
function perSecond(times: readonly number[], began: number): number[] {
  const seconds = times.map((at) => Math.floor((at - began) / 1000));
  const histogram = Array.from({ length: Math.max(0, ...seconds) + 1 }, () => 0);
  for (const second of seconds) histogram[second] = (histogram[second] ?? 0) + 1;
  return histogram;
}

/** One tick of 50 fleets at the given pace, checked step by step; the describe calls per second. */
async function fanOut(fleetsPerSecond: number): Promise<number[]> {
  const harness = await FleetHarness.create();
  const config = fiftyFleets(harness);
  const names = config.fleets.map((f) => f.name);
  const clients = { ec2: harness.ec2, cloudwatch: harness.cloudwatch, dynamodb: harness.dynamodb, elbv2: harness.elbv2, eventbridge: harness.eventbridge };
  const quiet = { config, tableName: harness.tableName, clients, logger: harness.logger, metrics: harness.metrics, notifier: { notify: async () => undefined } };
  const described = describeTimes(harness);
  const scale = createScaleHandler({ ...quiet, fleetMetrics: () => harness.fleetMetrics });
  const invoked: FleetStepEvent[] = [];
  const running: Array<Promise<ScaleResult>> = [];
  const invoker = { invoke: async (event: FleetStepEvent) => void (invoked.push(event), running.push(scale(event, lambdaContext()))) };
  const dispatch = createDispatchHandler({ ...quiet, invoker, settings: { fleetsPerSecond, concurrency: 10 } });

  const tick = scheduleEvent();
  const began = Date.now();
  const dispatched = await dispatch(tick, lambdaContext());
  const results = await Promise.all(running);
  const seconds = (Date.now() - began) / 1000;
  expect(dispatched).toMatchObject({ status: 'done', trigger: `schedule:${tick.executionId}`, invoked: names, failed: [] });
  expect(invoked.map((e) => e.fleet)).toEqual(names);
  expect(results.map((r) => [r.status, ...r.fleets.map((f) => f.fleet)])).toEqual(names.map((name) => ['done', name]));
  const logged = await Promise.all(names.map(async (name) => (await harness.records().listDecisions(name, 5)).length));
  expect(logged).toEqual(names.map(() => 1));

  // Redelivered: the tick's record answers it, and no fleet is invoked again.
  expect((await dispatch(tick, lambdaContext())).status).toBe('done');
  expect(invoked).toHaveLength(FLEETS);

  const histogram = perSecond(described, began);
  console.log(
    `${FLEETS} fleets at ${fleetsPerSecond} a second: stepped in ${seconds.toFixed(1)} s, ${described.length} EC2 describe calls, ` +
      `per second: ${histogram.join(' ')} (busiest ${Math.max(...histogram)})`,
  );
  return histogram;
}

describe('the tick of 50 fleets, fanned out', () => {
  it('steps every fleet once, spread over the tick, and a redelivered tick steps none', { timeout: 240_000 }, async () => {
    const paced = await fanOut(FLEETS_PER_SECOND);
    expect(Math.max(...paced)).toBeLessThanOrEqual(BUSIEST_SECOND_BOUND);
    // Spread: the calls take at least as long as the pace.
    expect(paced.length).toBeGreaterThan(Math.floor((FLEETS - 1) / FLEETS_PER_SECOND));
    // Unpaced (every fleet at once), as the single invocation was: the busiest second is busier.
    const burst = await fanOut(1000);
    expect(Math.max(...burst)).toBeGreaterThan(Math.max(...paced));
  });
});

describe('the dispatcher, on moto', () => {
  it('rejects a tick that names a fleet, and reports a fleet it could not invoke while invoking the rest', async () => {
    const harness = await FleetHarness.create();
    const config = validateConfig({ fleets: [...harness.config.fleets, { ...harness.fleet, name: harness.unique('other') }] });
    const clients = { ec2: harness.ec2, cloudwatch: harness.cloudwatch, dynamodb: harness.dynamodb, elbv2: harness.elbv2, eventbridge: harness.eventbridge };
    const notified: string[] = [];
    const invoked: string[] = [];
    const invoker = {
      invoke: async (event: FleetStepEvent) => {
        if (event.fleet === harness.name) throw new Error('Rate Exceeded.');
        invoked.push(event.fleet);
      },
    };
    const dispatch = createDispatchHandler({
      config,
      tableName: harness.tableName,
      clients,
      logger: harness.logger,
      metrics: harness.metrics,
      notifier: { notify: async (subject, message) => void notified.push(`${subject}: ${message}`) },
      invoker,
    });

    const named = await dispatch({ ...scheduleEvent('x-1'), fleet: harness.name }, lambdaContext());
    expect(named).toEqual({ status: 'rejected', reason: `not the schedule's tick: fleet: the dispatcher takes the tick for every fleet, got one for ${harness.name}` });

    const result = await dispatch(scheduleEvent('x-2'), lambdaContext());
    expect(result).toMatchObject({ status: 'done', invoked: [harness.unique('other')], failed: [{ fleet: harness.name, reason: 'Rate Exceeded.' }] });
    expect(invoked).toEqual([harness.unique('other')]);
    expect(notified).toEqual([`fleetward: an event failed for fleet ${harness.name}: ${harness.name}: Rate Exceeded.`]);
  });
});
