/** Replaying a method over the history: its point forecasts at every replayed point, with sliding peaks for the peak methods. */
import { predict, type Series } from './methods.ts';
import type { ForecastMethod } from './types.ts';

/** Sliding maximum of values over `window` periods ending at each of from..to. */
export function slidingPeaks(values: ArrayLike<number>, window: number, from: number, to: number): Float64Array {
  const peaks = new Float64Array(to - from + 1);
  const deque = new Int32Array(to - from + window + 1);
  let head = 0;
  let tail = 0;
  for (let i = Math.max(0, from - window + 1); i <= to; i++) {
    const value = values[i] ?? 0;
    while (tail > head && (values[deque[tail - 1] ?? 0] ?? 0) <= value) tail--;
    deque[tail++] = i;
    while ((deque[head] ?? 0) <= i - window) head++;
    if (i >= from) peaks[i - from] = values[deque[head] ?? 0] ?? 0;
  }
  return peaks;
}

/** Point forecasts of a method at each replayed point, for 1..H periods ahead. */
export function replay(
  method: ForecastMethod,
  values: ArrayLike<number>,
  series: Series,
  points: readonly number[],
  H: number,
  stepMs: number,
  weights: readonly (readonly number[])[],
): Float64Array[] {
  const count = points.length;
  const mean = (from: number, to: number) => series.mean(from, to);
  const flat = (at: (i: number, j: number) => number) => {
    const row = new Float64Array(count);
    for (let j = 0; j < count; j++) row[j] = at(points[j] ?? 0, j);
    return Array.from({ length: H }, () => row);
  };
  switch (method) {
    case 'last':
      return flat((i) => values[i] ?? 0);
    case 'mean-5':
      return flat((i) => series.mean(i - 4, i));
    case 'mean-15':
      return flat((i) => series.mean(i - 14, i));
    case 'mean-60':
      return flat((i) => series.mean(i - 59, i));
    case 'peak-60':
    case 'peak-240': {
      const window = method === 'peak-60' ? 60 : 240;
      const first = points[0] ?? 0;
      const peaks = slidingPeaks(values, window, first, points[count - 1] ?? first);
      return flat((i) => peaks[i - first] ?? 0);
    }
    default:
      return Array.from({ length: H }, (_, index) => {
        const row = new Float64Array(count);
        for (let j = 0; j < count; j++) row[j] = predict(method, values, mean, mean, points[j] ?? 0, index + 1, stepMs, weights);
        return row;
      });
  }
}
