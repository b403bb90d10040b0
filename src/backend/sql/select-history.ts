import type { SqlExecutor, StateTables } from './executor';

/** A `_sync_state_history` row. */
export interface HistoryRow {
  readonly version: string | number;
  readonly source_name: string;
  readonly destination_name: string;
  readonly table_prefix: string;
  readonly stream_namespace: string;
  readonly stream_name: string;
  readonly state_json: string | null;
  readonly operation: string;
  readonly author: string;
  readonly workflow_id: string | null;
  readonly run_id: string | null;
  readonly activity_attempt: string | number | null;
  readonly connection_id: string | null;
  readonly checkpoint: string | number | null;
  readonly note: string | null;
  readonly written_at: string | Date;
}

/** Which versions to read; every field narrows the selection. */
export interface HistorySelection {
  readonly sourceName?: string;
  /** `''` for the cache state. */
  readonly destinationName?: string;
  readonly tablePrefix?: string;
  readonly streamName?: string;
  readonly namespace?: string;
  /** This version only. */
  readonly version?: number;
  /**
   * Versions written at or before this time, compared to the millisecond (a `Date`'s precision,
   * and the history's as it prints times): `written_at` holds microseconds, and a version written
   * at 12:00:00.123456 is written at 12:00:00.123 as far as this filter is concerned.
   */
  readonly writtenAtOrBefore?: Date;
  /**
   * Only the newest `retention` versions of each stream: writers prune every few writes, so a
   * stream may briefly hold a few more, which no reader should see. `Infinity`: all.
   */
  readonly retention: number;
  /** At most this many, newest first. */
  readonly limit?: number;
}

const STREAM_KEY = 'source_name, destination_name, table_prefix, stream_namespace, stream_name';

/** Reads versions from the history, newest first. */
export async function selectHistory(
  db: SqlExecutor,
  tables: StateTables,
  selection: HistorySelection,
): Promise<HistoryRow[]> {
  // Filters on the stream go inside the ranking, filters on versions outside it.
  const inner: string[] = [];
  const innerParams: unknown[] = [];
  const outer: string[] = [];
  const outerParams: unknown[] = [];
  const filter = (where: string[], sql: string, value: unknown) => {
    where.push(sql);
    (where === inner ? innerParams : outerParams).push(value);
  };
  if (selection.sourceName !== undefined) filter(inner, 'source_name = ?', selection.sourceName);
  if (selection.destinationName !== undefined)
    filter(inner, 'destination_name = ?', selection.destinationName);
  if (selection.tablePrefix !== undefined) filter(inner, 'table_prefix = ?', selection.tablePrefix);
  if (selection.streamName !== undefined) filter(inner, 'stream_name = ?', selection.streamName);
  if (selection.namespace !== undefined) filter(inner, 'stream_namespace = ?', selection.namespace);
  if (selection.version !== undefined) {
    // Rank the version among the versions of its own stream only.
    filter(
      inner,
      `(${STREAM_KEY}) = (select ${STREAM_KEY} from ${tables.history} where version = ?)`,
      selection.version,
    );
    filter(outer, 'version = ?', selection.version);
  }
  if (selection.writtenAtOrBefore !== undefined)
    filter(
      outer,
      `written_at < ?::timestamptz + interval '1 millisecond'`,
      selection.writtenAtOrBefore.toISOString(),
    );
  let sql = `select * from ${tables.history}`;
  if (inner.length > 0) sql += ` where ${inner.join(' and ')}`;
  if (Number.isFinite(selection.retention)) {
    sql = `select * from (
      select h.*, row_number() over (partition by ${STREAM_KEY} order by version desc) as newest
        from (${sql}) h) ranked`;
    filter(outer, 'newest <= ?', selection.retention);
  }
  sql = `select * from (${sql}) selected`;
  if (outer.length > 0) sql += ` where ${outer.join(' and ')}`;
  sql += ' order by version desc';
  if (selection.limit !== undefined) {
    sql += ' limit ?';
    outerParams.push(selection.limit);
  }
  return (await db.execute(sql, [...innerParams, ...outerParams], 'all')) as HistoryRow[];
}
