/**
 * fleetward's own policy in the simulator: each step calls the production decision core
 * (decideCapacity, the function the scale handler's decideStep calls) with what the fleet
 * would observe, and carries the fleet status from step to step with the core's
 * scalingStatusAfter, as the control step does. It
 * keeps the fleet's load history (14 days, saturated periods flagged, as the Lambda keeps it in
 * DynamoDB) and refreshes the forecast model with the core's refreshForecast, as the Lambda's
 * step does.
 */
import { validateConfig, type FleetConfig } from '../../functions/core/config.ts';
import { type ForecastFit, LOAD_HISTORY_DAYS, type LoadHistory, MISS_RUN_PERIODS, isMissedPeriod } from '../../functions/core/forecast/index.ts';
import { loadPointOf, refreshForecast, saturationFlag } from '../../functions/core/load-history.ts';
import type { MetricReading } from '../../functions/core/model.ts';
import { decideCapacity, scalingStatusAfter, type CapacityInput, type ScalingStatus } from '../../functions/core/scaling.ts';
import type { Observation, Policy, PolicyDecision } from '../engine.ts';

export interface FleetwardSimOptions {
  /** Target utilisation, 0..1. */
  readonly target: number;
  readonly stepS: number;
  readonly bootS: number;
  readonly minInstances: number;
  readonly maxInstances: number;
  /**
   * A user's fleet (`simulate --config`): its capacity and scaling settings replace the defaults;
   * the metric stays the simulated utilisation, so the fleet must scale on a per-instance metric.
   */
  readonly fleet?: FleetConfig;
}

export const SIM_METRIC_LABEL = 'utilisation %';

/** Why a user's fleet cannot run in the simulator, or undefined when it can. */
export function simulationRefusal(fleet: FleetConfig): string | undefined {
  return fleet.scaling.metricType === 'per-instance'
    ? undefined
    : `fleet ${fleet.name} scales on a total metric; the simulator models a per-instance utilisation metric in percent`;
}

/**
 * The fleet config the simulator runs: a per-instance utilisation metric in percent at the
 * target under test, and either production defaults with a warm-up of boot plus one metric
 * period (an instance counts once a whole datapoint of it exists) and predictive scaling with
 * one unit serving 100%, or a user's fleet settings.
 */
export function simFleetConfig(options: FleetwardSimOptions): FleetConfig {
  const periodSeconds = options.stepS < 60 ? 60 : Math.round(options.stepS / 60) * 60;
  const metric = { namespace: 'Simulated', name: 'Utilisation', statistic: 'Average', periodSeconds };
  const target = Math.round(options.target * 10_000) / 100;
  const user = options.fleet;
  if (user !== undefined) {
    const refusal = simulationRefusal(user);
    if (refusal !== undefined) throw new Error(refusal);
  }
  const config = validateConfig(
    {
      fleets: [
        {
          name: 'simulated',
          launchTemplate: { name: 'simulated' },
          subnets: ['subnet-0'],
          instanceTypes: [{ type: 'sim.unit' }],
          capacity: user?.capacity ?? { min: options.minInstances, max: options.maxInstances },
          scaling:
            user === undefined
              ? {
                  metric,
                  metricType: 'per-instance',
                  target,
                  warmupSeconds: Math.round(options.bootS + options.stepS),
                  predictive: { unitCapacity: 100 },
                }
              : { ...user.scaling, metric, target, scaleOutAlarms: [] },
        },
      ],
    },
    'simulated fleet',
  );
  const fleet = config.fleets[0];
  if (fleet === undefined) throw new Error('the simulated config has no fleet');
  return fleet;
}

/**
 * The load history the simulated fleet keeps: the newest `keep` periods, flagged as the Lambda
 * flags them, with the missed periods counted as periods come and go rather than every step.
 */
export class KeptHistory {
  private loads = new Float64Array(1024);
  private flags = new Uint8Array(1024);
  private count = 0;
  private start = 0;
  private missed = 0;

  constructor(
    private readonly keep: number,
    private readonly stepMs: number,
  ) {}

  get newest(): number | undefined {
    return this.count === 0 ? undefined : this.loads[this.count - 1];
  }

  /** Adds the next period's load and its flag (0, SHORT or AT_MAX). */
  record(load: number, flag: number): void {
    if (this.count === this.loads.length) {
      const loads = new Float64Array(this.loads.length * 2);
      loads.set(this.loads);
      this.loads = loads;
      const flags = new Uint8Array(loads.length);
      flags.set(this.flags);
      this.flags = flags;
    }
    this.flags[this.count] = flag;
    this.loads[this.count++] = load;
    if (isMissedPeriod(this.flags, this.count - 1, this.start)) this.missed++;
    // Whether a period counts depends on the ones before it inside the window, so moving the
    // window's start recounts the periods just after it.
    for (; this.start < this.count - this.keep; this.start++) this.missed += this.missedNearStart(this.start + 1) - this.missedNearStart(this.start);
  }

  private missedNearStart(start: number): number {
    let missed = 0;
    for (let k = start; k <= Math.min(this.count - 1, this.start + MISS_RUN_PERIODS); k++) if (isMissedPeriod(this.flags, k, start)) missed++;
    return missed;
  }

  /** The kept periods as the forecast reads them (views, valid until the next record). */
  history(): LoadHistory {
    return {
      startMs: this.start * this.stepMs,
      stepMs: this.stepMs,
      values: this.loads.subarray(this.start, this.count),
      saturated: this.flags.subarray(this.start, this.count),
      missedPeriods: this.missed,
    };
  }
}

export function createFleetwardPolicy(options: FleetwardSimOptions): Policy {
  const fleet = simFleetConfig(options);
  const { scaling } = fleet;
  const stepMs = options.stepS * 1000;
  const kept = new KeptHistory(Math.ceil((LOAD_HISTORY_DAYS * 86_400) / options.stepS), stepMs);
  let fit: ForecastFit | undefined;
  let status: ScalingStatus | undefined;
  const changes: PolicyDecision[] = [];
  return {
    name: 'fleetward',
    decide(observation: Observation): number {
      const { nowMs, utilisation, warmed, alive } = observation;
      const metric: MetricReading =
        utilisation === undefined
          ? { kind: 'missing', label: SIM_METRIC_LABEL, why: 'no instance served the last minute' }
          : { kind: 'value', value: utilisation * 100, timestampMs: nowMs - stepMs, label: SIM_METRIC_LABEL };
      let forecast: CapacityInput['forecast'];
      if (scaling.predictive !== undefined && observation.step > 0) {
        const point = loadPointOf(scaling, metric, warmed, fleet.capacity.max);
        kept.record(point?.load ?? kept.newest ?? 0, saturationFlag(point));
        const history = kept.history();
        fit = refreshForecast(scaling, history, fit !== undefined && 'model' in fit ? fit.model : undefined, nowMs);
        forecast = { history, fit };
      }
      const decision = decideCapacity({
        fleet,
        status,
        currentUnits: alive,
        warmedUnits: warmed,
        warmingInstances: alive - warmed,
        metric,
        nowMs,
        ...(forecast === undefined ? {} : { forecast }),
      });
      if (decision.desiredCapacity !== (status?.desiredCapacity ?? alive)) {
        changes.push({ step: observation.step, desired: decision.desiredCapacity, reason: decision.reason });
      }
      status = scalingStatusAfter(status, decision, nowMs);
      return decision.desiredCapacity;
    },
    decisions: () => changes,
  };
}
