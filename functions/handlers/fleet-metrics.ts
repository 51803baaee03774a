/**
 * Each step's figures for its fleet, under a `fleet` dimension (beside `service`): what the
 * dashboard's per-fleet rows and the repeated-launch-failure alarm read. One EMF record per
 * fleet and step, so a fleet costs its eight custom metrics and no more.
 */
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import type { StepOutcome } from '../control/step-outcome.ts';

export const METRICS_NAMESPACE = 'fleetward';
export const METRICS_SERVICE = 'fleetward';
export const FLEET_DIMENSION = 'fleet';

/** The per-fleet metrics, each a count (capacities in capacity units). */
export const FLEET_METRICS = [
  'DesiredCapacity',
  'InServiceCapacity',
  'InstancesLaunched',
  'InstancesTerminated',
  'Failovers',
  'DrainActions',
  'LaunchFailures',
  'StepsFailed',
] as const;
export type FleetMetric = (typeof FLEET_METRICS)[number];

/** Makes the metrics of one fleet: the step's figures for it are added, then published together. */
export type FleetMetricsFactory = (fleet: string) => Metrics;

export const defaultFleetMetrics: FleetMetricsFactory = (fleet) =>
  new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE, defaultDimensions: { [FLEET_DIMENSION]: fleet } });

const countOf = (outcome: StepOutcome, kind: StepOutcome['actions'][number]['kind']) => outcome.actions.filter((action) => action.kind === kind).length;

/** A step's figures; the capacities only when the step saw them (not when it failed or was skipped). */
export function fleetFigures(outcome: StepOutcome): Partial<Record<FleetMetric, number>> {
  const capacities = outcome.desiredCapacity === undefined ? {} : { DesiredCapacity: outcome.desiredCapacity, InServiceCapacity: outcome.capacity ?? 0 };
  return {
    ...capacities,
    InstancesLaunched: outcome.launched.length,
    InstancesTerminated: outcome.terminated.length,
    Failovers: countOf(outcome, 'failover'),
    DrainActions: countOf(outcome, 'advance'),
    LaunchFailures: outcome.launchFailed ? 1 : 0,
    StepsFailed: outcome.outcome === 'failed' ? 1 : 0,
  };
}

/** Publishes a step's figures under its fleet's dimension. */
export function publishFleetMetrics(factory: FleetMetricsFactory, outcome: StepOutcome): void {
  const metrics = factory(outcome.fleet);
  for (const [name, value] of Object.entries(fleetFigures(outcome))) metrics.addMetric(name, MetricUnit.Count, value);
  metrics.publishStoredMetrics();
}
