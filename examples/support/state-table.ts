import type { SyncProgress } from '../../src/activity-bodies/types';
import { formatCount } from './progress-display';

/** The final state of a sync, one row per stream: records, checkpoints, cursor, last commit. */
export function renderStateTable(progress: SyncProgress): string {
  const header = ['stream', 'records', 'checkpoint', 'cursor (stream_state)', 'last commit'];
  const rows = progress.streams.map((s) => [
    s.namespace ? `${s.namespace}.${s.name}` : s.name,
    formatCount(s.recordsCommitted),
    String(s.checkpoint),
    s.state ? JSON.stringify(s.state) : '-',
    s.committedAt ?? '-',
  ]);
  return renderTable(header, rows);
}

/** A plain text table with aligned columns. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
