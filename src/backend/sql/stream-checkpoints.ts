import type { SqlExecutor, StateTables } from './executor';

/** The key of a checkpoint: a stream of a connection. */
export interface CheckpointKey {
  readonly connectionId: string;
  readonly namespace: string;
  readonly streamName: string;
}

/** A stream's committed checkpoint, as the commit path needs it. */
export interface StreamCheckpoint {
  readonly checkpoint: number;
  readonly recordsCommitted: number;
  readonly committedAt: string;
}

/**
 * Locks the checkpoint row of one stream until the transaction ends, creating it at 0 if new,
 * and returns the last committed checkpoint. Concurrent commits of a stream queue here.
 */
export async function lockStreamCheckpoint(
  db: SqlExecutor,
  tables: StateTables,
  key: CheckpointKey,
): Promise<StreamCheckpoint> {
  const params = [key.connectionId, key.namespace, key.streamName];
  await db.execute(
    `insert into ${tables.checkpoints} (connection_id, stream_namespace, stream_name, checkpoint) values (?, ?, ?, 0)
     on conflict do nothing`,
    params,
    'run',
  );
  const rows = (await db.execute(
    `select checkpoint, records_committed, committed_at from ${tables.checkpoints}
      where connection_id = ? and stream_namespace = ? and stream_name = ? for update`,
    params,
    'all',
  )) as CheckpointRow[];
  return toStreamCheckpoint(rows[0]);
}

/** Records a commit on the (locked) checkpoint row and returns the row as it now is. */
export async function saveStreamCheckpoint(
  db: SqlExecutor,
  tables: StateTables,
  key: CheckpointKey,
  commit: { checkpoint: number; epoch: number | undefined; records: number },
): Promise<StreamCheckpoint> {
  const rows = (await db.execute(
    `update ${tables.checkpoints}
        set checkpoint = ?, epoch = ?, records_committed = records_committed + ?, committed_at = clock_timestamp()
      where connection_id = ? and stream_namespace = ? and stream_name = ?
      returning checkpoint, records_committed, committed_at`,
    [
      commit.checkpoint,
      commit.epoch ?? null,
      commit.records,
      key.connectionId,
      key.namespace,
      key.streamName,
    ],
    'all',
  )) as CheckpointRow[];
  return toStreamCheckpoint(rows[0]);
}

function toStreamCheckpoint(row: CheckpointRow | undefined): StreamCheckpoint {
  if (!row)
    throw new Error('temporal-sync-state: the checkpoint row vanished inside its own transaction');
  return {
    checkpoint: Number(row.checkpoint),
    recordsCommitted: Number(row.records_committed),
    committedAt: new Date(row.committed_at).toISOString(),
  };
}

/** A stored checkpoint row. */
export interface CheckpointRow {
  readonly stream_namespace: string;
  readonly stream_name: string;
  readonly checkpoint: string | number;
  readonly records_committed: string | number;
  readonly committed_at: string | Date;
}

/** The committed checkpoints of every stream of a connection (streams never committed are absent). */
export async function selectCheckpoints(
  db: SqlExecutor,
  tables: StateTables,
  connectionId: string,
): Promise<CheckpointRow[]> {
  return (await db.execute(
    `select stream_namespace, stream_name, checkpoint, records_committed, committed_at from ${tables.checkpoints}
      where connection_id = ? and checkpoint > 0 order by stream_name, stream_namespace`,
    [connectionId],
    'all',
  )) as CheckpointRow[];
}
