import type { SqlStateBackend } from '../backend/sql-state-backend';
import { selectCheckpoints } from '../backend/sql/stream-checkpoints';
import { streamStatesOf } from '../protocol/stream-states';
import { getStateSnapshot } from './state-snapshot';
import type { StateOwner, StreamProgress, SyncProgress } from './types';

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
  const db = backend.fork();
  const checkpoints = await selectCheckpoints(db, backend.tables, owner.connectionId);
  const epochs = await db.execute<{ epoch: string }[]>(
    `select epoch from ${backend.tables.connections} where connection_id = ?`,
    [owner.connectionId],
  );
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
    const namespace = row.stream_namespace === '' ? null : row.stream_namespace;
    const k = key(row.stream_name, namespace);
    streams.set(k, {
      name: row.stream_name,
      namespace,
      state: streams.get(k)?.state ?? null,
      checkpoint: Number(row.checkpoint),
      recordsCommitted: Number(row.records_committed),
      committedAt: new Date(row.committed_at).toISOString(),
    });
  }
  const list = sortStreams([...streams.values()]);
  const committed = list
    .map((s) => s.committedAt)
    .filter((t): t is string => t !== null)
    .sort();
  return {
    connectionId: owner.connectionId,
    sourceName: owner.sourceName,
    destinationName: owner.destinationName ?? null,
    status,
    epoch: Number(epochs[0]?.epoch ?? 0),
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
