/** The dispatcher's pace and orphan scan cadence a deployment may change, and the problems with given values. */

export interface DispatchProps {
  /**
   * Fleets whose step starts in each second of a tick, more than 0 and at most 50. A step makes
   * about 6 EC2 describe calls, and EC2 refills about 20 a second. The pace is raised when the
   * fleets would not fit the 45 s dispatch window, and the dispatcher's log says so.
   * @default 3
   */
  readonly fleetsPerSecond?: number;

  /**
   * Invoke requests the dispatcher has in flight at once, 1 to 100.
   * @default 10
   */
  readonly concurrency?: number;

  /**
   * Minutes between the dispatcher's orphan scans, a whole number from 1 to 60: the first tick in
   * each window of this many minutes scans (1: every tick). Orphans are only reported, so a
   * sparser scan delays their report and their OrphanedInstances count by up to this long.
   * @default 5
   */
  readonly orphanScanMinutes?: number;
}

const MAX_FLEETS_PER_SECOND = 50;
const MAX_CONCURRENCY = 100;
const MAX_ORPHAN_SCAN_MINUTES = 60;

export function dispatchProblems(props: DispatchProps): string[] {
  const problems: string[] = [];
  const { fleetsPerSecond, concurrency, orphanScanMinutes } = props;
  if (fleetsPerSecond !== undefined && !(fleetsPerSecond > 0 && fleetsPerSecond <= MAX_FLEETS_PER_SECOND)) {
    problems.push(`dispatch.fleetsPerSecond: must be more than 0 and at most ${MAX_FLEETS_PER_SECOND}, got ${fleetsPerSecond}`);
  }
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= MAX_CONCURRENCY)) {
    problems.push(`dispatch.concurrency: must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${concurrency}`);
  }
  if (orphanScanMinutes !== undefined && !(Number.isInteger(orphanScanMinutes) && orphanScanMinutes >= 1 && orphanScanMinutes <= MAX_ORPHAN_SCAN_MINUTES)) {
    problems.push(`dispatch.orphanScanMinutes: must be a whole number from 1 to ${MAX_ORPHAN_SCAN_MINUTES}, got ${orphanScanMinutes}`);
  }
  return problems;
}
