/**
 * @file A one-line terminal progress bar: items/s, loss, accuracy and ETA, redrawn in place on a TTY and
 * printed sparsely (every ~10%) when the output is a file or a pipe, so logs stay readable.
 */

export type ProgressStats = { readonly loss?: number; readonly accuracy?: number };

export type ProgressSink = { readonly isTTY?: boolean; write(chunk: string): unknown };

const fmtTime = (s: number): string => {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  const r = Math.round(s % 60);
  return `${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}`;
};

/** Formats one progress line (exported for tests). */
export function progressLine(
  label: string,
  done: number,
  total: number,
  seconds: number,
  stats: ProgressStats,
  width = 24,
): string {
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(frac * width);
  const rate = seconds > 0 ? done / seconds : 0;
  const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
  const parts = [
    `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(done).padStart(String(total).length)}/${total}`,
    `${rate.toFixed(0)} items/s`,
    stats.loss === undefined ? '' : `loss ${stats.loss.toFixed(4)}`,
    stats.accuracy === undefined ? '' : `acc ${(stats.accuracy * 100).toFixed(2)}%`,
    done >= total ? `${fmtTime(seconds)}` : `ETA ${fmtTime(eta)}`,
  ];
  return parts.filter((p) => p !== '').join('  ');
}

/** A progress bar writing to `sink` (default stderr). */
export class ProgressBar {
  private readonly start = performance.now();
  private lastDecile = -1;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly sink: ProgressSink = process.stderr,
  ) {}

  update(done: number, stats: ProgressStats = {}): void {
    const line = progressLine(this.label, done, this.total, (performance.now() - this.start) / 1000, stats);
    if (this.sink.isTTY) {
      this.sink.write(`\r${line}\u001b[K`);
      return;
    }
    const decile = Math.floor((10 * done) / Math.max(1, this.total));
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      this.sink.write(`${line}\n`);
    }
  }

  /** Clears the in-place line on a TTY. */
  finish(): void {
    if (this.sink.isTTY) this.sink.write('\r\u001b[K');
  }
}
