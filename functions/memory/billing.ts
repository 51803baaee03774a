/**
 * Billed instance time in constant time per change: per second from launch (or start) until
 * an instance stops being billed (stopped or terminated), each period billed at least a minimum,
 * as EC2's per-second billing is. The simulator reads it instead of walking the instances.
 */
export class BilledTime {
  private periods = 0;
  private openSinceSumMs = 0;
  private closedMs = 0;
  private minimumMs = 0;

  constructor(readonly minimumSeconds: number) {}

  /** Instances billed now. */
  get open(): number {
    return this.periods;
  }

  /** Seconds billed beyond their lifetime to the periods that ended before the minimum. */
  get minimumChargeSeconds(): number {
    return this.minimumMs / 1000;
  }

  /** Seconds billed up to now: every ended period (with its minimum) and the open ones so far. */
  billedSeconds(nowMs: number): number {
    return (this.closedMs + this.periods * nowMs - this.openSinceSumMs) / 1000;
  }

  start(sinceMs: number): void {
    this.periods += 1;
    this.openSinceSumMs += sinceMs;
  }

  end(sinceMs: number, nowMs: number): void {
    this.periods -= 1;
    this.openSinceSumMs -= sinceMs;
    const lived = nowMs - sinceMs;
    const short = Math.max(0, this.minimumSeconds * 1000 - lived);
    this.closedMs += lived + short;
    this.minimumMs += short;
  }
}
