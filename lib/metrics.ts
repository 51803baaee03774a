/** The CloudWatch metrics the scale function emits, as the dashboard and the alarms read them. */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { FLEET_DIMENSION, type FleetMetric, METRICS_NAMESPACE, METRICS_SERVICE } from '../functions/handlers/fleet-metrics.ts';

/** What the function counts over all fleets (service dimension only). */
export type ServiceMetric = 'StepsFailed' | 'EventsFailed' | 'LaunchFailures';

/**
 * Up to this many fleets, each has its own launch failure alarm and dashboard row; beyond, one
 * alarm and one row cover every fleet, so that the stack stays under CloudFormation's 500
 * resources and the dashboard under CloudWatch's 500 widgets (the construct warns when it does).
 */
export const PER_FLEET_LIMIT = 100;

/** The default period of every fleetward graph and alarm. */
export const METRIC_PERIOD = Duration.minutes(5);

/** A metric counted over all fleets, summed per period; a label only for graphs (an alarm on a labelled metric becomes metric math). */
export function serviceMetric(name: ServiceMetric, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service: METRICS_SERVICE }, statistic: 'Sum', period: METRIC_PERIOD, label });
}

/** A metric of one fleet: capacities at their maximum in the period, counts summed. */
export function fleetMetric(fleet: string, name: FleetMetric, label?: string): cloudwatch.Metric {
  const capacity = name === 'DesiredCapacity' || name === 'InServiceCapacity';
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: METRICS_SERVICE, [FLEET_DIMENSION]: fleet },
    statistic: capacity ? 'Maximum' : 'Sum',
    period: capacity ? Duration.minutes(1) : METRIC_PERIOD,
    label,
  });
}

/** Every fleet's series of one metric in one graph, found by a SEARCH expression (for more than PER_FLEET_LIMIT fleets). */
export function everyFleetMetric(name: FleetMetric, label: string): cloudwatch.IMetric {
  const capacity = name === 'DesiredCapacity' || name === 'InServiceCapacity';
  const search = `{${METRICS_NAMESPACE},service,${FLEET_DIMENSION}} MetricName="${name}" service="${METRICS_SERVICE}"`;
  const period = capacity ? Duration.minutes(1) : METRIC_PERIOD;
  return new cloudwatch.MathExpression({ expression: `SEARCH('${search}', '${capacity ? 'Maximum' : 'Sum'}', ${period.toSeconds()})`, label, period, usingMetrics: {} });
}
