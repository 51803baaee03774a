/**
 * A fleet's decision log in memory: entries in step order (a step's entry is never replaced),
 * entries past their retention dropped as newer ones come, on the callers' clock times.
 */
import type { DecisionEntry } from '../ports/state.ts';

/** Dropped entries are let go of in one copy once they are at least this many and half the array. */
const COMPACT_AFTER = 1024;

export class DecisionLog {
  private entries: DecisionEntry[] = [];
  /** Entries before this index are past their retention. */
  private head = 0;

  constructor(private readonly retentionMs: number) {}

  /** Adds the entry, unless its step has one: then that entry, left as it is. */
  append(entry: DecisionEntry): DecisionEntry | undefined {
    const index = this.indexOf(entry.step);
    const logged = this.entries[index];
    if (logged?.step === entry.step) return logged;
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

  /** Where an entry of this step belongs among the kept ones: binary search, the newest checked first. */
  private indexOf(step: number): number {
    const last = this.entries[this.entries.length - 1];
    if (last === undefined || last.step < step) return this.entries.length;
    let low = this.head;
    let high = this.entries.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.entries[middle]?.step ?? 0) < step) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
