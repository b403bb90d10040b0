import { progressOfStreams } from './read-progress';
import type { StreamProgress, SyncProgress } from '../activity-bodies/types';

/**
 * A running sync's progress that is never older than the database: `live` (the workflow's query
 * answer) with, per stream, the database's entry (`stored`, read after the query) wherever its
 * checkpoint is newer, state and counts included. The query lags whenever a commit has landed
 * that the workflow has not heard of yet: a worker killed between the commit and the activity's
 * completion, a connector activity between two progress reports.
 */
export function mergeSyncProgress(live: SyncProgress, stored: SyncProgress): SyncProgress {
  const key = (s: StreamProgress) => JSON.stringify([s.namespace ?? '', s.name]);
  const streams = new Map(live.streams.map((s) => [key(s), s]));
  let newer = false;
  for (const s of stored.streams) {
    if (s.checkpoint <= (streams.get(key(s))?.checkpoint ?? 0)) continue;
    streams.set(key(s), s);
    newer = true;
  }
  if (!newer) return live;
  return { ...live, ...progressOfStreams([...streams.values()]) };
}
