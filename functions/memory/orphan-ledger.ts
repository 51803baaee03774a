/** The OrphanLedger port in memory: the instances reported, on the callers' clock times, each again after ORPHAN_REMINDER_DAYS. */
import { ORPHAN_REMINDER_DAYS, type OrphanLedger } from '../ports/state.ts';

const REMINDER_MS = ORPHAN_REMINDER_DAYS * 86_400_000;

export class MemoryOrphanLedger implements OrphanLedger {
  private readonly reportedAtMs = new Map<string, number>();

  async claim(instanceIds: readonly string[], nowMs: number): Promise<readonly string[]> {
    const claimed = instanceIds.filter((id) => (this.reportedAtMs.get(id) ?? -Infinity) + REMINDER_MS <= nowMs);
    for (const id of claimed) this.reportedAtMs.set(id, nowMs);
    return claimed;
  }
}
