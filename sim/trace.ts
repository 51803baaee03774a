/**
 * Workload traces: parses the `t_s,value` CSV format of the shared traces (rejecting malformed
 * files with the line at fault), and turns a trace into a demand series on the control step,
 * in capacity units, scaled so that its peak needs a given number of instances.
 */
import { FleetwardError } from '../functions/core/errors.ts';

/** A parsed trace: sample times (seconds from the trace's start) and the measure at each. */
export interface Trace {
  readonly source: string;
  readonly times: Float64Array;
  readonly values: Float64Array;
  /** The smallest gap between two samples: the trace's own step. */
  readonly stepS: number;
}

/** A malformed trace file; the message names the file and the line. */
export class TraceError extends FleetwardError {
  constructor(
    readonly source: string,
    readonly line: number | undefined,
    detail: string,
  ) {
    super(line === undefined ? `${source}: ${detail}` : `${source}, line ${line}: ${detail}`);
  }
}

const HEADER = 't_s,value';
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(text: string, what: string, source: string, line: number): number {
  const trimmed = text.trim();
  if (!NUMBER.test(trimmed)) throw new TraceError(source, line, `${what} "${trimmed}" is not a number`);
  return Number(trimmed);
}

/** Parses a trace CSV: a `t_s,value` header, then rows with increasing times and values >= 0. */
export function parseTrace(text: string, source = 'trace'): Trace {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  const header = lines[0]?.trim().replace(/^\uFEFF/, '');
  if (header !== HEADER) {
    throw new TraceError(source, 1, `expected the header "${HEADER}", got "${header ?? ''}"`);
  }
  const times = new Float64Array(lines.length - 1);
  const values = new Float64Array(lines.length - 1);
  let stepS = Infinity;
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    const fields = (lines[i] ?? '').split(',');
    if (fields.length !== 2) {
      throw new TraceError(source, line, `expected 2 fields (t_s,value), got ${fields.length}`);
    }
    const t = parseNumber(fields[0] ?? '', 't_s', source, line);
    const value = parseNumber(fields[1] ?? '', 'value', source, line);
    if (t < 0) throw new TraceError(source, line, `t_s ${t} is negative`);
    if (value < 0) throw new TraceError(source, line, `value ${value} is negative`);
    if (i > 1) {
      const previous = times[i - 2] ?? 0;
      if (t <= previous) throw new TraceError(source, line, `t_s ${t} is not after the previous row's ${previous}`);
      stepS = Math.min(stepS, t - previous);
    }
    times[i - 1] = t;
    values[i - 1] = value;
  }
  if (times.length === 0) throw new TraceError(source, undefined, 'has a header but no rows');
  return { source, times, values, stepS: Number.isFinite(stepS) ? stepS : 60 };
}

export interface DemandOptions {
  /** The control step in seconds. */
  readonly stepS: number;
  /** Instances the trace's peak needs. */
  readonly peakInstances: number;
  /** Capacity units one instance provides. */
  readonly instanceCapacity: number;
}

/** A demand series on the control step, in capacity units. */
export interface Demand {
  readonly stepS: number;
  readonly values: Float64Array;
  /** Capacity units per unit of the trace's measure. */
  readonly scale: number;
  readonly peak: number;
}

/**
 * Resamples a trace onto the control step and scales it. A trace coarser than the step (or as
 * fine) is linearly interpolated between its samples; a finer one is averaged over each step.
 * The series covers the trace's last sample period, which holds its last value.
 */
export function toDemand(trace: Trace, options: DemandOptions): Demand {
  const { stepS } = options;
  const { times, values } = trace;
  const start = times[0] ?? 0;
  const end = (times[times.length - 1] ?? 0) + trace.stepS;
  const count = Math.max(1, Math.floor((end - start) / stepS + 1e-9));
  const series = new Float64Array(count);
  let j = 0;
  if (trace.stepS >= stepS) {
    for (let k = 0; k < count; k++) {
      const t = start + k * stepS;
      while (j + 1 < times.length && (times[j + 1] ?? Infinity) <= t) j++;
      const t0 = times[j] ?? 0;
      const v0 = values[j] ?? 0;
      const t1 = times[j + 1];
      const v1 = values[j + 1];
      series[k] = t1 === undefined || v1 === undefined ? v0 : v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
    }
  } else {
    for (let k = 0; k < count; k++) {
      const from = start + k * stepS;
      let sum = 0;
      let n = 0;
      while (j < times.length && (times[j] ?? Infinity) < from + stepS) {
        sum += values[j] ?? 0;
        n++;
        j++;
      }
      series[k] = n > 0 ? sum / n : (series[k - 1] ?? 0);
    }
  }
  let peak = 0;
  for (const v of series) peak = Math.max(peak, v);
  if (peak <= 0) throw new TraceError(trace.source, undefined, 'every value is 0: there is no peak to scale to');
  const target = options.peakInstances * options.instanceCapacity;
  const scale = target / peak;
  for (let k = 0; k < count; k++) series[k] = (series[k] ?? 0) * scale;
  return { stepS, values: series, scale, peak: target };
}
