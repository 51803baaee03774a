/**
 * `npm run bench:metric-cadence`: fleetward's reactive target tracking in the simulator at metric
 * read cadences (scaling.metricReads.steadyEveryMinutes) 1, 2, 3 and 5 (headroomPercent 0; 5 also at 10), on the shared traces and
 * the seeded workloads, at a few target utilisations. Prints, as Markdown, each run's cost/oracle,
 * τU and metric reads (a fleet-month at a step a minute, and what 10 fleets pay for them at
 * $0.01 per 1,000 metrics), then a summary by cadence. One thread; the Wikipedia trace is cut to
 * its first 30 days (its 5.8 years are 3 million simulated minutes a run), and the seeded workloads
 * (seed 1) run at the first target only.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '../functions/core/config.ts';
import type { ElasticityMetrics } from '../sim/metrics.ts';
import { prepare, runPolicy, type Setup } from '../sim/run.ts';
import { textTable } from '../sim/report.ts';
import { parseTrace, type Trace } from '../sim/trace.ts';
import { workloads } from '../sim/workloads.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TRACES = process.env.FLEETWARD_TRACES ?? resolve(ROOT, '../shared/traces');
const CADENCES = [1, 2, 3, 5];
const TARGETS = [0.5, 0.7];
/** Also run: the longest cadence asking 10% of headroom of the last reading. */
const WITH_HEADROOM = { steadyEveryMinutes: 5, headroomPercent: 10 };
const STEPS_A_MONTH = 43_200;
const DOLLARS_A_METRIC = 0.01 / 1000;
const FLEETS = 10;
const CUT_DAYS = 30;

interface Reads {
  readonly steadyEveryMinutes: number;
  readonly headroomPercent: number;
}

/** A reactive CPU-scaled fleet (no predictive scaling: it reads every step) at a cadence, as `simulate --config` runs a user's fleet. */
function fleetAt(reads: Reads) {
  const config = validateConfig(
    {
      fleets: [
        {
          name: 'simulated',
          launchTemplate: { name: 'simulated' },
          subnets: ['subnet-0'],
          instanceTypes: [{ type: 'sim.unit', unlisted: true }],
          capacity: { min: 1, max: 300 },
          scaling: { metric: { namespace: 'Simulated', name: 'Utilisation', statistic: 'Average' }, metricType: 'per-instance', target: 50, warmupSeconds: 180, metricReads: reads },
        },
      ],
    },
    'bench fleet',
  );
  const [fleet] = config.fleets;
  if (fleet === undefined) throw new Error('no fleet');
  return fleet;
}

/** The first `days` of a trace. */
function cut(trace: Trace, days: number): Trace {
  const end = trace.times.findIndex((t) => t - (trace.times[0] ?? 0) >= days * 86_400);
  return end === -1 ? trace : { ...trace, times: trace.times.slice(0, end), values: trace.values.slice(0, end) };
}

/** The seeded workloads run at the first target only, so that the whole bench stays near 10 minutes on one thread. */
function traces(): Array<{ name: string; trace: Trace; targets: readonly number[] }> {
  const manifest = JSON.parse(readFileSync(join(TRACES, 'manifest.json'), 'utf8')) as Array<{ name: string; file: string }>;
  const shared = manifest.map(({ name, file }) => {
    const trace = parseTrace(readFileSync(join(TRACES, file), 'utf8'), file);
    return name.startsWith('wikipedia') ? { name: `${name} (first ${CUT_DAYS} days)`, trace: cut(trace, CUT_DAYS), targets: TARGETS } : { name, trace, targets: TARGETS };
  });
  return [...shared, ...workloads([1]).map(({ name, trace }) => ({ name: `${name} (seed 1)`, trace, targets: TARGETS.slice(0, 1) }))];
}

interface Row {
  readonly trace: string;
  readonly target: number;
  readonly reads: Reads;
  readonly metrics: ElasticityMetrics;
  readonly costRatio: number;
  readonly readsAMonth: number;
}

const label = (reads: Reads) => `${reads.steadyEveryMinutes}${reads.headroomPercent === 0 ? '' : ` (headroom ${reads.headroomPercent}%)`}`;

async function runTrace(name: string, trace: Trace, targets: readonly number[]): Promise<Row[]> {
  const setup = prepare(trace);
  const oracle = (await runPolicy(setup, 'oracle', 1)).metrics;
  const rows: Row[] = [];
  for (const target of targets) {
    for (const reads of [...CADENCES.map((k) => ({ steadyEveryMinutes: k, headroomPercent: 0 })), WITH_HEADROOM]) {
      const run = await runPolicy({ ...setup, fleet: fleetAt(reads) } satisfies Setup, 'fleetward', target);
      const steps = setup.demand.values.length;
      rows.push({ trace: name, target, reads, metrics: run.metrics, costRatio: run.metrics.instanceHours / oracle.instanceHours, readsAMonth: ((run.metricReads ?? 0) / steps) * STEPS_A_MONTH });
    }
  }
  return rows;
}

const dollars = (readsAMonth: number) => (readsAMonth * FLEETS * DOLLARS_A_METRIC).toFixed(2);

function summary(rows: readonly Row[]): string[][] {
  const settings = [...new Set(rows.map((r) => label(r.reads)))];
  return settings.map((setting) => {
    const mine = rows.filter((r) => label(r.reads) === setting);
    const base = (r: Row) => rows.find((b) => b.trace === r.trace && b.target === r.target && b.reads.steadyEveryMinutes === 1) as Row;
    const costDelta = mine.map((r) => r.costRatio - base(r).costRatio);
    const tauDelta = mine.map((r) => r.metrics.underTimeshare - base(r).metrics.underTimeshare);
    const reads = mine.map((r) => r.readsAMonth);
    const worst = mine[tauDelta.indexOf(Math.max(...tauDelta))] as Row;
    return [
      setting,
      (reads.reduce((a, b) => a + b, 0) / reads.length / STEPS_A_MONTH).toFixed(3),
      dollars(reads.reduce((a, b) => a + b, 0) / reads.length),
      dollars(Math.max(...reads)),
      (costDelta.reduce((a, b) => a + b, 0) / costDelta.length).toFixed(4),
      Math.max(...tauDelta).toFixed(2),
      `${worst.trace} @${Math.round(worst.target * 100)}%`,
    ];
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  const rows: Row[] = [];
  for (const { name, trace, targets } of traces()) {
    const t0 = performance.now();
    rows.push(...(await runTrace(name, trace, targets)));
    process.stderr.write(`bench:metric-cadence ${name}: ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  const headers = ['trace', 'target', 'every k min', 'cost/oracle', 'τU %', 'reads / step', 'reads a fleet-month', `$/month, ${FLEETS} fleets`];
  const cells = rows.map((r) => [
    r.trace,
    `${Math.round(r.target * 100)}%`,
    label(r.reads),
    r.costRatio.toFixed(3),
    r.metrics.underTimeshare.toFixed(2),
    (r.readsAMonth / STEPS_A_MONTH).toFixed(3),
    Math.round(r.readsAMonth).toLocaleString('en-US'),
    dollars(r.readsAMonth),
  ]);
  const summaryHeaders = ['every k min', 'mean reads / step', `mean $/month, ${FLEETS} fleets`, 'worst trace $/month', 'mean Δ cost/oracle vs k=1', 'worst Δ τU (points)', 'worst at'];
  process.stdout.write(`## Every run\n\n\`\`\`\n${textTable(headers, cells)}\n\`\`\`\n\n## By cadence (over every trace and target)\n\n\`\`\`\n${textTable(summaryHeaders, summary(rows))}\n\`\`\`\n\n`);
  process.stdout.write(`${rows.length} fleetward runs in ${((performance.now() - started) / 1000).toFixed(0)} s on one thread\n`);
}

await main();
