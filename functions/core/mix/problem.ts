/**
 * What the mix optimizer is asked: the capacity a fleet needs in weighted units, what each allowed
 * instance type costs per zone and market, what capacity errors and open reservations allow, and
 * the fleet's mix policy; and what it answers.
 */

export type Market = 'on-demand' | 'spot' | 'reserved';

/** One allowed instance type in one zone: its weight and hourly prices (no spotPerHour: no Spot offered). */
export interface MixOffer {
  readonly type: string;
  readonly zone: string;
  readonly weight: number;
  readonly onDemandPerHour: number;
  readonly spotPerHour?: number;
}

/** What a capacity error taught: this type+zone (in one market, or both) is left out until untilMs. */
export interface CapacityExclusion {
  readonly type: string;
  readonly zone: string;
  readonly market?: 'on-demand' | 'spot';
  readonly untilMs: number;
  /** What taught it: a capacity error (when absent), a Spot interruption warning, or a rightsizing verdict. */
  readonly reason?: ExclusionReason;
  /** Instances running in the cell that the mix keeps there (no new launches go in): set for a solve, never stored. */
  readonly keep?: number;
}

export type ExclusionReason = 'capacity-error' | 'spot-interruption' | 'rightsizing';

/** An open capacity reservation: instances already paid for, used before anything is bought. */
export interface OpenReservation {
  readonly type: string;
  readonly zone: string;
  readonly available: number;
}

export type ZoneBalance = 'balanced-only' | 'best-effort';

export interface MixPolicy {
  /** Units that must be on-demand (reserved instances count as on-demand). */
  readonly onDemandBaseUnits: number;
  /** At most this share (0..1) of the needed units on Spot. */
  readonly maxSpotShare: number;
  /** No instance type above this share (0..1) of the needed units; one instance of a type is always allowed. */
  readonly maxTypeShare: number;
  /** No type+zone above this share (0..1) of the needed units; one instance is always allowed. */
  readonly maxTypeZoneShare: number;
  /** balanced-only: every zone within one largest instance of every other; best-effort: only the zones still open. */
  readonly zoneBalance: ZoneBalance;
  readonly useReservations: boolean;
}

export interface MixProblem {
  readonly neededUnits: number;
  readonly offers: readonly MixOffer[];
  readonly exclusions: readonly CapacityExclusion[];
  readonly reservations: readonly OpenReservation[];
  readonly policy: MixPolicy;
  readonly nowMs: number;
}

export interface MixAllocation {
  readonly type: string;
  readonly zone: string;
  readonly market: Market;
  readonly count: number;
  readonly units: number;
  /** Hourly cost of these instances (0 for reserved: already paid). */
  readonly perHour: number;
}

export interface FeasibleMix {
  readonly feasible: true;
  readonly allocations: readonly MixAllocation[];
  readonly units: number;
  readonly costPerHour: number;
  /** The LP relaxation's optimum: no mix can cost less. */
  readonly lowerBoundPerHour: number;
  /** 0 when proven optimal; otherwise (cost - lower bound) / cost, an upper bound on how far from optimal. */
  readonly gap: number;
  /** Each constraint at its limit, with its numbers. */
  readonly binding: readonly string[];
  readonly reason: string;
}

export interface InfeasibleMix {
  readonly feasible: false;
  /** "infeasible: <which constraint>, with its numbers". */
  readonly reason: string;
}

export type MixDecision = FeasibleMix | InfeasibleMix;
