import type { SyncProgress } from '../../src/activity-bodies/types';

/** Shows a sync's live progress: one line redrawn in a terminal, a line every few seconds elsewhere. */
export class ProgressDisplay {
  private readonly startedAt = Date.now();
  private lastPrinted = 0;
  private lastLine = '';

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    /** Records expected per stream, for the bars. */
    private readonly perStream: number,
    /** The progress before this sync, if it is incremental: counts start from it. */
    private readonly before?: SyncProgress,
  ) {}

  /** Draws the progress (ignored until the sync has loaded its state). */
  update(progress: SyncProgress): void {
    if (progress.status === 'starting') return;
    const line = this.render(progress);
    if (line === this.lastLine) return;
    this.lastLine = line;
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[K${line}`);
    } else if (Date.now() - this.lastPrinted >= 2000) {
      this.out.write(`${line}\n`);
      this.lastPrinted = Date.now();
    }
  }

  /** Ends the display with the final line. */
  finish(progress: SyncProgress): void {
    const line = this.render(progress);
    this.out.write(this.out.isTTY ? `\r\x1b[K${line}\n` : `${line}\n`);
  }

  private render(progress: SyncProgress): string {
    const seconds = (Date.now() - this.startedAt) / 1000;
    const records = progress.recordsCommitted - (this.before?.recordsCommitted ?? 0);
    const batches = progress.batchesCommitted - (this.before?.batchesCommitted ?? 0);
    const streams = progress.streams
      .filter((s) => !s.name.startsWith('_'))
      .map(
        (s) =>
          `${s.name} ${bar(s.recordsCommitted / this.perStream)} ${formatCount(s.recordsCommitted)}`,
      )
      .join('  ');
    const rate = seconds > 0 ? Math.round(records / seconds) : 0;
    return `  ${streams}  | ${formatCount(records)} records in ${batches} ${batches === 1 ? 'batch' : 'batches'}, ${formatCount(rate)}/s`;
  }
}

function bar(fraction: number, width = 12): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** 120000 → `120,000`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A size in bytes for people: `812 B`, `3.4 KB`, `55.1 MB` (powers of 1,000, as Temporal counts). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
