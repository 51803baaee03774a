/**
 * Seeded synthetic workloads of shapes the shared traces do not have (a flash crowd with no
 * history, weeks of noisy weakly diurnal traffic, step changes, heavy-tailed bursts, weekly
 * patterns with holidays, steady growth), so a policy is measured on more than the traces it was
 * tuned on. Each generator is a pure function of its seed and returns a trace in the shared
 * traces' `t_s,value` form.
 */
import { seededRandom } from '../dev/seeded-random.ts';
import type { Trace } from './trace.ts';

export interface Workload {
  readonly name: string;
  readonly shape: string;
  readonly trace: Trace;
}

type Random = () => number;

const DAY_S = 86_400;
const WEEK_S = 7 * DAY_S;

/** A standard normal draw (Box-Muller). */
function normal(random: Random): number {
  const u = Math.max(random(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A factor around 1 whose logarithm has standard deviation `sigma` (mean 1). */
const lognormal = (random: Random, sigma: number) => Math.exp(sigma * normal(random) - (sigma * sigma) / 2);

/** A smooth day: 1 + amplitude × a cosine peaking at 14:00, `phase` shifting it by a fraction of a day. */
const diurnal = (tS: number, amplitude: number, phase = 0) => 1 + amplitude * Math.cos(2 * Math.PI * ((tS % DAY_S) / DAY_S - 14 / 24 - phase));

function series(name: string, stepS: number, durationS: number, value: (tS: number) => number): Trace {
  const points = Math.floor(durationS / stepS);
  const times = new Float64Array(points);
  const values = new Float64Array(points);
  for (let i = 0; i < points; i += 1) {
    times[i] = i * stepS;
    values[i] = Math.max(0, Math.round(value(i * stepS) * 100) / 100);
  }
  return { source: name, times, values, stepS };
}

/** Under two hours at 10 s: a quiet start, then load that more than doubles within about 20 minutes, holds, and ebbs. */
function flashCrowd(seed: number): Workload {
  const random = seededRandom(seed);
  const startS = (30 + 20 * random()) * 60;
  const rampS = (12 + 8 * random()) * 60;
  const peak = 2.2 + 0.8 * random();
  const holdS = (15 + 15 * random()) * 60;
  const level = (tS: number) => {
    if (tS < startS) return 1;
    if (tS < startS + rampS) return 1 + ((peak - 1) * (1 - Math.cos((Math.PI * (tS - startS)) / rampS))) / 2;
    if (tS < startS + rampS + holdS) return peak;
    return 1 + (peak - 1) * Math.exp(-(tS - startS - rampS - holdS) / 1_200);
  };
  const name = `flash-crowd-${seed}`;
  return { name, shape: 'flash crowd, no history (110 min at 10 s)', trace: series(name, 10, 110 * 60, (t) => 500 * level(t) * lognormal(random, 0.05)) };
}

/** Three weeks at 1 minute: a weak day (±15%) under minute-to-minute swings of tens of percent. */
function noisyDiurnal(seed: number): Workload {
  const random = seededRandom(seed);
  const phase = random() / 4;
  const name = `noisy-diurnal-${seed}`;
  return { name, shape: 'noisy, weakly diurnal (21 days at 60 s)', trace: series(name, 60, 21 * DAY_S, (t) => 1_000 * diurnal(t, 0.15, phase) * lognormal(random, 0.3)) };
}

/** Four days at 1 minute: a level that jumps by a factor of 0.4 to 2.5 every 2 to 12 hours. */
function stepChanges(seed: number): Workload {
  const random = seededRandom(seed);
  let level = 400;
  let nextChangeS = (2 + 10 * random()) * 3_600;
  const name = `step-changes-${seed}`;
  const value = (tS: number) => {
    if (tS >= nextChangeS) {
      level = Math.min(4_000, Math.max(50, level * (0.4 + 2.1 * random())));
      nextChangeS += (2 + 10 * random()) * 3_600;
    }
    return level * lognormal(random, 0.05);
  };
  return { name, shape: 'step changes (4 days at 60 s)', trace: series(name, 60, 4 * DAY_S, value) };
}

/** Three days at 1 minute: a day with Pareto-sized bursts (α 1.5) of 1 to 10 minutes, about 1% of minutes. */
function heavyTailed(seed: number): Workload {
  const random = seededRandom(seed);
  let burst = 0;
  let burstLeft = 0;
  const name = `heavy-tailed-${seed}`;
  const value = (tS: number) => {
    if (burstLeft <= 0 && random() < 0.01) {
      burst = Math.min(20, (1 - random()) ** (-1 / 1.5) - 1);
      burstLeft = 1 + Math.floor(10 * random());
    }
    const extra = burstLeft > 0 ? burst : 0;
    burstLeft -= 1;
    return 300 * diurnal(tS, 0.4) * (1 + extra) * lognormal(random, 0.08);
  };
  return { name, shape: 'heavy-tailed bursts (3 days at 60 s)', trace: series(name, 60, 3 * DAY_S, value) };
}

/** Six weeks at 5 minutes: days and weeks (weekends at half), with three weekday holidays at the weekend's level. */
function weeklyHolidays(seed: number): Workload {
  const random = seededRandom(seed);
  const holidays = new Set<number>();
  while (holidays.size < 3) {
    const day = 7 + Math.floor(random() * 35);
    if (day % 7 < 5) holidays.add(day);
  }
  const name = `weekly-holidays-${seed}`;
  const value = (tS: number) => {
    const day = Math.floor(tS / DAY_S);
    const quiet = day % 7 >= 5 || holidays.has(day);
    return 800 * (quiet ? 0.5 : 1) * diurnal(tS, 0.6) * lognormal(random, 0.1);
  };
  return { name, shape: 'weekly with holidays (6 weeks at 300 s)', trace: series(name, 300, 6 * WEEK_S, value) };
}

/** Two weeks at 1 minute: a strong day on a trend that triples the load. */
function growth(seed: number): Workload {
  const random = seededRandom(seed);
  const durationS = 14 * DAY_S;
  const name = `growth-${seed}`;
  return {
    name,
    shape: 'diurnal on a tripling trend (14 days at 60 s)',
    trace: series(name, 60, durationS, (t) => 200 * (1 + (2 * t) / durationS) * diurnal(t, 0.5) * lognormal(random, 0.1)),
  };
}

export const WORKLOAD_GENERATORS: readonly ((seed: number) => Workload)[] = [flashCrowd, noisyDiurnal, stepChanges, heavyTailed, weeklyHolidays, growth];

/** Every generator at every seed. */
export function workloads(seeds: readonly number[]): Workload[] {
  return seeds.flatMap((seed) => WORKLOAD_GENERATORS.map((generate) => generate(seed)));
}

/** A trace as the shared traces' CSV. */
export function traceCsv(trace: Trace): string {
  const rows = ['t_s,value'];
  for (let i = 0; i < trace.times.length; i += 1) rows.push(`${trace.times[i]},${trace.values[i]}`);
  return `${rows.join('\n')}\n`;
}
