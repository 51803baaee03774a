/** How a forecast error scales with the load: the scale an error is divided by, and the upper bound a scaled error gives back. */
import type { ErrorScale } from './types.ts';

/** The power of the load that errors are divided by. */
export const POWER: Record<ErrorScale, number> = { absolute: 0, sqrt: 0.5, relative: 1 };

/** What an error at this point forecast is divided by: max(point, floor)^power. */
export const scaleOf = (point: number, power: number, floor: number) =>
  power === 0 ? 1 : power === 1 ? Math.max(point, floor) : Math.sqrt(Math.max(point, floor));

/** The point forecast plus `quantile` scaled errors, at least 0. */
export function upperOf(point: number, quantile: number, power: number, floor: number): number {
  return Math.max(0, point + quantile * scaleOf(point, power, floor));
}
