import type { SqlStateBackend } from '../backend/sql-state-backend';
import { streamStatesOf } from '../protocol/stream-states';
import { getStateSnapshot } from '../activity-bodies/state-snapshot';
import type { StateOwner, StreamProgress, SyncProgress } from '../activity-bodies/types';

/**
 * Rebuilds from the database the progress that a sync workflow's query returns while it runs:
 * the same shape, for a sync that has closed (or never ran on this worker).
 */
export async function readSyncProgress(
  backend: SqlStateBackend,
  owner: StateOwner & { connectionId: string },
  status: SyncProgress['status'],
): Promise<SyncProgress> {
  const snapshot = await getStateSnapshot(backend, owner);
  const checkpoints = await backend.connections.checkpoints(owner.connectionId);
  const epoch = (await backend.connections.epoch(owner.connectionId)) ?? 0;
  const streams = new Map<string, StreamProgress>();
  const key = (name: string, namespace: string | null) => JSON.stringify([namespace ?? '', name]);
  for (const s of streamStatesOf(snapshot.messages)) {
    streams.set(key(s.name, s.namespace), {
      name: s.name,
      namespace: s.namespace,
      state: s.state,
      checkpoint: 0,
      recordsCommitted: 0,
      committedAt: null,
    });
  }
  for (const row of checkpoints) {
    const k = key(row.name, row.namespace);
    streams.set(k, { ...row, state: streams.get(k)?.state ?? null });
  }
  return {
    connectionId: owner.connectionId,
    sourceName: owner.sourceName,
    destinationName: owner.destinationName ?? null,
    status,
    epoch,
    ...progressOfStreams([...streams.values()]),
  };
}

/** The streams of a progress, sorted, with the totals over them. */
export function progressOfStreams(
  streams: StreamProgress[],
): Pick<SyncProgress, 'streams' | 'recordsCommitted' | 'batchesCommitted' | 'lastCommittedAt'> {
  const list = sortStreams(streams);
  const committed = list
    .map((s) => s.committedAt)
    .filter((t): t is string => t !== null)
    .sort();
  return {
    streams: list,
    recordsCommitted: list.reduce((sum, s) => sum + s.recordsCommitted, 0),
    batchesCommitted: list.reduce((sum, s) => sum + s.checkpoint, 0),
    lastCommittedAt: committed.at(-1) ?? null,
  };
}

/** Streams in a stable order: by namespace, then name. */
export function sortStreams<T extends { name: string; namespace: string | null }>(
  streams: T[],
): T[] {
  return streams.sort(
    (a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name),
  );
}
