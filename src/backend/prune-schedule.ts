import type { HistoryAppend } from './sql/append-history';

/**
 * Writes of a stream, per process, from one prune of its history to the next: half the
 * retention. A prune reads the stream's newest `retention` index entries (~220 µs at the default
 * 100, more than the write itself), so pruning every `retention / 2` writes costs about two
 * index entries per write whatever the retention, while a stream holds at most 1.5× its
 * retention until the next prune. Readers never see the extra versions.
 */
export function historyPruneInterval(retention: number): number {
  return Math.max(1, Math.ceil(retention / 2));
}

/** Streams remembered before the schedule starts over (every stream then prunes on its next write). */
const MAX_TRACKED_STREAMS = 10_000;

/**
 * Decides which writes also prune: the first write of a stream in this process, then every
 * {@link historyPruneInterval}-th. A stream therefore holds at most
 * `retention + historyPruneInterval(retention) - 1` versions per process that writes it, until
 * its next prune; `getStateHistory` shows the newest `retention` only.
 */
export class PruneSchedule {
  private readonly writes = new Map<string, number>();

  /** The prune for a write of `streams` (of one owner), counting the write. */
  plan(
    owner: { sourceName: string; destinationName: string; tablePrefix: string },
    streams: readonly { namespace: string; streamName: string }[],
    retention: number,
  ): HistoryAppend['prune'] {
    if (!Number.isFinite(retention) || streams.length === 0) return 'none';
    if (this.writes.size > MAX_TRACKED_STREAMS) this.writes.clear();
    // Names hold no NUL (validated), so joining on it keeps ids distinct.
    const ownerId = `${owner.sourceName}\u0000${owner.destinationName}\u0000${owner.tablePrefix}`;
    const ids = streams.map((s) => `${ownerId}\u0000${s.namespace}\u0000${s.streamName}`);
    const interval = historyPruneInterval(retention);
    const due = ids.some((id) => {
      const count = this.writes.get(id);
      return count === undefined || count + 1 >= interval;
    });
    for (const id of ids) this.writes.set(id, due ? 0 : (this.writes.get(id) ?? 0) + 1);
    if (!due) return 'none';
    const [only] = streams;
    return streams.length === 1 && only
      ? { sourceName: owner.sourceName, namespace: only.namespace, streamName: only.streamName }
      : 'written';
  }
}
