import {
  type AppendedVersionRow,
  type HistoryAppend,
  historyParams,
  RETURNING_STATE_ROWS,
  withHistory,
} from './append-history';
import type { SqlExecutor, StateTables } from './executor';

/** The state rows of one owner to delete. */
export interface StateDeletion {
  readonly sourceName: string;
  /** Delete `_airbyte_destination_state` rows of this destination; absent: the cache table's. */
  readonly destinationName?: string | undefined;
  readonly tablePrefix: string;
  /** Only these streams (by exact namespace, `''` for none); absent: every stream of the owner. */
  readonly streams?: readonly { readonly name: string; readonly namespace: string }[];
}

/**
 * Deletes state rows (it never blanks them: a connector cannot read an empty state) and, in the
 * same statement, appends a version without state per deleted row, so a clear is audited and can
 * be rolled back. Returns the deleted rows, with their state and the version of their clear.
 */
export async function deleteStates(
  db: SqlExecutor,
  tables: StateTables,
  deletion: StateDeletion,
  history: HistoryAppend,
): Promise<AppendedVersionRow[]> {
  const params: unknown[] = [];
  let statement: string;
  if (deletion.destinationName === undefined) {
    statement = `delete from ${tables.cache} where source_name = ? and table_name = ? || stream_name`;
    params.push(deletion.sourceName, deletion.tablePrefix);
  } else {
    statement = `delete from ${tables.destination}
      where destination_name = ? and source_name = ? and table_prefix = ?`;
    params.push(deletion.destinationName, deletion.sourceName, deletion.tablePrefix);
  }
  if (deletion.streams !== undefined) {
    if (deletion.streams.length === 0) return [];
    statement += ` and (stream_namespace, stream_name) in (${deletion.streams.map(() => '(?, ?)').join(', ')})`;
    for (const stream of deletion.streams) params.push(stream.namespace, stream.name);
  }
  return (await db.execute(
    withHistory(tables, `${statement} ${RETURNING_STATE_ROWS}`, { ...history, cleared: true }),
    [...params, ...historyParams(history)],
    'all',
  )) as AppendedVersionRow[];
}
