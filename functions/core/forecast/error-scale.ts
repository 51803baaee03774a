/** How a forecast error scales with the load: the scaled errors a fit learns, and the upper bound a scaled error gives back. */
import type { ErrorScale } from './types.ts';

/** The power of the load that errors are divided by. */
export const POWER: Record<ErrorScale, number> = { absolute: 0, sqrt: 0.5, relative: 1 };

const scaleOf = (point: number, power: number, floor: number) =>
  power === 0 ? 1 : power === 1 ? Math.max(point, floor) : Math.sqrt(Math.max(point, floor));

/** The point forecast plus `quantile` scaled errors, at least 0. */
export function upperOf(point: number, quantile: number, power: number, floor: number): number {
  return Math.max(0, point + quantile * scaleOf(point, power, floor));
}

/**
 * The errors of the point forecasts `predicted` against `truth`, each scaled at its own point, in
 * `into` when given (a fit reuses one scratch array for every method and horizon).
 */
export function scaledErrors(truth: Float64Array, predicted: Float64Array, power: number, floor: number, into = new Float64Array(predicted.length)): Float64Array {
  for (let j = 0; j < predicted.length; j++) {
    const point = predicted[j] ?? 0;
    into[j] = ((truth[j] ?? 0) - point) / scaleOf(point, power, floor);
  }
  return into;
}
