import type { HistoryAppend } from './sql/append-history';

/**
 * Writes of a stream, per process, from one prune of its history to the next. Pruning on every
 * write would read `historyRetention` index entries each time; every 10th write keeps the history
 * append close to the cost of the bare insert, and readers never see the few extra versions.
 */
export const HISTORY_PRUNE_INTERVAL = 10;

/** Streams remembered before the schedule starts over (every stream then prunes on its next write). */
const MAX_TRACKED_STREAMS = 10_000;

/**
 * Decides which writes also prune: the first write of a stream in this process, then every
 * {@link HISTORY_PRUNE_INTERVAL}-th. A stream therefore holds at most `retention + 9` versions
 * per process that writes it, until its next prune; `getStateHistory` shows the newest
 * `retention` only.
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
    const ids = streams.map((s) =>
      JSON.stringify([
        owner.sourceName,
        owner.destinationName,
        owner.tablePrefix,
        s.namespace,
        s.streamName,
      ]),
    );
    const due = ids.some((id) => {
      const count = this.writes.get(id);
      return count === undefined || count + 1 >= HISTORY_PRUNE_INTERVAL;
    });
    for (const id of ids) this.writes.set(id, due ? 0 : (this.writes.get(id) ?? 0) + 1);
    if (!due) return 'none';
    const [only] = streams;
    return streams.length === 1 && only
      ? { sourceName: owner.sourceName, namespace: only.namespace, streamName: only.streamName }
      : 'written';
  }
}
