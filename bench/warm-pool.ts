/**
 * `npm run bench:warm-pool`: fleetward on every trace of a trace directory (default the seeded
 * workloads of `bench:workloads`, out/workloads) with and without a warm pool, at the same swept
 * targets, against the oracle. One size rule for every trace, not tuned on any: a pool of 10% of
 * the trace's peak demand in instances, members serving 30 s after a start (a launch: the
 * simulator's boot, 120 s). Cost counts the pool: its members' launches and preparation are
 * billed instance-hours, their hours stopped are priced at the shipped table's EBS gp3 figure for
 * an 8 GB root volume against m7g.large. Prints Markdown. Options: `--traces a,b` (names),
 * `--targets 0.6,0.7`.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHIPPED_PRICES } from '../functions/core/mix/price-table.ts';
import { POOL_VOLUME_GB, stoppedHourShare } from '../sim/cost.ts';
import type { ElasticityMetrics } from '../sim/metrics.ts';
import { textTable } from '../sim/report.ts';
import { MAX_UNDER_TIMESHARE, prepare, runPolicy, type Setup } from '../sim/run.ts';
import { parseTrace } from '../sim/trace.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TRACES = process.env.FLEETWARD_TRACES ?? resolve(ROOT, 'out/workloads');
const POOL_SHARE_OF_PEAK = 0.1;
const POOL_START_S = 30;
const PRICED_TYPE = 'm7g.large';
const DEFAULT_TARGETS = [0.5, 0.6, 0.7, 0.8];

interface Manifest {
  readonly name: string;
  readonly file: string;
}

interface Run {
  readonly target: number;
  readonly metrics: ElasticityMetrics;
  /** Cost with the pool's stopped hours priced in, relative to the oracle's. */
  readonly costRatio: number;
}

function listOption(args: readonly string[], flag: string): string[] | undefined {
  const at = args.indexOf(flag);
  return at === -1 ? undefined : (args[at + 1] ?? '').split(',').filter((s) => s.length > 0);
}

const SHARE = stoppedHourShare(SHIPPED_PRICES, PRICED_TYPE);
if (SHARE === undefined) throw new Error(`the shipped price table has no ebsGbMonth or no price for ${PRICED_TYPE}`);
const STOPPED_SHARE: number = SHARE;

async function sweep(setup: Setup, targets: readonly number[], oracle: ElasticityMetrics): Promise<Run[]> {
  const runs: Run[] = [];
  for (const target of targets) {
    const { metrics } = await runPolicy(setup, 'fleetward', target);
    const cost = metrics.instanceHours + (metrics.stoppedInstanceHours ?? 0) * STOPPED_SHARE;
    runs.push({ target, metrics, costRatio: cost / oracle.instanceHours });
  }
  return runs;
}

/** The cheapest run within τU <= 1%, else the one with the lowest τU, marked "(none)". */
function chosen(runs: readonly Run[]): { run: Run; within: boolean } {
  const within = runs.filter((r) => r.metrics.underTimeshare <= MAX_UNDER_TIMESHARE).sort((a, b) => a.costRatio - b.costRatio)[0];
  if (within !== undefined) return { run: within, within: true };
  const lowest = [...runs].sort((a, b) => a.metrics.underTimeshare - b.metrics.underTimeshare)[0] as Run;
  return { run: lowest, within: false };
}

const cell = (c: { run: Run; within: boolean }) => `${c.run.costRatio.toFixed(3)} @${Math.round(c.run.target * 100)}%${c.within ? '' : ' (none)'}`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const names = listOption(args, '--traces');
  const targets = (listOption(args, '--targets') ?? DEFAULT_TARGETS.map(String)).map(Number);
  const manifest = (JSON.parse(readFileSync(join(TRACES, 'manifest.json'), 'utf8')) as Manifest[]).filter((m) => names === undefined || names.includes(m.name));
  const started = performance.now();
  const headline: string[][] = [];
  const sweeps: string[][] = [];
  for (const trace of manifest) {
    const plain = prepare(parseTrace(readFileSync(join(TRACES, trace.file), 'utf8'), trace.file));
    const size = Math.ceil(POOL_SHARE_OF_PEAK * Math.ceil(plain.demand.peak / plain.settings.instanceCapacity));
    const pooled: Setup = { ...plain, settings: { ...plain.settings, warmPool: { size, startS: POOL_START_S } } };
    const oracle = (await runPolicy(plain, 'oracle', 1)).metrics;
    const without = await sweep(plain, targets, oracle);
    const withPool = await sweep(pooled, targets, oracle);
    const a = chosen(without);
    const b = chosen(withPool);
    const change = b.within && a.within ? `${(((b.run.costRatio - a.run.costRatio) / a.run.costRatio) * 100).toFixed(1)}%` : '-';
    headline.push([trace.name, String(size), cell(a), a.run.metrics.underTimeshare.toFixed(2), cell(b), b.run.metrics.underTimeshare.toFixed(2), (b.run.metrics.stoppedInstanceHours ?? 0).toFixed(0), change]);
    for (const [label, runs] of [['without', without], ['with pool', withPool]] as const) {
      sweeps.push([trace.name, label, ...runs.map((r) => `${r.costRatio.toFixed(3)}/${r.metrics.underTimeshare.toFixed(2)}/${r.metrics.unservedPercent.toFixed(3)}`)]);
    }
    process.stderr.write(`bench:warm-pool ${trace.name} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  const lines = [
    `fleetward with and without a warm pool (size ${POOL_SHARE_OF_PEAK * 100}% of peak demand, start ${POOL_START_S} s against a 120 s boot), targets ${targets.map((t) => `${t * 100}%`).join(', ')}; ` +
      `cost/oracle at the cheapest target with τU <= ${MAX_UNDER_TIMESHARE}% ("(none)": no target reached it, the lowest τU shown); stopped hours priced at ${(STOPPED_SHARE * 100).toFixed(2)}% of a running hour ` +
      `($${SHIPPED_PRICES.ebsGbMonth}/GB-month × ${POOL_VOLUME_GB} GB against ${PRICED_TYPE} $${SHIPPED_PRICES.onDemand[PRICED_TYPE]}/h).`,
    '',
    '```',
    textTable(['trace', 'pool', 'without', 'τU %', 'with pool', 'τU %', 'stopped inst-h', 'cost change'], headline),
    '```',
    '',
    'Every run (cost/oracle / τU % / unserved %) by target:',
    '',
    '```',
    textTable(['trace', 'fleetward', ...targets.map((t) => `${Math.round(t * 100)}%`)], sweeps),
    '```',
    '',
    `total: ${((performance.now() - started) / 1000).toFixed(0)} s on one thread (${cpus().length} cores shared, Node ${process.versions.node})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
