/**
 * The simulator's compute: a homogeneous fleet whose instances boot for a fixed delay after
 * launch before they serve, billed per second from launch to termination with a 60-second
 * minimum, on a virtual clock. Scale-in removes still-booting instances first (newest first,
 * as fleetward's victim order prefers pending instances), then the oldest in service.
 */
import type { Clock } from '../functions/ports/index.ts';

/** The simulator's clock: time moves only when the simulation moves it. */
export class VirtualClock implements Clock {
  private ms: number;

  constructor(startMs = 0) {
    this.ms = startMs;
  }

  now(): number {
    return this.ms;
  }

  set(ms: number): void {
    this.ms = ms;
  }
}

/** Per-second billing has a one-minute minimum per instance. */
export const MINIMUM_BILLED_SECONDS = 60;

export class SimFleet {
  /** Launch batches, oldest first: launch time (s) and instances still alive from each. */
  private readonly launchedAt: number[] = [];
  private readonly counts: number[] = [];
  private head = 0;
  private alive = 0;
  private serving = 0;
  /** Index of the first batch that is still booting (batches before it serve). */
  private firstBooting = 0;

  constructor(
    private readonly clock: Clock,
    readonly bootS: number,
  ) {}

  /** Instances launched and not terminated (all of them are billed). */
  get aliveCount(): number {
    return this.alive;
  }

  /** Instances whose boot is over. */
  get inService(): number {
    return this.serving;
  }

  get booting(): number {
    return this.alive - this.serving;
  }

  /** Adds instances that are already serving (the fleet before the simulation starts). */
  seed(count: number): void {
    this.push(Number.NEGATIVE_INFINITY, count);
    this.advance();
  }

  /** Moves instances whose boot finished by now into service. */
  advance(): void {
    const now = this.clock.now() / 1000;
    while (this.firstBooting < this.launchedAt.length && (this.launchedAt[this.firstBooting] ?? 0) + this.bootS <= now) {
      this.serving += this.counts[this.firstBooting] ?? 0;
      this.firstBooting++;
    }
  }

  launch(count: number): void {
    if (count <= 0) return;
    this.push(this.clock.now() / 1000, count);
    this.advance();
  }

  /**
   * Terminates instances, booting ones first (newest first), then the oldest in service.
   * Returns the seconds billed beyond their lifetime by the 60-second minimum.
   */
  terminate(count: number): number {
    const now = this.clock.now() / 1000;
    let left = Math.min(count, this.alive);
    let minimumCharge = 0;
    const charge = (launched: number, n: number) => {
      minimumCharge += n * Math.max(0, MINIMUM_BILLED_SECONDS - (now - launched));
    };
    for (let i = this.launchedAt.length - 1; left > 0 && i >= this.firstBooting; i--) {
      const n = Math.min(left, this.counts[i] ?? 0);
      this.counts[i] = (this.counts[i] ?? 0) - n;
      charge(this.launchedAt[i] ?? now, n);
      left -= n;
      this.alive -= n;
    }
    while (this.launchedAt.length > this.firstBooting && this.counts[this.launchedAt.length - 1] === 0) {
      this.launchedAt.pop();
      this.counts.pop();
    }
    while (left > 0 && this.head < this.firstBooting) {
      const n = Math.min(left, this.counts[this.head] ?? 0);
      this.counts[this.head] = (this.counts[this.head] ?? 0) - n;
      charge(this.launchedAt[this.head] ?? now, n);
      left -= n;
      this.alive -= n;
      this.serving -= n;
      if (this.counts[this.head] === 0) this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.launchedAt.length) this.compact();
    return minimumCharge;
  }

  private push(at: number, count: number): void {
    this.launchedAt.push(at);
    this.counts.push(count);
    this.alive += count;
  }

  private compact(): void {
    this.launchedAt.splice(0, this.head);
    this.counts.splice(0, this.head);
    this.firstBooting -= this.head;
    this.head = 0;
  }
}
