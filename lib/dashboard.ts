/**
 * The fleetward dashboard: fleetward's own errors and the state of every alarm first, then one
 * row per fleet (desired vs in service, launches and terminations, failovers and drains, errors);
 * beyond PER_FLEET_LIMIT fleets, one row whose graphs show every fleet's series.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Annotations } from 'aws-cdk-lib';
import { METRIC_PERIOD, PER_FLEET_LIMIT, everyFleetMetric, fleetMetric, serviceMetric } from './metrics.ts';

export interface FleetwardDashboardProps {
  readonly fleets: readonly string[];
  readonly scaleFunction: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
  readonly alarms: readonly cloudwatch.IAlarm[];
}

const WIDTH = 6;
const HEIGHT = 6;

const graph = (title: string, left: cloudwatch.IMetric[]) => new cloudwatch.GraphWidget({ title, left, width: WIDTH, height: HEIGHT });

/** The row of one fleet. */
function fleetRow(fleet: string): cloudwatch.Row {
  const metric = (name: Parameters<typeof fleetMetric>[1], label: string) => fleetMetric(fleet, name, label);
  return new cloudwatch.Row(
    graph(`${fleet}: desired vs in service`, [metric('DesiredCapacity', 'desired'), metric('InServiceCapacity', 'in service')]),
    graph(`${fleet}: launches and terminations`, [metric('InstancesLaunched', 'launched'), metric('InstancesTerminated', 'terminated')]),
    graph(`${fleet}: failovers and drains`, [metric('Failovers', 'failovers'), metric('DrainActions', 'drain actions')]),
    graph(`${fleet}: errors`, [metric('StepsFailed', 'failed steps'), metric('LaunchFailures', 'launch failures')]),
  );
}

/** The row of every fleet at once: each graph a SEARCH over the fleet dimension. */
function everyFleetRow(): cloudwatch.Row {
  return new cloudwatch.Row(
    graph('every fleet: desired', [everyFleetMetric('DesiredCapacity', 'desired')]),
    graph('every fleet: in service', [everyFleetMetric('InServiceCapacity', 'in service')]),
    graph('every fleet: launched', [everyFleetMetric('InstancesLaunched', 'launched')]),
    graph('every fleet: launch failures', [everyFleetMetric('LaunchFailures', 'launch failures')]),
  );
}

/** The dashboard of one deployment. */
export class FleetwardDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: FleetwardDashboardProps) {
    super(scope, id);
    const fn = props.scaleFunction;
    const own = graph('fleetward: errors', [
      serviceMetric('StepsFailed', 'failed steps'),
      serviceMetric('EventsFailed', 'failed events'),
      fn.metricErrors({ period: METRIC_PERIOD, statistic: 'Sum', label: 'function errors' }),
      fn.metricThrottles({ period: METRIC_PERIOD, statistic: 'Sum', label: 'function throttles' }),
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: METRIC_PERIOD, statistic: 'Maximum', label: 'dead letters' }),
    ]);
    const alarms = new cloudwatch.AlarmStatusWidget({ title: 'fleetward: alarms', alarms: [...props.alarms], width: 3 * WIDTH, height: HEIGHT });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [[new cloudwatch.Row(own, alarms)], ...this.fleetRows(props.fleets)],
    });
  }

  private fleetRows(fleets: readonly string[]): cloudwatch.IWidget[][] {
    if (fleets.length <= PER_FLEET_LIMIT) return fleets.map((fleet) => [fleetRow(fleet)]);
    Annotations.of(this).addWarningV2(
      'fleetward:dashboard:perFleet',
      `${fleets.length} fleets: one row of graphs over every fleet instead of a row per fleet (at most ${PER_FLEET_LIMIT}), to stay under CloudWatch's 500 widgets per dashboard`,
    );
    return [[everyFleetRow()]];
  }
}
