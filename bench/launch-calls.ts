/**
 * The AWS calls of a large launch: a fleet of none with one target group on moto asked for N
 * instances; the step that launches them and the next step (which registers any that were still
 * pending) counted by an SDK middleware on every client the handler uses. Prints the table for
 * 1,000 instances (`--sizes 300,1000`). Run on the branch before the batching, the same bench gave
 * the "before" figures of docs/scale.md.
 */
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { resetEmulator, startEmulator, useEmulatorEnvironment } from '../dev/moto-server.ts';
import { FleetHarness, lambdaContext, scheduleEvent } from '../test/integration/harness.ts';
import { byCommand, countCalls, tally, writesOf } from './call-counter.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000' } } });
const sizes = values.sizes.split(',').map(Number);
/**
 * The handler's time: moto on the shared 2-core machine takes longer than the function's 60 s to
 * launch 1,000 instances (RunInstances and DescribeInstances of hundreds at a time); the calls
 * counted are the same.
 */
const EMULATOR_TIMEOUT_MS = 600_000;

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const emulator = await startEmulator();
useEmulatorEnvironment(emulator.endpoint);

async function emptyFleet(size: number): Promise<FleetHarness> {
  const fleet = await FleetHarness.create({ capacity: { min: 0, max: size } }, 3);
  const vpc = await fleet.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [fleet.subnets[0]?.subnetId ?? ''] }));
  const group = await fleet.elbv2.send(
    new CreateTargetGroupCommand({ Name: `bench-${randomUUID().slice(0, 8)}`, Protocol: 'HTTP', Port: 80, VpcId: vpc.Subnets?.[0]?.VpcId, TargetType: 'instance' }),
  );
  fleet.configure({ capacity: { min: 0, max: size }, targetGroups: [group.TargetGroups?.[0]?.TargetGroupArn ?? ''] });
  return fleet;
}

/** The handler's calls during one scheduled step at a load for `size` instances. */
async function countedStep(fleet: FleetHarness, size: number, calls: string[], counting: { on: boolean }): Promise<string[]> {
  fleet.clock.advance(60);
  await fleet.publish(10 * size);
  const start = calls.length;
  counting.on = true;
  await fleet.invoke(scheduleEvent(), { ...lambdaContext(), getRemainingTimeInMillis: () => EMULATOR_TIMEOUT_MS });
  counting.on = false;
  return calls.slice(start);
}

/** The calls of the launching step and of the step after it. */
async function launchCalls(size: number): Promise<{ launching: string[]; next: string[]; registered: number }> {
  const fleet = await emptyFleet(size);
  const calls: string[] = [];
  const counting = { on: false };
  for (const [service, client] of [['DynamoDB', fleet.dynamodb], ['EC2', fleet.ec2], ['ELBv2', fleet.elbv2], ['CloudWatch', fleet.cloudwatch], ['EventBridge', fleet.eventbridge]] as const) {
    countCalls(client, service, calls, () => counting.on);
  }
  const launching = await countedStep(fleet, size, calls, counting);
  const launched = (await fleet.instances()).length;
  if (launched !== size) throw new Error(`the step launched ${launched} of ${size} instances`);
  const next = await countedStep(fleet, size, calls, counting);
  const health = await fleet.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: fleet.fleet.targetGroups[0] }));
  return { launching, next, registered: health.TargetHealthDescriptions?.length ?? 0 };
}

const row = (size: number, step: string, calls: readonly string[]) =>
  `| ${size} | ${step} | ${calls.length} | ${tally(calls, 'DynamoDB')} (${writesOf(calls)} writes) | ${tally(calls, 'EC2')} | ${tally(calls, 'ELBv2')} | ${tally(calls, 'CloudWatch')} | ${byCommand(calls)} |`;

const rows: string[] = [];
for (const size of sizes) {
  await resetEmulator(emulator);
  const started = performance.now();
  const { launching, next, registered } = await launchCalls(size);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  rows.push(row(size, `launch (${seconds} s for both)`, launching), row(size, `next (${registered} registered after)`, next));
}
await emulator.stop();

console.log('| instances | step | calls | DynamoDB | EC2 | ELBv2 | CloudWatch | by command |');
console.log('|---|---|---|---|---|---|---|---|');
for (const line of rows) console.log(line);
