import { GLOBAL_STATE_STREAM_NAMES } from '../../protocol/types';
import type { SqlExecutor, StateTables } from './executor';

/** Which rows a provider reads. */
export interface StateSelection {
  readonly sourceName: string;
  /** Read `_airbyte_destination_state` of this destination; absent: read the cache table. */
  readonly destinationName?: string | undefined;
  readonly tablePrefix: string;
  /** Keep only these streams (plus `_GLOBAL` and `_LEGACY`); absent: all streams. */
  readonly streams?: readonly string[] | undefined;
}

/** A stored row, as far as a provider needs it. */
export interface StoredStateRow {
  readonly stream_name: string;
  readonly stream_namespace: string;
  readonly state_json: string | null;
}

/**
 * Reads the state rows of one source, filtering entirely in SQL: by source, by destination,
 * by table prefix (cache rows whose `table_name` is `prefix + stream_name`, as PyAirbyte names
 * them; destination rows by their `table_prefix`), and by stream.
 */
export async function selectStates(
  db: SqlExecutor,
  tables: StateTables,
  selection: StateSelection,
): Promise<StoredStateRow[]> {
  const params: unknown[] = [];
  let where: string;
  let from: string;
  if (selection.destinationName !== undefined) {
    from = tables.destination;
    where = 'destination_name = ? and source_name = ? and table_prefix = ?';
    params.push(selection.destinationName, selection.sourceName, selection.tablePrefix);
  } else {
    from = tables.cache;
    where = 'source_name = ? and table_name = ? || stream_name';
    params.push(selection.sourceName, selection.tablePrefix);
  }
  if (selection.streams !== undefined) {
    const names = [...new Set([...selection.streams, ...GLOBAL_STATE_STREAM_NAMES])];
    where += ` and stream_name in (${names.map(() => '?').join(', ')})`;
    params.push(...names);
  }
  const rows = await db.execute(
    `select stream_name, stream_namespace, state_json from ${from} where ${where} order by stream_name, stream_namespace`,
    params,
    'all',
  );
  return rows as StoredStateRow[];
}
