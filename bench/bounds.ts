/**
 * `npm run bench:bounds`: how cheap a policy that only knows the past could be on each shared
 * trace at the headline's τU <= 1%, to tell a goal that fleetward misses from one that no
 * forecast reaches.
 *
 * A launched instance serves after the boot, and the metric a step sees is a step old, so the
 * instances alive at step k are all that can serve step k + boot: they are a forecast of that
 * step's demand made with the data up to k − 1 (a lag of boot + 1 steps). Any policy therefore
 * pays at least the sum of such forecasts and falls short at least where they do. For a family
 * of forecasts (the newest value, trends, means, peaks, the daily and weekly pattern), with a
 * relative or an absolute headroom chosen with hindsight as the smallest that keeps τU <= 1% over
 * the measured steps, this prints the cost relative to the simulator's oracle. Each figure leaves
 * out boot billing, so it is below what a policy using that forecast would pay. Two forecasts
 * that see the future (centred means) show how much of the demand is noise at that scale.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitLinear, LINEAR_ORDER, linearPoint, slidingPeaks } from '../functions/core/forecast/index.ts';
import { textTable } from '../sim/report.ts';
import { MAX_UNDER_TIMESHARE, prepare, runPolicy } from '../sim/run.ts';
import { parseTrace } from '../sim/trace.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TRACES = process.env.FLEETWARD_TRACES ?? resolve(ROOT, '../shared/traces');
const EPSILON = 1e-9;

interface Manifest {
  readonly name: string;
  readonly file: string;
}

/** A forecast of the demand at step k; NaN where it has too little data. */
interface Forecaster {
  readonly name: string;
  /** Whether it uses demand after the step it forecasts from (a reference, not a policy). */
  readonly seesFuture: boolean;
  readonly at: (k: number) => number;
}

interface Bound {
  readonly name: string;
  readonly seesFuture: boolean;
  readonly scale: 'relative' | 'absolute';
  readonly headroom: number;
  readonly costRatio: number;
}

function prefixSums(values: Float64Array): Float64Array {
  const prefix = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) prefix[i + 1] = (prefix[i] ?? 0) + (values[i] ?? 0);
  return prefix;
}

function forecasters(values: Float64Array, lag: number, stepS: number): Forecaster[] {
  const prefix = prefixSums(values);
  const mean = (from: number, to: number) => (from < 0 || to >= values.length ? Number.NaN : ((prefix[to + 1] ?? 0) - (prefix[from] ?? 0)) / (to - from + 1));
  const value = (i: number) => (i < 0 ? Number.NaN : (values[i] ?? 0));
  const day = Math.round(86_400 / stepS);
  const seasonal = (period: number) => (k: number) => {
    const newest = k - lag;
    return mean(newest - 14, newest) + value(k - period) - mean(newest - period - 14, newest - period);
  };
  const list: Forecaster[] = [
    { name: 'the newest value', seesFuture: false, at: (k) => value(k - lag) },
    { name: 'the trend of the newest two', seesFuture: false, at: (k) => value(k - lag) + lag * (value(k - lag) - value(k - lag - 1)) },
    { name: 'the daily pattern', seesFuture: false, at: seasonal(day) },
    { name: 'the weekly pattern', seesFuture: false, at: seasonal(7 * day) },
  ];
  for (const window of [5, 15, 60]) list.push({ name: `the mean of the last ${window}`, seesFuture: false, at: (k) => mean(k - lag - window + 1, k - lag) });
  for (const window of [5, 15, 60, 120, 240]) {
    const peaks = slidingPeaks(values, window, 0, values.length - 1);
    list.push({ name: `the peak of the last ${window}`, seesFuture: false, at: (k) => (k - lag - window + 1 < 0 ? Number.NaN : (peaks[k - lag] ?? 0)) });
  }
  // The core's linear method, fitted with hindsight to every point of the trace, `lag` periods ahead.
  const points = Array.from({ length: values.length - lag - LINEAR_ORDER + 1 }, (_, j) => j + LINEAR_ORDER - 1);
  const weights = fitLinear(values, points, lag)[lag - 1] ?? [];
  list.push({
    name: `a linear fit of the newest ${LINEAR_ORDER} (fitted with hindsight)`,
    seesFuture: false,
    at: (k) => (k - lag - LINEAR_ORDER + 1 < 0 ? Number.NaN : linearPoint(weights, values, k - lag)),
  });
  for (const half of [5, 15]) {
    list.push({ name: `the centred mean of ±${half} steps`, seesFuture: true, at: (k) => mean(k - half, Math.min(values.length - 1, k + half)) });
  }
  return list;
}

/** The headroom that covers all but `misses` steps, and what capacity with it costs in instance-steps. */
function tightest(forecast: Float64Array, demand: Float64Array, misses: number, scale: Bound['scale']): { headroom: number; instanceSteps: number } {
  const needed = new Float64Array(forecast.length);
  for (let j = 0; j < forecast.length; j++) {
    const point = forecast[j] ?? 0;
    // Capacity ceil(x) serves the demand d once x > ceil(d) - 1.
    const threshold = Math.ceil((demand[j] ?? 0) - EPSILON) - 1;
    needed[j] = scale === 'absolute' ? threshold - point : point > 0 ? threshold / point - 1 : threshold < 0 ? -1 : Number.POSITIVE_INFINITY;
  }
  needed.sort();
  const headroom = Math.max(scale === 'relative' ? -1 : Number.NEGATIVE_INFINITY, (needed[needed.length - 1 - misses] ?? 0) + EPSILON);
  let instanceSteps = 0;
  for (let j = 0; j < forecast.length; j++) {
    const point = forecast[j] ?? 0;
    instanceSteps += Math.max(0, Math.ceil((scale === 'absolute' ? point + headroom : point * (1 + headroom)) - EPSILON));
  }
  return { headroom, instanceSteps };
}

async function boundsOf(file: string): Promise<{ name: string; steps: number; lag: number; bounds: Bound[] }> {
  const setup = prepare(parseTrace(readFileSync(join(TRACES, file), 'utf8'), file));
  const { values, stepS } = setup.demand;
  const { warmupSteps, bootS } = setup.settings;
  const lag = Math.ceil(bootS / stepS - EPSILON) + 1;
  const oracle = (await runPolicy(setup, 'oracle', 1)).metrics.instanceHours;
  const measured = values.length - warmupSteps;
  const misses = Math.floor((MAX_UNDER_TIMESHARE / 100) * measured);
  const demand = values.subarray(warmupSteps);
  const bounds: Bound[] = [];
  for (const forecaster of forecasters(values, lag, stepS)) {
    const forecast = new Float64Array(measured);
    let known = true;
    for (let j = 0; j < measured && known; j++) {
      forecast[j] = forecaster.at(warmupSteps + j);
      known = Number.isFinite(forecast[j]);
    }
    if (!known) continue;
    for (const scale of ['relative', 'absolute'] as const) {
      const { headroom, instanceSteps } = tightest(forecast, demand, misses, scale);
      if (!Number.isFinite(headroom)) continue;
      bounds.push({ name: forecaster.name, seesFuture: forecaster.seesFuture, scale, headroom, costRatio: (instanceSteps * stepS) / 3600 / oracle });
    }
  }
  return { name: file.replace(/\.csv$/, ''), steps: measured, lag, bounds: bounds.sort((a, b) => a.costRatio - b.costRatio) };
}

const headroomText = (bound: Bound) =>
  bound.scale === 'relative' ? `${(100 * bound.headroom).toFixed(1)}%` : `${bound.headroom.toFixed(1)} instances`;

async function main(): Promise<void> {
  const started = performance.now();
  const manifest = JSON.parse(readFileSync(join(TRACES, 'manifest.json'), 'utf8')) as Manifest[];
  const headline: string[][] = [];
  const details: string[] = [];
  for (const trace of manifest) {
    const { name, steps, lag, bounds } = await boundsOf(trace.file);
    const causal = bounds.filter((b) => !b.seesFuture);
    const best = causal[0];
    const reference = (half: number) => bounds.find((b) => b.name === `the centred mean of ±${half} steps`);
    const ratio = (bound: Bound | undefined) => (bound === undefined ? '-' : bound.costRatio.toFixed(3));
    headline.push([name, best === undefined ? '-' : `${ratio(best)} (${best.name}, ${headroomText(best)})`, ratio(reference(15)), ratio(reference(5))]);
    details.push(
      `### ${name}\n\n${steps} measured steps; forecasts made ${lag} steps ahead.\n\n\`\`\`\n` +
        textTable(
          ['forecast', 'headroom', 'cost/oracle'],
          bounds.map((b) => [`${b.name}${b.seesFuture ? ' (sees the future)' : ''}`, headroomText(b), b.costRatio.toFixed(3)]),
        ) +
        '\n```\n',
    );
  }
  const lines = [
    '## Lower bounds: cheapest cost/oracle with τU <= 1% of a forecast tuned with hindsight\n',
    '```',
    textTable(['trace', 'best forecast from the past', 'centred ±15 (sees the future)', 'centred ±5 (sees the future)'], headline),
    '```\n',
    details.join('\n'),
    `total: ${((performance.now() - started) / 1000).toFixed(1)} s`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
