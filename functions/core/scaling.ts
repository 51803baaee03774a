/**
 * Target tracking: turns the fleet's metric into a desired capacity, fast on the way out and
 * slow and stable on the way in, and says why in one sentence for every branch.
 */
import type { CapacityBounds } from './calendar/scheduled-capacity.ts';
import type { FleetConfig } from './config.ts';
import { describeForecast, forecastUpper, type ForecastFit, type LoadHistory, metricCeiling, unitCapacityOf } from './forecast/index.ts';
import type { FleetStatus, MetricReading, Recommendation } from './model.ts';

/** The load history and its fitted forecast (or why there is none), for scaling.predictive. */
export interface ForecastInput {
  readonly history: LoadHistory;
  readonly fit: ForecastFit;
}

export interface CapacityInput {
  readonly fleet: Pick<FleetConfig, 'capacity' | 'scaling'>;
  readonly status: ScalingStatus | undefined;
  /** Capacity units of in-service instances that are pending or running. */
  readonly currentUnits: number;
  /** The part of currentUnits whose warm-up is over. */
  readonly warmedUnits: number;
  readonly warmingInstances: number;
  readonly metric: MetricReading;
  readonly nowMs: number;
  /** Only read when the fleet has scaling.predictive. */
  readonly forecast?: ForecastInput;
  /** The bounds of this instant (a schedule's, calendar/scheduled-capacity.ts); capacity.min and capacity.max when absent. */
  readonly bounds?: CapacityBounds;
}

export type ScalingDirection = 'out' | 'in' | 'hold';

export interface CapacityDecision {
  readonly desiredCapacity: number;
  readonly direction: ScalingDirection;
  readonly reason: string;
  /** This step's recommendation, when the metric allowed one. */
  readonly recommendation?: number;
  /** Recommendations still standing in a stabilization window (./scaling.ts standingSince), this step's appended when it differs from the newest. */
  readonly recommendations: readonly Recommendation[];
}

/** The part of a fleet's status that decideCapacity reads back on the next step. */
export type ScalingStatus = Pick<FleetStatus, 'desiredCapacity' | 'recommendations' | 'lastScaleOutAtMs' | 'lastScaleInAtMs'>;

/**
 * What a step's scaling leaves for the next one: the capacity it settled on, the recommendations
 * still inside a stabilization window, and when it last scaled out and in (for the cooldowns).
 */
export function scalingStatusAfter(
  status: Pick<FleetStatus, 'lastScaleOutAtMs' | 'lastScaleInAtMs'> | undefined,
  decision: Pick<CapacityDecision, 'desiredCapacity' | 'direction' | 'recommendations'>,
  nowMs: number,
): ScalingStatus {
  const lastScaleOutAtMs = decision.direction === 'out' ? nowMs : status?.lastScaleOutAtMs;
  const lastScaleInAtMs = decision.direction === 'in' ? nowMs : status?.lastScaleInAtMs;
  return {
    desiredCapacity: decision.desiredCapacity,
    recommendations: decision.recommendations,
    ...(lastScaleOutAtMs === undefined ? {} : { lastScaleOutAtMs }),
    ...(lastScaleInAtMs === undefined ? {} : { lastScaleInAtMs }),
  };
}

/** Rounds for messages: at most two decimals, no trailing zeros. */
export function formatNumber(value: number): string {
  return String(Number(value.toFixed(2)));
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** ceil that ignores floating-point dust (4 * 50 / 50 must stay 4), and never gives -0 for no load. */
const ceilUnits = (value: number) => Math.max(0, Math.ceil(value - 1e-9));

type Proposal = { capacity: number; text: string } | { hold: string };

/** A step that did not read the metric: the newest recommendation stands, as if the metric read the same. */
function standingProposal(input: CapacityInput, metric: Extract<MetricReading, { kind: 'not-read' }>): Proposal {
  const standing = input.status?.recommendations.at(-1);
  if (standing === undefined) return { hold: `${metric.label} not read (${metric.why}) and no recommendation stands` };
  return { capacity: standing.capacity, text: `${metric.label} not read (${metric.why}): the standing recommendation ${standing.capacity}` };
}

function recommendReactive(input: CapacityInput): Proposal {
  const { metric, fleet, warmedUnits, currentUnits } = input;
  const { target, metricType } = fleet.scaling;
  if (metric.kind === 'missing') return { hold: `no data for ${metric.label} (${metric.why})` };
  if (metric.kind === 'not-read') return standingProposal(input, metric);
  const value = formatNumber(metric.value);
  if (metricType === 'total') {
    const capacity = ceilUnits(metric.value / target);
    return { capacity, text: `${metric.label} = ${value} total at target ${formatNumber(target)} per unit recommends ${capacity}` };
  }
  if (warmedUnits === 0) {
    return {
      hold:
        currentUnits === 0
          ? `a per-instance metric needs a running instance (${metric.label} = ${value})`
          : `every instance is still warming (${metric.label} = ${value})`,
    };
  }
  const capacity = ceilUnits((warmedUnits * metric.value) / target);
  return {
    capacity,
    text: `${metric.label} = ${value} per unit over ${plural(warmedUnits, 'warmed unit')} at target ${formatNumber(target)} recommends ${capacity}`,
  };
}

/**
 * With scaling.predictive: the forecast's upper bound over the warm-up horizon, or the reactive
 * recommendation (saying why) until there is a forecast. A saturated per-instance metric hides
 * how much load there is, so then the larger of the two.
 */
function recommend(input: CapacityInput): Proposal {
  const reactive = recommendReactive(input);
  const predictive = input.fleet.scaling.predictive;
  if (predictive === undefined || input.metric.kind !== 'value') return reactive;
  const fit = input.forecast?.fit;
  if (input.forecast === undefined || fit === undefined || 'unavailable' in fit) {
    const why = fit !== undefined && 'unavailable' in fit ? fit.unavailable : 'no load history';
    return 'hold' in reactive ? { hold: `${reactive.hold}; no forecast yet: ${why}` } : { ...reactive, text: `${reactive.text} (no forecast yet: ${why})` };
  }
  const bound = forecastUpper(fit.model, input.forecast.history);
  const { metricType } = input.fleet.scaling;
  // A per-instance metric at its explicit unitCapacity reads as saturated, so a fleet planned
  // exactly full would look overloaded: a whole-number bound above zero gets one unit more.
  const whole = metricCeiling(input.fleet.scaling, predictive) !== undefined && bound.upper > 0.5 && Math.abs(bound.upper - Math.round(bound.upper)) < 1e-9;
  const capacity = ceilUnits(bound.upper) + (whole ? 1 : 0);
  const minutes = formatNumber((bound.horizonSteps * fit.model.stepMs) / 60_000);
  const exact = whole ? ` (one over its whole-number bound, so the fleet is not planned exactly full)` : '';
  const text = `forecast ${formatNumber(bound.point)} units in the next ${minutes} min from ${describeForecast(fit.model, bound)} recommends ${capacity}${exact}`;
  const saturated = metricType === 'per-instance' && input.metric.value >= unitCapacityOf(input.fleet.scaling, predictive);
  if (saturated && 'capacity' in reactive && reactive.capacity > capacity) {
    return { capacity: reactive.capacity, text: `${text}, but the metric is saturated, so ${reactive.text}` };
  }
  return { capacity, text };
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** What both directions read: the base they move from, the recommendation and the window of recommendations. */
interface Deciding {
  readonly input: CapacityInput;
  readonly limits: CapacityBounds;
  /** The previous desired capacity within min..max, and how it was brought there, for the reason. */
  readonly base: number;
  readonly bounds: string;
  readonly recommendation: number;
  readonly text: string;
  readonly recommendations: readonly Recommendation[];
}

/**
 * Recommendations are a step function: each stands until the next different one. So a window
 * reads those made inside it and the newest made at or before its start (still standing then).
 */
export function standingSince(recommendations: readonly Recommendation[], startMs: number): Recommendation[] {
  const inside = recommendations.filter((r) => r.atMs > startMs);
  const before = recommendations.filter((r) => r.atMs <= startMs).at(-1);
  return before === undefined ? inside : [before, ...inside];
}

/** The recommendations with this one after them, unless it repeats the newest (a steady one appends nothing). */
function appended(recommendations: readonly Recommendation[], next: Recommendation): Recommendation[] {
  return recommendations.at(-1)?.capacity === next.capacity ? [...recommendations] : [...recommendations, next];
}

const within = (d: Deciding, seconds: number) => standingSince(d.recommendations, d.input.nowMs - seconds * 1000).map((r) => r.capacity);

const holding = (d: Deciding, why: string): CapacityDecision => ({
  desiredCapacity: d.base,
  direction: 'hold',
  reason: `hold at ${d.base}${d.bounds}: ${why}`,
  recommendation: d.recommendation,
  recommendations: d.recommendations,
});

function moving(d: Deciding, direction: 'out' | 'in', desired: number, limits: readonly string[]): CapacityDecision {
  const capped = limits.length > 0 ? `, capped by ${limits.join(' and ')}` : '';
  const verb = direction === 'out' ? 'scale out' : 'scale in';
  return {
    desiredCapacity: desired,
    direction,
    reason: `${verb} ${d.base} -> ${desired}${d.bounds}: ${d.text}${capped}`,
    recommendation: d.recommendation,
    recommendations: d.recommendations,
  };
}

/** Fast out: the lowest recommendation of the scale-out window, after its cooldown, within maxStep and max. */
function scaleOut(d: Deciding): CapacityDecision {
  const { fleet, status, nowMs } = d.input;
  const { max, maxName } = d.limits;
  const { scaleOut: config } = fleet.scaling;
  if (d.base === max) return holding(d, `${d.text}, but the fleet is at ${maxName} ${max}`);
  const stable = Math.min(...within(d, config.stabilizationSeconds));
  if (stable <= d.base) return holding(d, `${d.text}, but the lowest recommendation in the last ${config.stabilizationSeconds} s is ${stable}`);
  const lastOut = status?.lastScaleOutAtMs;
  if (lastOut !== undefined && nowMs < lastOut + config.cooldownSeconds * 1000) {
    return holding(d, `${d.text}, but scale-out cooldown has ${Math.ceil((lastOut + config.cooldownSeconds * 1000 - nowMs) / 1000)} s left`);
  }
  const limits = stable < d.recommendation ? [`the scale-out stabilization window (the lowest recommendation in the last ${config.stabilizationSeconds} s is ${stable})`] : [];
  let desired = stable;
  if (config.maxStep !== undefined && desired > d.base + config.maxStep) {
    desired = d.base + config.maxStep;
    limits.push(`scaleOut.maxStep ${config.maxStep}`);
  }
  if (desired > max) {
    desired = max;
    limits.push(`${maxName} ${max}`);
  }
  return moving(d, 'out', desired, limits);
}

/** Slow in: the highest recommendation of the scale-in window, not while instances warm, after its cooldown, within maxStep and min. */
function scaleIn(d: Deciding): CapacityDecision {
  const { fleet, status, nowMs } = d.input;
  const { min, minName } = d.limits;
  const { scaleIn: config } = fleet.scaling;
  if (d.base === min) return holding(d, `${d.text}, but the fleet is at ${minName} ${min}`);
  const stable = Math.max(...within(d, config.stabilizationSeconds));
  if (stable >= d.base) return holding(d, `${d.text}, but the highest recommendation in the last ${config.stabilizationSeconds} s is ${stable}`);
  if (d.input.warmingInstances > 0) return holding(d, `${d.text}, but scale-in waits while ${plural(d.input.warmingInstances, 'instance')} warm up`);
  const lastActivity = Math.max(status?.lastScaleOutAtMs ?? -Infinity, status?.lastScaleInAtMs ?? -Infinity);
  if (nowMs < lastActivity + config.cooldownSeconds * 1000) {
    return holding(d, `${d.text}, but scale-in cooldown has ${Math.ceil((lastActivity + config.cooldownSeconds * 1000 - nowMs) / 1000)} s left`);
  }
  const limits = stable > d.recommendation ? [`the scale-in stabilization window (the highest recommendation in the last ${config.stabilizationSeconds} s is ${stable})`] : [];
  let desired = stable;
  if (config.maxStep !== undefined && desired < d.base - config.maxStep) {
    desired = d.base - config.maxStep;
    limits.push(`scaleIn.maxStep ${config.maxStep}`);
  }
  if (desired < min) {
    desired = min;
    limits.push(`${minName} ${min}`);
  }
  return moving(d, 'in', desired, limits);
}

function decideWithin(input: CapacityInput, limits: CapacityBounds): CapacityDecision {
  const { fleet, status, nowMs } = input;
  const { min, max } = limits;
  const { initial } = fleet.capacity;
  // Without a status (the first step, or a lost table) the capacity already running is the
  // desired capacity so far: a missing metric must not shrink a fleet fleetward just found.
  const previous = status?.desiredCapacity ?? (input.currentUnits > 0 ? input.currentUnits : (initial ?? fleet.capacity.min));
  const base = clamp(previous, min, max);
  const bounds =
    base > previous ? ` (raised from ${previous} to ${limits.minName})` : base < previous ? ` (lowered from ${previous} to ${limits.maxName})` : '';
  const windowMs = Math.max(fleet.scaling.scaleOut.stabilizationSeconds, fleet.scaling.scaleIn.stabilizationSeconds) * 1000;
  const earlier = (status?.recommendations ?? []).filter((r) => r.atMs < nowMs);
  const kept = standingSince(earlier, nowMs - windowMs);

  const proposal = recommend(input);
  if ('hold' in proposal) {
    return { desiredCapacity: base, direction: 'hold', reason: `hold at ${base}${bounds}: ${proposal.hold}`, recommendations: kept };
  }
  const recommendation = proposal.capacity;
  const deciding: Deciding = { input, limits, base, bounds, recommendation, text: proposal.text, recommendations: standingSince(appended(earlier, { atMs: nowMs, capacity: recommendation }), nowMs - windowMs) };
  if (recommendation > base) return scaleOut(deciding);
  if (recommendation < base) return scaleIn(deciding);
  return holding(deciding, proposal.text);
}

/**
 * Decides this step's desired capacity, within capacity.min and capacity.max or the bounds a
 * schedule or idleness sets now (and then the reason says which). Pure: the same input always gives
 * the same answer.
 */
export function decideCapacity(input: CapacityInput): CapacityDecision {
  const { min, max } = input.fleet.capacity;
  const limits = input.bounds ?? { min, max, minName: 'capacity.min', maxName: 'capacity.max' };
  const decision = decideWithin(input, limits);
  return limits.why === undefined ? decision : { ...decision, reason: `${decision.reason}; ${limits.why}` };
}
