// Trace files: parsing, the line-numbered rejection of malformed ones, interpolation onto the control step and scaling to a peak.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTrace, toDemand, TraceError } from '../../../sim/trace.ts';

const demandOf = (text: string, stepS = 60, peakInstances = 10) =>
  Array.from(toDemand(parseTrace(text), { stepS, peakInstances, instanceCapacity: 1 }).values, (v) => Number(v.toFixed(9)));

describe('parseTrace', () => {
  it('reads times and values, and the trace step as the smallest gap', () => {
    const trace = parseTrace('t_s,value\n0,5\n300,7.5\n600,1e1\n', 'x.csv');
    expect(Array.from(trace.times)).toEqual([0, 300, 600]);
    expect(Array.from(trace.values)).toEqual([5, 7.5, 10]);
    expect(trace.stepS).toBe(300);
  });

  it('accepts CRLF line ends and a byte-order mark', () => {
    expect(Array.from(parseTrace('\uFEFFt_s,value\r\n0,1\r\n60,2\r\n').values)).toEqual([1, 2]);
  });

  const rejected: Array<[string, string, string]> = [
    ['a missing header', '0,1\n60,2\n', 'x.csv, line 1: expected the header "t_s,value", got "0,1"'],
    ['another header', 'time,value\n0,1\n', 'x.csv, line 1: expected the header "t_s,value", got "time,value"'],
    ['a non-numeric value', 't_s,value\n0,1\n60,abc\n', 'x.csv, line 3: value "abc" is not a number'],
    ['a non-numeric time', 't_s,value\n0,1\nsoon,2\n', 'x.csv, line 3: t_s "soon" is not a number'],
    ['an empty value', 't_s,value\n0,\n', 'x.csv, line 2: value "" is not a number'],
    ['a negative time', 't_s,value\n-60,1\n0,2\n', 'x.csv, line 2: t_s -60 is negative'],
    ['a negative value', 't_s,value\n0,1\n60,-2\n', 'x.csv, line 3: value -2 is negative'],
    ['unsorted times', 't_s,value\n0,1\n120,2\n60,3\n', 'x.csv, line 4: t_s 60 is not after the previous row\'s 120'],
    ['a repeated time', 't_s,value\n0,1\n0,2\n', 'x.csv, line 3: t_s 0 is not after the previous row\'s 0'],
    ['a third column', 't_s,value\n0,1,2\n', 'x.csv, line 2: expected 2 fields (t_s,value), got 3'],
    ['a blank line inside', 't_s,value\n0,1\n\n60,2\n', 'x.csv, line 3: expected 2 fields (t_s,value), got 1'],
    ['no rows', 't_s,value\n', 'x.csv: has a header but no rows'],
  ];
  it.each(rejected)('rejects %s with the line number', (_, text, message) => {
    expect(() => parseTrace(text, 'x.csv')).toThrow(TraceError);
    expect(() => parseTrace(text, 'x.csv')).toThrow(message);
  });
});

describe('toDemand', () => {
  it('interpolates a coarser trace linearly onto the step and holds the last value over its period', () => {
    // 300 s samples 0, 10, 20: peak 20 scaled to 10 instances (scale 0.5).
    expect(demandOf('t_s,value\n0,0\n300,10\n600,20\n')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10, 10]);
  });

  it('averages a finer trace over each step', () => {
    expect(demandOf('t_s,value\n0,2\n30,4\n60,6\n90,8\n', 60, 7)).toEqual([3, 7]);
  });

  it('keeps a trace on the step as it is, scaled so the peak needs the given instances', () => {
    const demand = toDemand(parseTrace('t_s,value\n0,100\n60,400\n120,200\n'), { stepS: 60, peakInstances: 100, instanceCapacity: 2 });
    expect(Array.from(demand.values)).toEqual([50, 200, 100]);
    expect(demand.scale).toBe(0.5);
    expect(demand.peak).toBe(200);
  });

  it('rejects a trace that is all zeros: there is no peak to scale to', () => {
    expect(() => toDemand(parseTrace('t_s,value\n0,0\n60,0\n', 'zero.csv'), { stepS: 60, peakInstances: 10, instanceCapacity: 1 })).toThrow(
      'zero.csv: every value is 0: there is no peak to scale to',
    );
  });

  it('scales any trace to exactly the peak, and interpolates within its neighbouring samples', () => {
    const samples = fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 40 }).filter((v) => v.some((x) => x > 1e-3));
    fc.assert(
      fc.property(samples, fc.constantFrom(60, 120, 300, 3600), fc.integer({ min: 1, max: 500 }), (values, traceStep, peakInstances) => {
        const text = `t_s,value\n${values.map((v, i) => `${i * traceStep},${v}`).join('\n')}\n`;
        const demand = toDemand(parseTrace(text), { stepS: 60, peakInstances, instanceCapacity: 1 });
        expect(demand.values.length).toBe((values.length * traceStep) / 60);
        expect(Math.max(...demand.values)).toBeCloseTo(peakInstances, 6);
        const perSample = traceStep / 60;
        demand.values.forEach((d, k) => {
          const i = Math.floor(k / perSample);
          const a = (values[i] ?? 0) * demand.scale;
          const b = (values[Math.min(i + 1, values.length - 1)] ?? 0) * demand.scale;
          expect(d).toBeGreaterThanOrEqual(Math.min(a, b) - 1e-6);
          expect(d).toBeLessThanOrEqual(Math.max(a, b) + 1e-6);
        });
      }),
    );
  });
});
