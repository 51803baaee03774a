/**
 * A fleet's decision log in memory: entries in step order (a step's entry is never replaced; a
 * stopped step's entries follow their step's, by time and run), entries past their retention
 * dropped as newer ones come, on the callers' clock times.
 */
import type { DecisionEntry } from '../ports/state.ts';

/** Dropped entries are let go of in one copy once they are at least this many and half the array. */
const COMPACT_AFTER = 1024;

/** The DynamoDB sort key's order: step, then the step's own entry, then stopped ones by time and run. */
function compare(a: DecisionEntry, b: DecisionEntry): number {
  if (a.step !== b.step) return a.step - b.step;
  if (a.stopped === undefined || b.stopped === undefined) return (a.stopped === undefined ? 0 : 1) - (b.stopped === undefined ? 0 : 1);
  if (a.atMs !== b.atMs) return a.atMs - b.atMs;
  return a.stopped.runId < b.stopped.runId ? -1 : a.stopped.runId > b.stopped.runId ? 1 : 0;
}

export class DecisionLog {
  private entries: DecisionEntry[] = [];
  /** Entries before this index are past their retention. */
  private head = 0;

  constructor(private readonly retentionMs: number) {}

  /** Adds the entry, unless one has its key (step, or stopped step, time and run): then that entry, left as it is. */
  append(entry: DecisionEntry): DecisionEntry | undefined {
    const index = this.indexOf(entry);
    const logged = this.entries[index];
    if (logged !== undefined && compare(logged, entry) === 0) return logged;
    this.entries.splice(index, 0, entry);
    while (this.head < this.entries.length && (this.entries[this.head]?.atMs ?? 0) + this.retentionMs < entry.atMs) this.head++;
    if (this.head >= COMPACT_AFTER && 2 * this.head >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return undefined;
  }

  /** The newest `limit` entries, newest first. */
  newest(limit: number): DecisionEntry[] {
    return this.entries.slice(Math.max(this.head, this.entries.length - limit)).reverse();
  }

  /** Where the entry belongs among the kept ones: binary search, the newest checked first. */
  private indexOf(entry: DecisionEntry): number {
    const last = this.entries[this.entries.length - 1];
    if (last === undefined || compare(last, entry) < 0) return this.entries.length;
    let low = this.head;
    let high = this.entries.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      const at = this.entries[middle];
      if (at !== undefined && compare(at, entry) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
