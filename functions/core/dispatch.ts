/**
 * How one schedule tick is spread over the fleets: each fleet's step starts at a fixed offset
 * (its place in the config at the configured pace), so EC2's describe calls arrive at a steady
 * rate instead of all at the top of the minute, and a fleet's steps stay a tick apart. When the
 * pace would run past the dispatch window, the pace is raised to fit, and the reason says so.
 */

/** How the dispatcher paces the per-fleet invocations. */
export interface DispatchSettings {
  /** Fleets whose step starts in each second. */
  readonly fleetsPerSecond: number;
  /** Invoke requests in flight at once. */
  readonly concurrency: number;
}

/** About 6 EC2 describe calls a step: 3 fleets a second stay under EC2's refill of 20 a second. */
export const DISPATCH_DEFAULTS: DispatchSettings = { fleetsPerSecond: 3, concurrency: 10 };

/** The longest a tick's dispatch spreads: it ends well before the next tick of a 1-minute schedule. */
export const DISPATCH_WINDOW_MS = 45_000;

export interface FleetStart {
  readonly fleet: string;
  /** Milliseconds after the dispatch began. */
  readonly offsetMs: number;
}

export interface DispatchPlan {
  readonly starts: readonly FleetStart[];
  /** The pace used: the configured one, or faster when the window shaped it. */
  readonly fleetsPerSecond: number;
  readonly reason: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function planDispatch(fleetNames: readonly string[], settings: DispatchSettings, windowMs: number = DISPATCH_WINDOW_MS): DispatchPlan {
  const count = fleetNames.length;
  const spreadMs = count <= 1 ? 0 : ((count - 1) * 1000) / settings.fleetsPerSecond;
  const fits = spreadMs <= windowMs;
  const fleetsPerSecond = fits ? settings.fleetsPerSecond : ((count - 1) * 1000) / windowMs;
  const intervalMs = 1000 / fleetsPerSecond;
  const starts = fleetNames.map((fleet, index) => ({ fleet, offsetMs: Math.round(index * intervalMs) }));
  const last = starts.at(-1)?.offsetMs ?? 0;
  const reason = fits
    ? `${count} fleet${count === 1 ? '' : 's'} at ${settings.fleetsPerSecond} a second: spread over ${seconds(last)}`
    : `${count} fleets at ${settings.fleetsPerSecond} a second would take ${seconds(spreadMs)}, over the dispatch window of ${seconds(windowMs)}: ` +
      `${fleetsPerSecond.toFixed(1)} a second instead, spread over ${seconds(last)} (EC2 may throttle; a slower schedule keeps the pace)`;
  return { starts, fleetsPerSecond, reason };
}
