/**
 * What reading a CPU-scaled fleet's metric costs: the CloudWatch adapter reads the fleet's
 * aggregated CPU (one metric, published by the agents under the fleet's dimension) and AWS/EC2
 * CPUUtilization per instance, on a recording client, for fleets of N instances; prints the calls
 * and metrics one step requests and GetMetricData's monthly bill for F such fleets stepped every
 * minute (`--sizes 100,1000,10000 --fleets 10`). Then, with the metric read cadence
 * (scaling.metricReads), the metrics a fleet of 100 on the aggregate reads in a simulated day of
 * control steps (the product's runFleetStep over in-memory ports, the adapter on the recording
 * client), steady (a constant load) and busy (a load that moves every few minutes), as a month.
 * Prices: us-east-1 list, not checked here.
 */
import { parseArgs } from 'node:util';
import { CloudWatchMetrics } from '../functions/aws/cloudwatch-metrics.ts';
import type { MetricConfig } from '../functions/core/config.ts';
import { recordingCloudWatch } from '../test/unit/fakes/recording-cloudwatch.ts';
import { ControlWorld } from '../test/unit/control/world.ts';

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

/** The load, in instance-percent, a fleet of 100 sees at minute m: constant, or swinging ±25% over 40 minutes. */
const LOADS: ReadonlyArray<readonly [string, (minute: number) => number]> = [
  ['steady', () => 2_960],
  ['busy', (minute) => 2_960 * (1 + 0.25 * Math.sin((2 * Math.PI * minute) / 40))],
];
const CADENCES: ReadonlyArray<{ steadyEveryMinutes: number; headroomPercent: number }> = [
  { steadyEveryMinutes: 1, headroomPercent: 10 },
  { steadyEveryMinutes: 2, headroomPercent: 10 },
  { steadyEveryMinutes: 5, headroomPercent: 10 },
  { steadyEveryMinutes: 2, headroomPercent: 0 },
  { steadyEveryMinutes: 3, headroomPercent: 0 },
  { steadyEveryMinutes: 5, headroomPercent: 0 },
];
const DAY_STEPS = 24 * 60;
const AGGREGATE = READS[0]?.[1] as MetricConfig;

/** Metrics requested over a day of steps of a fleet of 60 (at the load above) at a cadence. */
async function metricsADay(load: (minute: number) => number, metricReads: (typeof CADENCES)[number]): Promise<number> {
  const world = new ControlWorld({
    fleet: { capacity: { min: 1, max: 200 }, scaling: { metric: AGGREGATE, metricType: 'per-instance', target: 50, warmupSeconds: 0, scaleIn: { stabilizationSeconds: 300, cooldownSeconds: 300 }, metricReads } },
  });
  await world.seedInService(60);
  let minute = 0;
  const cloudwatch = recordingCloudWatch(() => load(minute) / Math.max(1, world.compute.servingCount));
  const metrics = new CloudWatchMetrics(cloudwatch.client);
  for (; minute < DAY_STEPS; minute++) {
    await world.step({ ports: (deps) => ({ ...deps, metrics }) });
    world.clock.advance(60_000);
  }
  return cloudwatch.metricsRequested();
}

console.log('');
console.log(`| scaling.metricReads | load | metrics read a day | reads a step | ${fleets} fleets, a step a minute: $/month |`);
console.log('|---|---|---|---|---|');
for (const cadence of CADENCES) {
  for (const [name, load] of LOADS) {
    const read = await metricsADay(load, cadence);
    const monthly = (read / DAY_STEPS) * fleets * STEPS_PER_MONTH * DOLLARS_PER_METRIC;
    console.log(`| every ${cadence.steadyEveryMinutes} min, headroom ${cadence.headroomPercent}% | ${name} | ${read.toLocaleString('en-US')} | ${(read / DAY_STEPS).toFixed(3)} | ${monthly.toFixed(2)} |`);
  }
}
