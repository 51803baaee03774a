/**
 * The AWS calls of a steady step: a fleet of N instances (one target group) on moto, launched in
 * one call per zone as fleetward would have launched them, adopted and stepped until nothing changes, then, 16 minutes on, a scheduled step (the heartbeat)
 * and a minute later another (steady), each the fleet's tick as the dispatcher invokes it, counted by an SDK middleware on every
 * client the handler uses, by service and command, DynamoDB writes apart. Prints the table for
 * 100 and 1,000 instances (`--sizes 100,1000`).
 */
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { DescribeSubnetsCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { resetEmulator, startEmulator, useEmulatorEnvironment } from '../dev/moto-server.ts';
import { COMMAND_TAG, FLEET_TAG, OWNER_TAG } from '../functions/core/tags.ts';
import { FleetHarness, scheduleEvent } from '../test/integration/harness.ts';
import { byCommand, countCalls, tally, writesOf } from './call-counter.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '100,1000' } } });
const sizes = values.sizes.split(',').map(Number);

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const emulator = await startEmulator();
useEmulatorEnvironment(emulator.endpoint);

async function fleetOf(size: number): Promise<FleetHarness> {
  const capacity = { min: size, max: size, initial: size };
  const fleet = await FleetHarness.create({ capacity }, 3);
  const vpc = await fleet.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [fleet.subnets[0]?.subnetId ?? ''] }));
  const group = await fleet.elbv2.send(
    new CreateTargetGroupCommand({ Name: `bench-${randomUUID().slice(0, 8)}`, Protocol: 'HTTP', Port: 80, VpcId: vpc.Subnets?.[0]?.VpcId, TargetType: 'instance' }),
  );
  fleet.configure({ capacity, targetGroups: [group.TargetGroups?.[0]?.TargetGroupArn ?? ''] });
  for (const [index, subnet] of fleet.subnets.entries()) {
    const count = Math.floor(size / fleet.subnets.length) + (index < size % fleet.subnets.length ? 1 : 0);
    const tags = { [FLEET_TAG]: fleet.fleet.name, [OWNER_TAG]: fleet.owner, [COMMAND_TAG]: `${fleet.fleet.name}/0/launch/${subnet.subnetId}` };
    await fleet.ec2.send(
      new RunInstancesCommand({
        LaunchTemplate: { LaunchTemplateName: fleet.launchTemplateName },
        MinCount: count,
        MaxCount: count,
        SubnetId: subnet.subnetId,
        TagSpecifications: [{ ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
      }),
    );
  }
  return fleet;
}

/** The calls of one scheduled step, checked to act on nothing. */
async function countedStep(fleet: FleetHarness, size: number, calls: string[], counting: { on: boolean }): Promise<string[]> {
  await fleet.publish(10 * size);
  calls.length = 0;
  counting.on = true;
  const result = await fleet.invoke({ ...scheduleEvent(), fleet: fleet.name });
  counting.on = false;
  if (result.fleets[0]?.actions.length !== 0) throw new Error(`the counted step was not steady: ${JSON.stringify(result.fleets[0]?.actions.slice(0, 3))}`);
  return [...calls];
}

/** The calls of the heartbeat step (the first 15 minutes after the last entry) and of the steady step a minute later. */
async function steadyStepCalls(size: number): Promise<{ heartbeat: string[]; steady: string[] }> {
  const fleet = await fleetOf(size);
  const calls: string[] = [];
  const counting = { on: false };
  for (const [service, client] of [['DynamoDB', fleet.dynamodb], ['EC2', fleet.ec2], ['ELBv2', fleet.elbv2], ['CloudWatch', fleet.cloudwatch], ['EventBridge', fleet.eventbridge]] as const) {
    countCalls(client, service, calls, () => counting.on);
  }
  for (let step = 0; step < 4; step += 1) await fleet.step(10 * size);
  if ((await fleet.instances()).length !== size) throw new Error(`the fleet did not reach ${size} instances`);
  // The counted steps come once the instances have run for 16 minutes: past the 15 minutes in
  // which a large fleet still asks EC2 for an instance's status checks by id. The first is the
  // heartbeat (15 minutes without an entry); the one a minute later is steady.
  fleet.clock.advance(16 * 60);
  const heartbeat = await countedStep(fleet, size, calls, counting);
  fleet.clock.advance(60);
  const steady = await countedStep(fleet, size, calls, counting);
  return { heartbeat, steady };
}

const rows: string[] = [];
for (const size of sizes) {
  await resetEmulator(emulator);
  const started = performance.now();
  const counted = await steadyStepCalls(size);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  for (const [kind, calls] of [['steady', counted.steady], ['heartbeat', counted.heartbeat]] as const) {
    rows.push(
      `| ${size} | ${kind} | ${calls.length} | ${tally(calls, 'DynamoDB')} (${writesOf(calls)} writes) | ${tally(calls, 'EC2')} | ${tally(calls, 'ELBv2')} | ${tally(calls, 'CloudWatch')} | ${byCommand(calls)} | ${seconds} s |`,
    );
  }
}
await emulator.stop();

console.log('| instances | step | calls | DynamoDB | EC2 | ELBv2 | CloudWatch | by command | bench time |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
