// Each step's per-fleet figures (the dashboard's rows and the launch-failure alarm), under the fleet's dimension.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StepOutcome } from '../../../functions/control/step-outcome.ts';
import { defaultFleetMetrics, fleetFigures, publishFleetMetrics } from '../../../functions/handlers/fleet-metrics.ts';

const action = (kind: StepOutcome['actions'][number]['kind']) => ({ commandId: `${kind}-1`, kind, reason: 'why', outcome: 'done' });
const done: StepOutcome = {
  fleet: 'web',
  outcome: 'done',
  reason: 'scale out 2 -> 4',
  desiredCapacity: 4,
  capacity: 2,
  launched: ['i-1', 'i-2'],
  terminated: ['i-3'],
  launchFailed: true,
  actions: [action('launch'), action('failover'), action('advance'), action('advance'), action('settle')],
};
const failed: StepOutcome = { fleet: 'web', outcome: 'failed', reason: 'DescribeInstances failed', launched: [], terminated: [], launchFailed: false, actions: [] };

afterEach(() => vi.restoreAllMocks());

describe('fleetFigures', () => {
  it.each([
    ['a step that acted', done, { DesiredCapacity: 4, InServiceCapacity: 2, InstancesLaunched: 2, InstancesTerminated: 1, Failovers: 1, DrainActions: 2, LaunchFailures: 1, StepsFailed: 0 }],
    ['a failed step: no capacity it did not see', failed, { InstancesLaunched: 0, InstancesTerminated: 0, Failovers: 0, DrainActions: 0, LaunchFailures: 0, StepsFailed: 1 }],
  ] as const)('%s', (_case, outcome, figures) => {
    expect(fleetFigures(outcome)).toEqual(figures);
  });
});

describe('publishFleetMetrics', () => {
  it('adds every figure to the metrics made for the fleet, then publishes them at once', () => {
    const metrics = new Metrics({ namespace: 'fleetward-test' });
    const added = vi.spyOn(metrics, 'addMetric');
    const published = vi.spyOn(metrics, 'publishStoredMetrics').mockReturnValue(metrics);
    const made: string[] = [];
    publishFleetMetrics((fleet) => (made.push(fleet), metrics), done);
    expect(made).toEqual(['web']);
    expect(Object.fromEntries(added.mock.calls.map(([name, , value]) => [name, value]))).toEqual(fleetFigures(done));
    expect(published).toHaveBeenCalledTimes(1);
  });

  it('writes one EMF record in the fleetward namespace with the service and fleet dimensions', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    publishFleetMetrics(defaultFleetMetrics, done);
    const records = written.map((line) => JSON.parse(line) as { _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> }; fleet: string; service: string });
    expect(records).toHaveLength(1);
    expect(records[0]?._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'fleetward', Dimensions: [['service', 'fleet']] });
    expect(records[0]).toMatchObject({ fleet: 'web', service: 'fleetward', DesiredCapacity: 4, LaunchFailures: 1 });
  });
});
