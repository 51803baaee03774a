/**
 * A fleet step's observe reads at 10,000 instances, replayed: the EC2 adapter's
 * describeFleetInstances against a client whose transport answers EC2's XML from an in-process
 * fleet (every instance with a fleet-tagged root volume and primary interface, as launches tag
 * them; a few with an Elastic IP, a kept secondary interface, a kept data volume). Each size runs
 * in a new process and prints the XML bytes the SDK parsed, the calls by action, the CPU time
 * (the fleet's answers are prebuilt, so this is the SDK's parsing and the adapter), the growth of
 * the heap to its peak (sampled every millisecond and at each request, so a lower bound) and of
 * peak RSS, above the prebuilt fleet, and the identity found.
 *
 *   npx tsx bench/observe-replay.ts [--sizes 1000,10000] [--adapter <path to an ec2-compute.ts>]
 *
 * `--adapter` measures another version of the adapter, e.g. the one before identity was read by
 * candidate (`git archive <commit> functions | tar -x -C /tmp/before`, with node_modules linked).
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { FLEET_TAG } from '../functions/core/tags.ts';
import type { ComputePort } from '../functions/ports/index.ts';
import { buildReplayFleet, replayClient } from '../test/fakes/ec2-replay.ts';

const FLEET = 'web';
const CARRIED = 20;

interface Figures {
  readonly instances: number;
  readonly xmlBytes: number;
  readonly calls: Record<string, number>;
  readonly cpuMs: number;
  readonly peakHeapGrowthMb: number;
  readonly peakRssGrowthMb: number;
  readonly identity: { elasticIps: number; networkInterfaces: number; volumes: number };
}

async function measure(instances: number, adapterPath: string): Promise<Figures> {
  const fleet = buildReplayFleet(instances, CARRIED, FLEET_TAG, FLEET);
  const { Ec2Compute } = (await import(adapterPath)) as { Ec2Compute: new (client: EC2Client) => ComputePort };
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  let peakHeap = heapBefore;
  const sample = () => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed));
  const figures = { xmlBytes: 0, calls: {} as Record<string, number> };
  const compute = new Ec2Compute(
    replayClient(fleet, (action, _params, xml) => {
      sample();
      figures.calls[action] = (figures.calls[action] ?? 0) + 1;
      figures.xmlBytes += Buffer.byteLength(xml);
    }),
  );
  const sampler = setInterval(sample, 1);
  const cpu = process.cpuUsage();
  const observed = await compute.describeFleetInstances(FLEET);
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  const count = (pick: (i: (typeof observed)[number]) => readonly unknown[]) => observed.reduce((n, i) => n + pick(i).length, 0);
  return {
    instances: observed.length,
    xmlBytes: figures.xmlBytes,
    calls: figures.calls,
    cpuMs: (used.user + used.system) / 1000,
    peakHeapGrowthMb: (peakHeap - heapBefore) / 2 ** 20,
    peakRssGrowthMb: (process.resourceUsage().maxRSS * 1024 - rssBefore) / 2 ** 20,
    identity: { elasticIps: count((i) => i.identity.elasticIps), networkInterfaces: count((i) => i.identity.networkInterfaces), volumes: count((i) => i.identity.volumes) },
  };
}

const option = (name: string) => {
  const index = process.argv.indexOf(name);
  return index < 0 ? undefined : process.argv[index + 1];
};
const adapter = resolve(option('--adapter') ?? fileURLToPath(new URL('../functions/aws/ec2-compute.ts', import.meta.url)));
const child = option('--child');
if (child !== undefined) {
  console.log(JSON.stringify(await measure(Number(child), adapter)));
} else {
  const sizes = (option('--sizes') ?? '1000,10000').split(',').map(Number);
  console.log(`adapter: ${adapter}`);
  console.log('| instances | XML parsed | calls | CPU | peak heap growth (sampled) | peak RSS growth | identity found (EIP / ENI / volume) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const size of sizes) {
    const script = fileURLToPath(import.meta.url);
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--expose-gc', script, '--child', String(size), '--adapter', adapter], { encoding: 'utf8', maxBuffer: 2 ** 24, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    const f = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Figures;
    const calls = Object.entries(f.calls).map(([action, n]) => `${action.replace('Describe', '')} ${n}`).join(', ');
    console.log(
      `| ${f.instances.toLocaleString('en')} | ${(f.xmlBytes / 1e6).toFixed(1)} MB | ${calls} | ${f.cpuMs.toFixed(0)} ms | ${f.peakHeapGrowthMb.toFixed(0)} MB | ${f.peakRssGrowthMb.toFixed(0)} MB | ${f.identity.elasticIps} / ${f.identity.networkInterfaces} / ${f.identity.volumes} |`,
    );
  }
}
