/**
 * Spot interruptions in the simulator: each running Spot instance is interrupted at a rate per
 * instance-hour (a Poisson process: in a step of s seconds with probability 1 - exp(-rate·s/3600)),
 * drawn from a seeded generator so that a run repeats exactly. EC2 warns two minutes before it
 * terminates the instance; the warning is the signal the product's failover acts on.
 */
import { seededRandom } from '../dev/seeded-random.ts';

/** From EC2's Spot interruption warning to the termination. */
export const SPOT_WARNING_MS = 120_000;

export class SpotInterruptions {
  private readonly probability: number;
  private readonly random: () => number;
  /** Warned instances and when EC2 terminates them, in warning order. */
  private readonly pending = new Map<string, number>();
  private warnings = 0;

  constructor(ratePerInstanceHour: number, stepS: number, seed: number) {
    this.probability = 1 - Math.exp((-ratePerInstanceHour * stepS) / 3600);
    this.random = seededRandom(seed);
  }

  /** Whether any instance can be interrupted at all (the rate is above 0). */
  get active(): boolean {
    return this.probability > 0;
  }

  /** Interruption warnings given so far. */
  get count(): number {
    return this.warnings;
  }

  /** Which of these running Spot instances (in a stable order) are warned now; one draw each that is not warned yet. */
  warn(candidates: readonly string[], nowMs: number): string[] {
    if (this.probability === 0) return [];
    const warned = candidates.filter((instanceId) => !this.pending.has(instanceId) && this.random() < this.probability);
    for (const instanceId of warned) this.pending.set(instanceId, nowMs + SPOT_WARNING_MS);
    this.warnings += warned.length;
    return warned;
  }

  /** The warned instances whose two minutes are over by now: EC2 terminates them. */
  due(nowMs: number): string[] {
    const due = [...this.pending].filter(([, atMs]) => atMs <= nowMs).map(([instanceId]) => instanceId);
    for (const instanceId of due) this.pending.delete(instanceId);
    return due;
  }
}
