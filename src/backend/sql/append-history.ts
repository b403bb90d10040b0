import type { SqlExecutor, StateTables } from './executor';
import { runStatement, type StatementOptions } from './run-statement';

/** Who and what a version of the history records (see `_sync_state_history`). */
export interface HistoryAudit {
  readonly operation: string;
  readonly author: string;
  readonly workflowId: string | null;
  readonly runId: string | null;
  readonly activityAttempt: number | null;
  readonly connectionId: string | null;
  readonly checkpoint: number | null;
  readonly note: string | null;
}

/** How a statement that writes or deletes state rows appends their versions to the history. */
export interface HistoryAppend {
  /** The destination of the rows, `''` for the cache table. */
  readonly destinationName: string;
  readonly tablePrefix: string;
  readonly audit: HistoryAudit;
  /** Versions kept per stream, the new one included. */
  readonly retention: number;
  /**
   * Which streams to prune down to `retention` versions in the same statement: the one stream
   * the statement writes (the cheapest prune), every stream it writes, or none this time.
   */
  readonly prune:
    | { readonly sourceName: string; readonly namespace: string; readonly streamName: string }
    | 'written'
    | 'none';
  /** The rows were deleted: record versions without state (a clear), at the database clock. */
  readonly cleared?: boolean;
  /**
   * Return the versions added, as {@link AppendedVersionRow}s (default: `true`). Plain writes say
   * `false`: the driver then parses no rows that nobody reads (~10 µs of CPU per write).
   */
  readonly returnVersions?: boolean;
}

/** A row that a wrapped statement wrote or deleted, with the version it added to the history. */
export interface AppendedVersionRow {
  readonly version: string | number;
  readonly written_at: string | Date;
  readonly stream_namespace: string;
  readonly stream_name: string;
  /** The row's state: the new one for a write, the removed one for a clear. */
  readonly state_json: string | null;
  /** When the row was last written before (a clear) or now (a write). */
  readonly last_updated: string | Date | null;
}

/** The `returning` clause that {@link withHistory} needs from the wrapped statement. */
export const RETURNING_STATE_ROWS =
  'returning source_name, stream_namespace, stream_name, state_json, last_updated';

/**
 * Wraps `statement` (an insert, upsert or delete of state rows that ends with
 * {@link RETURNING_STATE_ROWS}) into ONE statement that also appends a version per row to the
 * history and, as `history.prune` says, prunes older versions. One statement is atomic on its
 * own and costs one round trip, so a single write needs no transaction of its own. Parameters:
 * the statement's, then {@link historyParams}.
 *
 * The prune cannot see the versions the same statement adds, so it keeps `retention - 1` older
 * ones. Concurrent writers of a stream queue on the state row's lock; one that waited prunes
 * from a slightly older snapshot, which can leave a version too many, never delete too many.
 */
export function withHistory(
  tables: StateTables,
  statement: string,
  history: HistoryAppend,
): string {
  const h = tables.history;
  let prune = '';
  if (typeof history.prune === 'object') {
    const stream = `source_name = ? and destination_name = ? and table_prefix = ?
      and stream_namespace = ? and stream_name = ?`;
    prune = `, pruned as (
       delete from ${h} where ${stream} and version <= (
         select version from ${h} where ${stream} order by version desc offset ? limit 1))`;
  } else if (history.prune === 'written') {
    prune = `, pruned as (
       delete from ${h} h using (
         select old.version from written w cross join lateral (
           select x.version from ${h} x
            where x.source_name = w.source_name and x.destination_name = ? and x.table_prefix = ?
              and x.stream_namespace = w.stream_namespace and x.stream_name = w.stream_name
            order by x.version desc offset ?) old) o
        where h.version = o.version)`;
  }
  const insertVersions = `insert into ${h} (source_name, destination_name, table_prefix, stream_namespace,
         stream_name, state_json, operation, author, workflow_id, run_id, activity_attempt,
         connection_id, checkpoint, note, written_at)
       select w.source_name, ?, ?, w.stream_namespace, w.stream_name,
         ${history.cleared ? 'null' : 'w.state_json'}, ?, ?, ?, ?, ?::int, ?, ?::bigint, ?,
         ${history.cleared ? 'clock_timestamp()' : 'w.last_updated'}
         from written w`;
  if (history.returnVersions === false && !history.cleared) {
    // Data-modifying CTEs run to completion whether or not the main statement reads them.
    return `with written as (${statement})${prune} ${insertVersions}`;
  }
  const append = `with written as (${statement}),
     added as (${insertVersions}
       returning version, written_at, stream_namespace, stream_name, state_json)${prune}`;
  // A clear reports the state it removed, which only the deleted rows still hold.
  return history.cleared
    ? `${append}
     select a.version, a.written_at, w.stream_namespace, w.stream_name, w.state_json, w.last_updated
       from written w join added a
         on a.stream_namespace = w.stream_namespace and a.stream_name = w.stream_name`
    : `${append}
     select version, written_at, stream_namespace, stream_name, state_json, written_at as last_updated
       from added`;
}

/** The parameters {@link withHistory} adds after the wrapped statement's own. */
export function historyParams(history: HistoryAppend): unknown[] {
  const { audit, destinationName, tablePrefix, prune } = history;
  const insert: unknown[] = [
    destinationName,
    tablePrefix,
    audit.operation,
    audit.author,
    audit.workflowId,
    audit.runId,
    audit.activityAttempt,
    audit.connectionId,
    audit.checkpoint,
    audit.note,
  ];
  const keep = history.retention - 1;
  const pruneParams: unknown[] = [];
  if (typeof prune === 'object') {
    const stream = [
      prune.sourceName,
      destinationName,
      tablePrefix,
      prune.namespace,
      prune.streamName,
    ];
    pruneParams.push(...stream, ...stream, keep);
  } else if (prune === 'written') {
    pruneParams.push(destinationName, tablePrefix, keep);
  }
  // In the statement without returned versions, the prune comes before the insert.
  return history.returnVersions === false && !history.cleared
    ? [...pruneParams, ...insert]
    : [...insert, ...pruneParams];
}

/**
 * Runs `upsert` (an insert or upsert of `rowCount` state rows with its parameters), with the
 * history append when `history` is given, and returns the versions it added. A one-row write,
 * the one every checkpoint makes, goes as a prepared statement when `options.prepare` says so;
 * longer ones vary in text with their row count and are only bound.
 */
export async function runStateUpsert(
  db: SqlExecutor,
  tables: StateTables,
  upsert: { readonly sql: string; readonly params: readonly unknown[]; readonly rowCount: number },
  history: HistoryAppend | undefined,
  options: StatementOptions,
): Promise<AppendedVersionRow[]> {
  const prepare = options.prepare === true && upsert.rowCount === 1;
  if (!history) {
    await runStatement(db, upsert.sql, upsert.params, { ...options, prepare });
    return [];
  }
  const { rows } = await runStatement<AppendedVersionRow>(
    db,
    withHistory(tables, `${upsert.sql} ${RETURNING_STATE_ROWS}`, history),
    [...upsert.params, ...historyParams(history)],
    { ...options, prepare },
  );
  return rows;
}
