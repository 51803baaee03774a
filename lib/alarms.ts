/**
 * The alarms on fleetward itself: failed steps, failed events, the scale function's errors and
 * throttles, the dispatcher's errors, and for each fleet launches that keep failing (one alarm
 * over every fleet beyond PER_FLEET_LIMIT fleets). The Fleetward construct sends them (and the
 * dead-letter alarm) to its topic.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { Annotations } from 'aws-cdk-lib';
import { METRIC_PERIOD, PER_FLEET_LIMIT, fleetMetric, serviceMetric } from './metrics.ts';

/** Launches that failed in this many consecutive 5-minute periods are "repeated". */
export const LAUNCH_FAILURE_PERIODS = 3;
/** Steps that failed in this many of the last three 5-minute periods keep failing. */
const STEP_FAILURE_PERIODS = 2;

export interface FleetwardAlarmsProps {
  readonly fleets: readonly string[];
  readonly scaleFunction: lambda.IFunction;
  readonly dispatchFunction: lambda.IFunction;
}

/** An alarm at one or more in a period, quiet without data (no steps, no errors). */
function atLeastOnce(scope: Construct, id: string, description: string, metric: cloudwatch.IMetric, periods = 1, datapoints = periods): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmDescription: `fleetward: ${description} (see docs/operations.md)`,
    metric,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: periods,
    datapointsToAlarm: datapoints,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/** fleetward's own alarms. */
export class FleetwardAlarms extends Construct {
  /** Steps failed (not skipped) in 2 of the last 3 periods: a fault that does not go away by itself. */
  readonly stepsFailed: cloudwatch.Alarm;
  /** A trigger failed before its steps ran (its record or its fleets could not be read). */
  readonly eventsFailed: cloudwatch.Alarm;
  /** The function itself failed: a crash or a timeout, never a step's failure (those are answered). */
  readonly functionErrors: cloudwatch.Alarm;
  /** Lambda refused to run the function (concurrency): steps are missed. */
  readonly functionThrottles: cloudwatch.Alarm;
  /** The dispatcher failed: no fleet stepped on that tick. */
  readonly dispatchErrors: cloudwatch.Alarm;
  /** Per fleet: a launch failed in each of the last 3 periods (empty beyond PER_FLEET_LIMIT fleets). */
  readonly launchFailures: ReadonlyMap<string, cloudwatch.Alarm>;
  /** Beyond PER_FLEET_LIMIT fleets: a launch of any fleet failed in each of the last 3 periods. */
  readonly anyFleetLaunchFailures: cloudwatch.Alarm | undefined;

  constructor(scope: Construct, id: string, props: FleetwardAlarmsProps) {
    super(scope, id);
    const fn = props.scaleFunction;
    this.stepsFailed = atLeastOnce(this, 'StepsFailed', 'control steps keep failing', serviceMetric('StepsFailed'), 3, STEP_FAILURE_PERIODS);
    this.eventsFailed = atLeastOnce(this, 'EventsFailed', 'a trigger failed before its steps ran', serviceMetric('EventsFailed'));
    this.functionErrors = atLeastOnce(this, 'FunctionErrors', 'the scale function crashed or timed out', fn.metricErrors({ period: METRIC_PERIOD, statistic: 'Sum' }));
    this.functionThrottles = atLeastOnce(this, 'FunctionThrottles', 'the scale function was throttled', fn.metricThrottles({ period: METRIC_PERIOD, statistic: 'Sum' }));
    const dispatcher = props.dispatchFunction;
    this.dispatchErrors = atLeastOnce(this, 'DispatchErrors', 'the dispatcher crashed or timed out: fleets missed a step', dispatcher.metricErrors({ period: METRIC_PERIOD, statistic: 'Sum' }));
    const perFleet = props.fleets.length <= PER_FLEET_LIMIT;
    this.anyFleetLaunchFailures = perFleet
      ? undefined
      : atLeastOnce(this, 'LaunchFailures', 'launches keep failing (any fleet: see the dashboard for which)', serviceMetric('LaunchFailures'), LAUNCH_FAILURE_PERIODS);
    if (!perFleet) {
      Annotations.of(this).addWarningV2(
        'fleetward:alarms:perFleet',
        `${props.fleets.length} fleets: one launch failure alarm over every fleet instead of one per fleet (at most ${PER_FLEET_LIMIT}), to stay under CloudFormation's 500 resources per stack`,
      );
    }
    this.launchFailures = new Map(
      (perFleet ? props.fleets : []).map((fleet) => [
        fleet,
        atLeastOnce(this, `LaunchFailures-${fleet}`, `launches of fleet ${fleet} keep failing`, fleetMetric(fleet, 'LaunchFailures'), LAUNCH_FAILURE_PERIODS),
      ]),
    );
  }

  /** Every alarm here. */
  get all(): cloudwatch.Alarm[] {
    const anyFleet = this.anyFleetLaunchFailures === undefined ? [] : [this.anyFleetLaunchFailures];
    return [this.stepsFailed, this.eventsFailed, this.functionErrors, this.functionThrottles, this.dispatchErrors, ...anyFleet, ...this.launchFailures.values()];
  }
}
