/**
 * Changes scheduled on a virtual clock (a boot that ends, a stop that completes), applied in
 * time order when a caller next looks: nothing runs between calls, and a look costs only the
 * changes that fell due, not the size of the world. While a change applies, the time is its own.
 */
import type { Clock } from '../ports/index.ts';

interface Scheduled {
  readonly atMs: number;
  /** Ties break by the order of scheduling: deterministic. */
  readonly order: number;
  readonly apply: () => void;
}

const earlier = (a: Scheduled | undefined, b: Scheduled | undefined) =>
  a !== undefined && b !== undefined && (a.atMs < b.atMs || (a.atMs === b.atMs && a.order < b.order));

/** A binary min-heap of scheduled changes; as a clock, the time of the change being applied. */
export class Timeline implements Clock {
  private readonly heap: Scheduled[] = [];
  private scheduled = 0;
  private applyingAtMs: number | undefined;

  constructor(private readonly clock: Clock) {}

  now(): number {
    return this.applyingAtMs ?? this.clock.now();
  }

  /** Schedules a change `delayMs` from now. */
  after(delayMs: number, apply: () => void): void {
    this.heap.push({ atMs: this.now() + delayMs, order: this.scheduled++, apply });
    for (let i = this.heap.length - 1; i > 0 && earlier(this.heap[i], this.heap[(i - 1) >> 1]); i = (i - 1) >> 1) this.swap(i, (i - 1) >> 1);
  }

  /** Applies every change due by now, earliest first; a change may schedule more. */
  catchUp(): void {
    const nowMs = this.clock.now();
    for (let next = this.heap[0]; next !== undefined && next.atMs <= nowMs; next = this.heap[0]) {
      this.pop();
      this.applyingAtMs = next.atMs;
      try {
        next.apply();
      } finally {
        this.applyingAtMs = undefined;
      }
    }
  }

  private pop(): void {
    const last = this.heap.pop();
    if (last === undefined || this.heap.length === 0) return;
    this.heap[0] = last;
    for (let i = 0; ; ) {
      const [left, right] = [2 * i + 1, 2 * i + 2];
      const least = earlier(this.heap[right], this.heap[left]) ? right : left;
      if (!earlier(this.heap[least], this.heap[i])) return;
      this.swap(i, least);
      i = least;
    }
  }

  private swap(a: number, b: number): void {
    const held = this.heap[a] as Scheduled;
    this.heap[a] = this.heap[b] as Scheduled;
    this.heap[b] = held;
  }
}
