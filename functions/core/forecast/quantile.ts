/** Quantiles of the replayed errors: the rank of a coverage among them, and selecting the value at a rank. */

/** The 0-based rank of the `coverage` quantile among `count` errors. */
export const rankOf = (coverage: number, count: number) => Math.min(count - 1, Math.max(0, Math.ceil(coverage * count) - 1));

/** The k-th smallest value (0-based) of a scratch array, which it reorders. */
export function select(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const pivot = values[(lo + hi) >> 1] ?? 0;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] ?? 0) < pivot) i++;
      while ((values[j] ?? 0) > pivot) j--;
      if (i <= j) {
        const swap = values[i] ?? 0;
        values[i] = values[j] ?? 0;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k] ?? 0;
  }
  return values[k] ?? 0;
}
