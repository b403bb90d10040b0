import { type AppendedVersionRow, type HistoryAppend, runStateUpsert } from './append-history';
import type { StatementOptions } from './run-statement';
import type { SqlExecutor, StateTables } from './executor';

/** One `_airbyte_state` row to write. */
export interface CacheStateRow {
  readonly sourceName: string;
  readonly streamName: string;
  readonly namespace: string;
  readonly tableName: string;
  readonly json: string;
}

/**
 * Writes cache state rows in one atomic statement: a row replaces the previous one with the
 * same key, with no moment at which the stream has no state (PyAirbyte deletes, commits, then
 * inserts). `last_updated` comes from the database clock. Keys must be unique within `rows`.
 * With `history`, the same statement appends a version per row to the history, and returns them.
 */
export async function upsertCacheStates(
  db: SqlExecutor,
  tables: StateTables,
  rows: readonly CacheStateRow[],
  history?: HistoryAppend,
  options: StatementOptions = {},
): Promise<AppendedVersionRow[]> {
  if (rows.length === 0) return [];
  const params: unknown[] = [];
  const values = rows.map((row) => {
    params.push(row.sourceName, row.namespace, row.tableName, row.streamName, row.json);
    return '(?, ?, ?, ?, ?, clock_timestamp())';
  });
  const upsert = `insert into ${tables.cache} (source_name, stream_namespace, table_name, stream_name, state_json, last_updated)
     values ${values.join(', ')}
     on conflict (source_name, stream_namespace, table_name) do update
       set stream_name = excluded.stream_name, state_json = excluded.state_json, last_updated = excluded.last_updated`;
  return runStateUpsert(
    db,
    tables,
    { sql: upsert, params, rowCount: rows.length },
    history,
    options,
  );
}
