/**
 * A progress bar for long simulations, on a terminal stream: redrawn in place when the stream
 * is a TTY, a line per quarter otherwise; silent for short runs.
 */

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Below this many simulated steps in all, no bar. */
export const PROGRESS_THRESHOLD = 200_000;

export function progressBar(stream: ProgressStream, label: string, now: () => number = () => performance.now()): (done: number, total: number) => void {
  const started = now();
  let shown = -1;
  return (done, total) => {
    if (total < PROGRESS_THRESHOLD) return;
    const share = Math.min(1, done / total);
    if (stream.isTTY === true) {
      const percent = Math.floor(share * 100);
      if (percent === shown) return;
      shown = percent;
      const width = 30;
      const filled = Math.round(share * width);
      const seconds = ((now() - started) / 1000).toFixed(0);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${seconds}s${share === 1 ? '\n' : ''}`);
      return;
    }
    const quarter = Math.floor(share * 4);
    if (quarter === shown) return;
    shown = quarter;
    stream.write(`${label}: ${quarter * 25}% of ${total} steps\n`);
  };
}
