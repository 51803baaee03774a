/**
 * Elasticity metrics of one simulated run, after the SPEC Research Group's definitions (Herbst
 * et al., "Quantifying Cloud Performance and Dependability: Taxonomy, Metric Design, and
 * Emerging Challenges", ACM TOMPECS 3(4), 2018): under- and over-provisioning accuracy θ and
 * timeshare τ, and instability υ; plus cost, unserved demand, launches and terminations.
 *
 * Demand in instances is r = ceil(demand / instance capacity): the fewest instances that serve
 * it. Supply s is the instances in service during the step.
 */

export interface ElasticityMetrics {
  /** Steps counted (those after the warm-up). */
  readonly steps: number;
  /** Instance-hours billed over the counted steps. */
  readonly instanceHours: number;
  /** Instance-hours spent stopped (a warm pool's members: their volumes are billed, not the instance). */
  readonly stoppedInstanceHours?: number;
  /** τU: % of time supply < demand. */
  readonly underTimeshare: number;
  /** θU: mean of (r - s)+ / r, in %. */
  readonly underAccuracy: number;
  /** τO: % of time supply > demand. */
  readonly overTimeshare: number;
  /** θO: mean of (s - r)+ / max(r, 1), in %. */
  readonly overAccuracy: number;
  /** Demand that supply could not serve, % of all demand. */
  readonly unservedPercent: number;
  readonly launches: number;
  readonly terminations: number;
  /** υ: % of step transitions in which supply and demand do not move the same way. */
  readonly instability: number;
  /** Mean demand in instances, for scale. */
  readonly meanDemandInstances: number;
}

const EPSILON = 1e-9;

/** Accumulates one run's metrics step by step; `result()` reads them. */
export class MetricsAccumulator {
  private steps = 0;
  private billedSeconds = 0;
  private stoppedSeconds = 0;
  private underSteps = 0;
  private overSteps = 0;
  private underShare = 0;
  private overShare = 0;
  private demandSum = 0;
  private unservedSum = 0;
  private requiredSum = 0;
  private launches = 0;
  private terminations = 0;
  private unstable = 0;
  private transitions = 0;
  private previousRequired = -1;
  private previousSupply = -1;

  constructor(private readonly instanceCapacity: number) {}

  /** One counted step: its demand (capacity units), instances in service, seconds billed. */
  addStep(demand: number, supply: number, billedSeconds: number): void {
    const required = Math.ceil(demand / this.instanceCapacity - EPSILON);
    this.steps++;
    this.billedSeconds += billedSeconds;
    this.demandSum += demand;
    this.requiredSum += required;
    this.unservedSum += Math.max(0, demand - supply * this.instanceCapacity);
    if (supply < required) {
      this.underSteps++;
      this.underShare += (required - supply) / required;
    } else if (supply > required) {
      this.overSteps++;
      this.overShare += (supply - required) / Math.max(required, 1);
    }
    if (this.previousRequired >= 0) {
      this.transitions++;
      if (Math.sign(supply - this.previousSupply) !== Math.sign(required - this.previousRequired)) this.unstable++;
    }
    this.previousRequired = required;
    this.previousSupply = supply;
  }

  /** Seconds billed outside a step's own share (the 60-second minimum of a short-lived instance). */
  addBilling(seconds: number): void {
    this.billedSeconds += seconds;
  }

  /** Instance-seconds spent stopped in a counted step (a warm pool). */
  addStopped(seconds: number): void {
    this.stoppedSeconds += seconds;
  }

  addLaunches(count: number): void {
    this.launches += count;
  }

  addTerminations(count: number): void {
    this.terminations += count;
  }

  result(): ElasticityMetrics {
    const percent = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);
    return {
      steps: this.steps,
      instanceHours: this.billedSeconds / 3600,
      ...(this.stoppedSeconds === 0 ? {} : { stoppedInstanceHours: this.stoppedSeconds / 3600 }),
      underTimeshare: percent(this.underSteps, this.steps),
      underAccuracy: percent(this.underShare, this.steps),
      overTimeshare: percent(this.overSteps, this.steps),
      overAccuracy: percent(this.overShare, this.steps),
      unservedPercent: percent(this.unservedSum, this.demandSum),
      launches: this.launches,
      terminations: this.terminations,
      instability: percent(this.unstable, this.transitions),
      meanDemandInstances: this.steps === 0 ? 0 : this.requiredSum / this.steps,
    };
  }
}
