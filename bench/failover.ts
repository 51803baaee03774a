/**
 * Failover benchmark against the local emulator: 50 pets (an Elastic IP, a secondary interface,
 * a data volume, a target group each) fail over on a Spot interruption warning. Prints the
 * handler's time from event to "replacement launched and identity moved" (median, p99) and
 * the AWS API calls one failover makes, by service. Times are moto's on this machine, not AWS's.
 */
import { randomUUID } from 'node:crypto';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachNetworkInterfaceCommand,
  AttachVolumeCommand,
  CreateNetworkInterfaceCommand,
  CreateVolumeCommand,
  DescribeAddressesCommand,
  DescribeSubnetsCommand,
} from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createFleetwardTable, createLaunchTemplate, defaultSubnets } from '../dev/fixtures.ts';
import { startEmulator, useEmulatorEnvironment } from '../dev/moto-server.ts';
import { validateConfig } from '../functions/core/config.ts';
import { FLEET_TAG } from '../functions/core/tags.ts';
import { createAwsClients } from '../functions/handlers/ports.ts';
import { createScaleHandler } from '../functions/handlers/scale-handler.ts';

const FAILOVERS = 50;
const TABLE = 'fleetward-bench';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const emulator = await startEmulator();
useEmulatorEnvironment(emulator.endpoint);

const calls = new Map<string, number>();
let counting = false;
const clients = createAwsClients();
for (const [service, client] of Object.entries(clients)) {
  (client.middlewareStack as { add: (m: unknown, o: unknown) => void }).add(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      if (counting) calls.set(service, (calls.get(service) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
}
const { ec2, elbv2 } = clients;

const context = () => ({ awsRequestId: randomUUID(), functionName: 'bench', getRemainingTimeInMillis: () => 60_000 }) as Context;
const quiet = new Logger({ serviceName: 'fleetward', logLevel: 'SILENT' });

await createFleetwardTable(clients.dynamodb, TABLE);
await createLaunchTemplate(ec2, 'bench');
const [subnet] = (await defaultSubnets(ec2, 1)).subnets;
if (subnet === undefined) throw new Error('no subnet');
const vpcId = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet.subnetId] }))).Subnets?.[0]?.VpcId;

const durations: number[] = [];
for (let i = 0; i < FAILOVERS; i += 1) {
  const name = `pet-${i}`;
  const group = await elbv2.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 80, VpcId: vpcId, TargetType: 'instance' }));
  const config = validateConfig({
    fleets: [
      {
        name,
        launchTemplate: { name: 'bench' },
        subnets: [subnet.subnetId],
        instanceTypes: [{ type: 't4g.micro' }],
        capacity: { min: 1, max: 1 },
        scaling: { metric: { namespace: 'Bench', name: 'None', statistic: 'Sum' }, metricType: 'total', target: 1 },
        targetGroups: [group.TargetGroups?.[0]?.TargetGroupArn],
        failover: { gracePeriodSeconds: 0 },
      },
    ],
  });
  let nowMs = Date.now();
  const handler = createScaleHandler({ config, tableName: TABLE, clients, clock: { now: () => nowMs }, logger: quiet, metrics: new Metrics() });
  const schedule = () => handler({ source: 'fleetward.schedule', executionId: randomUUID(), scheduledTime: 'now' }, context());
  const first = await schedule();
  const instanceId = first.fleets[0]?.launched[0] ?? '';
  const tags = (type: 'elastic-ip' | 'network-interface' | 'volume') => [{ ResourceType: type, Tags: [{ Key: FLEET_TAG, Value: name }] }];
  const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: tags('elastic-ip') }));
  await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: instanceId }));
  const eni = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.subnetId, TagSpecifications: tags('network-interface') }));
  await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eni.NetworkInterface?.NetworkInterfaceId, InstanceId: instanceId, DeviceIndex: 1 }));
  const volume = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: subnet.availabilityZone, Size: 8, TagSpecifications: tags('volume') }));
  await ec2.send(new AttachVolumeCommand({ VolumeId: volume.VolumeId, InstanceId: instanceId, Device: '/dev/sdf' }));
  nowMs += 60_000;
  await schedule();

  const warning = {
    id: randomUUID(),
    source: 'aws.ec2',
    'detail-type': 'EC2 Spot Instance Interruption Warning',
    detail: { 'instance-id': instanceId, 'instance-action': 'terminate' },
  };
  nowMs += 60_000;
  counting = true;
  const started = performance.now();
  const result = await handler(warning, context());
  durations.push(performance.now() - started);
  counting = false;
  const replacement = result.fleets[0]?.launched[0];
  const address = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [eip.AllocationId ?? ''] }));
  if (replacement === undefined || address.Addresses?.[0]?.InstanceId !== replacement) {
    throw new Error(`failover ${i} did not complete: ${JSON.stringify(result.fleets[0]?.actions)}`);
  }
}
await emulator.stop();

const sorted = [...durations].sort((a, b) => a - b);
const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
const total = [...calls.values()].reduce((sum, n) => sum + n, 0);
console.log(`failovers: ${FAILOVERS} pets (Elastic IP, secondary ENI, data volume, target group), triggered by a Spot interruption warning`);
console.log(`event -> replacement launched and identity moved: median ${quantile(0.5).toFixed(0)} ms, p99 ${quantile(0.99).toFixed(0)} ms, max ${quantile(1).toFixed(0)} ms`);
console.log(`AWS API calls per failover: ${(total / FAILOVERS).toFixed(1)} (${[...calls].map(([service, n]) => `${service} ${(n / FAILOVERS).toFixed(1)}`).join(', ')})`);
