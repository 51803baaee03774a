/** The linear method: a ridged least-squares fit of the value h periods ahead to the newest LINEAR_ORDER values. */

/** The linear method's inputs: this many newest values (and a constant). */
export const LINEAR_ORDER = 10;
/**
 * Fewest replayed points before the linear method joins: 20 per weight. It is fitted to the points
 * its errors are then measured on, so with few of them it fits the noise and learns no headroom.
 */
export const LINEAR_MIN_POINTS = 20 * (LINEAR_ORDER + 1);
/** Ridge penalty, relative to the mean of the normal matrix's diagonal: keeps a flat history's fit stable. */
const RIDGE = 1e-6;

/** A linear method's point forecast from the newest LINEAR_ORDER values up to index i. */
export function linearPoint(row: readonly number[], values: ArrayLike<number>, i: number): number {
  let sum = row[0] ?? 0;
  for (let lag = 0; lag < LINEAR_ORDER; lag++) sum += (row[lag + 1] ?? 0) * (values[i - lag] ?? 0);
  return sum;
}

/** Solves a·x = b for a symmetric positive definite a (Cholesky); a and b are not modified. */
function solveSymmetric(a: readonly Float64Array[], b: Float64Array): number[] {
  const size = b.length;
  const lower = Array.from({ length: size }, () => new Float64Array(size));
  for (let r = 0; r < size; r++) {
    for (let c = 0; c <= r; c++) {
      let sum = a[r]?.[c] ?? 0;
      for (let k = 0; k < c; k++) sum -= (lower[r]?.[k] ?? 0) * (lower[c]?.[k] ?? 0);
      (lower[r] as Float64Array)[c] = r === c ? Math.sqrt(Math.max(sum, Number.MIN_VALUE)) : sum / (lower[c]?.[c] ?? 1);
    }
  }
  const y = new Float64Array(size);
  for (let r = 0; r < size; r++) {
    let sum = b[r] ?? 0;
    for (let k = 0; k < r; k++) sum -= (lower[r]?.[k] ?? 0) * (y[k] ?? 0);
    y[r] = sum / (lower[r]?.[r] ?? 1);
  }
  const x = new Array<number>(size).fill(0);
  for (let r = size - 1; r >= 0; r--) {
    let sum = y[r] ?? 0;
    for (let k = r + 1; k < size; k++) sum -= (lower[k]?.[r] ?? 0) * (x[k] ?? 0);
    x[r] = sum / (lower[r]?.[r] ?? 1);
  }
  return x;
}

/**
 * The linear method's weights for 1..H periods ahead: the least-squares fit (lightly ridged) of
 * the value h periods after each replayed point to a constant and the newest LINEAR_ORDER values.
 */
export function fitLinear(values: ArrayLike<number>, points: readonly number[], H: number): number[][] {
  const size = LINEAR_ORDER + 1;
  const normal = new Float64Array(size * size);
  const moments = Array.from({ length: H }, () => new Float64Array(size));
  const x = new Float64Array(size);
  x[0] = 1;
  for (const i of points) {
    for (let k = 1; k < size; k++) x[k] = values[i - k + 1] ?? 0;
    for (let r = 0; r < size; r++) {
      const xr = x[r] ?? 0;
      for (let c = 0; c <= r; c++) normal[r * size + c] = (normal[r * size + c] ?? 0) + xr * (x[c] ?? 0);
    }
    for (let h = 0; h < H; h++) {
      const truth = values[i + h + 1] ?? 0;
      const moment = moments[h] as Float64Array;
      for (let r = 0; r < size; r++) moment[r] = (moment[r] ?? 0) + (x[r] ?? 0) * truth;
    }
  }
  let diagonal = 0;
  for (let r = 0; r < size; r++) diagonal += normal[r * size + r] ?? 0;
  const ridge = RIDGE * (diagonal / size) + Number.MIN_VALUE;
  const rows = Array.from({ length: size }, (_, r) =>
    Float64Array.from({ length: size }, (_, c) => (r >= c ? (normal[r * size + c] ?? 0) : (normal[c * size + r] ?? 0)) + (r === c ? ridge : 0)),
  );
  return moments.map((moment) => solveSymmetric(rows, moment));
}
