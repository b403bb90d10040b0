import type { SqlExecutor, StateTables } from './executor';

/** How a refresh treats the rows of older generations: delete them at its end, or keep them. */
export type RefreshMode = 'remove' | 'retain';

/** The generation row of one stream of a connection (`_sync_state_generations`). */
export interface StreamGenerationRow {
  /** `''` when the stream has no namespace. */
  readonly namespace: string;
  readonly streamName: string;
  /** The generation of the records written now. */
  readonly generationId: number;
  /** The lowest generation the stream's table keeps once the running refresh ends (0: all). */
  readonly minimumGenerationId: number;
  /** A refresh requested or running; `null` when none is. */
  readonly refresh: RefreshMode | null;
  /** The sync that started the refresh; `null` while the refresh waits for a sync to start it. */
  readonly refreshSyncId: string | null;
  /** The last sync that read the stream. */
  readonly syncId: string | null;
  /** Its number among the connection's syncs (the protocol's integer `sync_id`). */
  readonly syncNumber: number;
}

interface Row {
  stream_namespace: string;
  stream_name: string;
  generation_id: string | number;
  minimum_generation_id: string | number;
  refresh: RefreshMode | null;
  refresh_sync_id: string | null;
  sync_id: string | null;
  sync_number: string | number;
}

const COLUMNS =
  'stream_namespace, stream_name, generation_id, minimum_generation_id, refresh, refresh_sync_id, sync_id, sync_number';

/**
 * The generation rows of a connection's streams, locked until the transaction ends when `lock`
 * (a commit compares them with what its run read, and writes them).
 */
export async function selectStreamGenerations(
  db: SqlExecutor,
  tables: StateTables,
  connectionId: string,
  lock = false,
): Promise<StreamGenerationRow[]> {
  const rows = (await db.execute(
    `select ${COLUMNS} from ${tables.generations} where connection_id = ?
      order by stream_namespace, stream_name${lock ? ' for update' : ''}`,
    [connectionId],
    'all',
  )) as Row[];
  return rows.map(toRow);
}

/** Writes the generation row of one stream of a connection (inserted or replaced). */
export async function saveStreamGeneration(
  db: SqlExecutor,
  tables: StateTables,
  connectionId: string,
  row: StreamGenerationRow,
): Promise<void> {
  await db.execute(
    `insert into ${tables.generations} (connection_id, ${COLUMNS}, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp())
     on conflict (connection_id, stream_namespace, stream_name) do update
       set generation_id = excluded.generation_id, minimum_generation_id = excluded.minimum_generation_id,
           refresh = excluded.refresh, refresh_sync_id = excluded.refresh_sync_id,
           sync_id = excluded.sync_id, sync_number = excluded.sync_number, updated_at = excluded.updated_at`,
    [
      connectionId,
      row.namespace,
      row.streamName,
      row.generationId,
      row.minimumGenerationId,
      row.refresh,
      row.refreshSyncId,
      row.syncId,
      row.syncNumber,
    ],
    'run',
  );
}

/**
 * Requests a refresh of streams of a connection: each one's generation goes up by one, its
 * minimum becomes that generation (`remove`) or 0 (`retain`), and the refresh waits for the next
 * attempt of a sync to start it. Returns the rows as they now are.
 */
export async function requestStreamRefresh(
  db: SqlExecutor,
  tables: StateTables,
  connectionId: string,
  streams: readonly { readonly namespace: string; readonly name: string }[],
  mode: RefreshMode,
): Promise<StreamGenerationRow[]> {
  if (streams.length === 0) return [];
  const params: unknown[] = [];
  const minimum = mode === 'remove' ? 1 : 0;
  const values = streams.map((stream) => {
    params.push(connectionId, stream.namespace, stream.name, minimum, mode);
    return '(?, ?, ?, 1, ?, ?, clock_timestamp())';
  });
  const rows = (await db.execute(
    `insert into ${tables.generations} as g
       (connection_id, stream_namespace, stream_name, generation_id, minimum_generation_id, refresh, updated_at)
     values ${values.join(', ')}
     on conflict (connection_id, stream_namespace, stream_name) do update
       set generation_id = g.generation_id + 1,
           minimum_generation_id = case when excluded.refresh = 'remove' then g.generation_id + 1 else 0 end,
           refresh = excluded.refresh, refresh_sync_id = null, updated_at = excluded.updated_at
     returning ${COLUMNS}`,
    params,
    'all',
  )) as Row[];
  return rows.map(toRow);
}

/** Deletes the rows a sync wrote into a table in one generation (an append stream read again). */
export async function deleteSyncRecords(
  db: SqlExecutor,
  qualifiedTable: string,
  syncId: string,
  generationId: number,
): Promise<number> {
  const result = (await db.execute(
    `delete from ${qualifiedTable} where _airbyte_sync_id = ? and _airbyte_generation_id = ?`,
    [syncId, generationId],
    'run',
  )) as { affectedRows: number };
  return result.affectedRows;
}

function toRow(row: Row): StreamGenerationRow {
  return {
    namespace: row.stream_namespace,
    streamName: row.stream_name,
    generationId: Number(row.generation_id),
    minimumGenerationId: Number(row.minimum_generation_id),
    refresh: row.refresh,
    refreshSyncId: row.refresh_sync_id,
    syncId: row.sync_id,
    syncNumber: Number(row.sync_number),
  };
}
