import { type AppendedVersionRow, type HistoryAppend, runStateUpsert } from './append-history';
import type { StatementOptions } from './run-statement';
import type { SqlExecutor, StateTables } from './executor';

/** One `_airbyte_destination_state` row to write. */
export interface DestinationStateRow {
  readonly destinationName: string;
  readonly sourceName: string;
  readonly tablePrefix: string;
  readonly namespace: string;
  readonly streamName: string;
  readonly json: string;
}

/**
 * Writes destination state rows in one atomic statement (see `upsertCacheStates`).
 * Keys must be unique within `rows`. With `history`, the same statement appends a version per
 * row to the history, and returns them.
 */
export async function upsertDestinationStates(
  db: SqlExecutor,
  tables: StateTables,
  rows: readonly DestinationStateRow[],
  history?: HistoryAppend,
  options: StatementOptions = {},
): Promise<AppendedVersionRow[]> {
  if (rows.length === 0) return [];
  const params: unknown[] = [];
  const values = rows.map((row) => {
    params.push(
      row.destinationName,
      row.sourceName,
      row.tablePrefix,
      row.namespace,
      row.streamName,
      row.json,
    );
    return '(?, ?, ?, ?, ?, ?, clock_timestamp())';
  });
  const upsert = `insert into ${tables.destination}
       (destination_name, source_name, table_prefix, stream_namespace, stream_name, state_json, last_updated)
     values ${values.join(', ')}
     on conflict (destination_name, source_name, table_prefix, stream_namespace, stream_name) do update
       set state_json = excluded.state_json, last_updated = excluded.last_updated`;
  return runStateUpsert(
    db,
    tables,
    { sql: upsert, params, rowCount: rows.length },
    history,
    options,
  );
}
