import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../sim/trace.ts';
import { traceCsv, WORKLOAD_GENERATORS, workloads } from '../../sim/workloads.ts';

const byName = (seed: number) => new Map(workloads([seed]).map((w) => [w.name.replace(/-\d+$/, ''), w.trace]));
const mean = (values: ArrayLike<number>, from = 0, to = values.length) => {
  let sum = 0;
  for (let i = from; i < to; i += 1) sum += values[i] ?? 0;
  return sum / (to - from);
};

describe('synthetic workloads', () => {
  it('are a function of the seed: the same seed repeats, another differs', () => {
    for (const generate of WORKLOAD_GENERATORS) {
      expect(Array.from(generate(7).trace.values)).toEqual(Array.from(generate(7).trace.values));
      expect(Array.from(generate(7).trace.values)).not.toEqual(Array.from(generate(8).trace.values));
    }
  });

  it('write CSV that parses back as the shared traces do', () => {
    for (const { name, trace } of workloads([1])) {
      const parsed = parseTrace(traceCsv(trace), name);
      expect(parsed.stepS).toBe(trace.stepS);
      expect(Array.from(parsed.values)).toEqual(Array.from(trace.values));
    }
  });

  it('give a flash crowd of under two hours at 10 s whose load more than doubles within 20 minutes', () => {
    for (const seed of [1, 2, 3]) {
      const trace = byName(seed).get('flash-crowd');
      if (trace === undefined) throw new Error('no flash crowd');
      expect(trace.stepS).toBe(10);
      expect(trace.times.length * 10).toBeLessThan(7_200);
      const quiet = mean(trace.values, 0, 180);
      const rises = Array.from({ length: trace.values.length - 120 }, (_, i) => mean(trace.values, i + 114, i + 120) / mean(trace.values, i, i + 6));
      expect(Math.max(...rises)).toBeGreaterThan(2);
      expect(quiet).toBeGreaterThan(400);
    }
  });

  it('give three weeks of weakly diurnal traffic with minute-to-minute swings of tens of percent', () => {
    const trace = byName(1).get('noisy-diurnal');
    if (trace === undefined) throw new Error('no noisy trace');
    expect(trace.times.length).toBe(21 * 1_440);
    const swings = Array.from({ length: 10_000 }, (_, i) => Math.abs(Math.log((trace.values[i + 1] ?? 1) / (trace.values[i] ?? 1)))).sort((a, b) => a - b);
    expect(swings[5_000]).toBeGreaterThan(0.2);
  });

  it('give weekday holidays at the level of the weekend', () => {
    const trace = byName(1).get('weekly-holidays');
    if (trace === undefined) throw new Error('no weekly trace');
    const perDay = 288;
    const days = Array.from({ length: 42 }, (_, day) => mean(trace.values, day * perDay, (day + 1) * perDay));
    const weekdays = days.filter((_, day) => day % 7 < 5);
    const quietWeekdays = weekdays.filter((level) => level < 0.75 * Math.max(...weekdays));
    expect(quietWeekdays).toHaveLength(3);
  });
});
