import { InvalidInputError } from '../../errors';
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
 *
 * The key holds `table_name` (table prefix + stream name, PyAirbyte's key), so prefix `ab` with
 * stream `c` and prefix `a` with stream `bc` name one row. A write never takes the row of
 * another stream: the whole statement fails, nothing is written or recorded, and the failure
 * becomes an {@link InvalidInputError} naming both streams.
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
  // SQL has no RAISE: a failing cast aborts the statement, carrying the names in its message.
  const upsert = `insert into ${tables.cache} as stored (source_name, stream_namespace, table_name, stream_name, state_json, last_updated)
     values ${values.join(', ')}
     on conflict (source_name, stream_namespace, table_name) do update
       set stream_name = case when stored.stream_name = excluded.stream_name then excluded.stream_name
             else ('${TAKEN}' || json_build_array(stored.stream_name, excluded.stream_name, excluded.table_name)::text)::int::text end,
           state_json = excluded.state_json, last_updated = excluded.last_updated`;
  try {
    return await runStateUpsert(
      db,
      tables,
      { sql: upsert, params, rowCount: rows.length },
      history,
      options,
    );
  } catch (error) {
    throw tableNameTaken(error, rows[0]?.sourceName ?? '') ?? error;
  }
}

/** Marks the failure of a write that would have taken another stream's row. */
const TAKEN = 'temporal-sync-state:table_name_taken:';

/** The named error for a failure of the guard above, or `undefined` for any other failure. */
function tableNameTaken(error: unknown, sourceName: string): InvalidInputError | undefined {
  const message = error instanceof Error ? error.message : '';
  const found = new RegExp(`${TAKEN}(\\[.*\\])"`, 's').exec(message);
  if (!found?.[1]) return undefined;
  const [owner, stream, tableName] = JSON.parse(found[1]) as [string | null, string, string];
  const prefix = tableName.slice(0, tableName.length - stream.length);
  const holder =
    owner !== null && tableName.endsWith(owner)
      ? `the state of stream "${owner}" (table prefix "${tableName.slice(0, tableName.length - owner.length)}") of source "${sourceName}"`
      : `a row of source "${sourceName}" with stream name ${JSON.stringify(owner)}`;
  return new InvalidInputError(
    'tablePrefix',
    `a table prefix and stream whose table_name (prefix + stream, PyAirbyte's key of _airbyte_state) is no other stream's: "${tableName}" holds ${holder}`,
    `table prefix "${prefix}" with stream "${stream}"; nothing was written`,
  );
}
