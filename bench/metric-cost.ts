/**
 * What reading a CPU-scaled fleet's metric costs: the CloudWatch adapter reads the fleet's
 * aggregated CPU (one metric, published by the agents under the fleet's dimension) and AWS/EC2
 * CPUUtilization per instance, on a recording client, for fleets of N instances; prints the calls
 * and metrics one step requests and GetMetricData's monthly bill for F such fleets stepped every
 * minute (`--sizes 100,1000,10000 --fleets 10`). Prices: us-east-1 list, not checked here.
 */
import { parseArgs } from 'node:util';
import { CloudWatchMetrics } from '../functions/aws/cloudwatch-metrics.ts';
import type { MetricConfig } from '../functions/core/config.ts';
import { recordingCloudWatch } from '../test/unit/fakes/recording-cloudwatch.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '100,1000,10000' }, fleets: { type: 'string', default: '10' } } });
const sizes = values.sizes.split(',').map(Number);
const fleets = Number(values.fleets);

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
/** GetMetricData: $0.01 per 1,000 metrics requested. */
const DOLLARS_PER_METRIC = 0.01 / 1000;
/** A 30-day month of one step a minute. */
const STEPS_PER_MONTH = 30 * 24 * 60;

const READS: readonly (readonly [string, MetricConfig])[] = [
  ['fleet aggregate (CWAgent, FleetwardFleet)', { namespace: 'CWAgent', name: 'cpu_usage_active', dimensions: { cpu: 'cpu-total', FleetwardFleet: 'web' }, statistic: 'Average', periodSeconds: 60 }],
  ['per instance (AWS/EC2, {instanceId})', { namespace: 'AWS/EC2', name: 'CPUUtilization', dimensions: { InstanceId: '{instanceId}' }, statistic: 'Average', periodSeconds: 60 }],
];

console.log(`| read | instances | GetMetricData calls a step | metrics a step | ${fleets} fleets, a step a minute: $/month |`);
console.log('|---|---|---|---|---|');
for (const [name, metric] of READS) {
  for (const size of sizes) {
    const cloudwatch = recordingCloudWatch(() => 50);
    const instanceIds = Array.from({ length: size }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`);
    await new CloudWatchMetrics(cloudwatch.client).latest(metric, instanceIds, Date.now());
    const monthly = cloudwatch.metricsRequested() * fleets * STEPS_PER_MONTH * DOLLARS_PER_METRIC;
    console.log(`| ${name} | ${size.toLocaleString('en-US')} | ${cloudwatch.requests.length} | ${cloudwatch.metricsRequested().toLocaleString('en-US')} | ${monthly.toFixed(2)} |`);
  }
}
