import type { SqlExecutor, StateTables } from './executor';

/** The stream whose records a table holds. */
export interface TableOwner {
  readonly sourceName: string;
  /** `''` when the stream has no namespace. */
  readonly namespace: string;
  readonly streamName: string;
}

/**
 * Records `owner` as the stream of table `schema.name` unless one is recorded already, and
 * returns the recorded owner (the caller compares). Inside the commit's transaction, so that a
 * first commit that rolls back records nothing.
 */
export async function registerTableOwner(
  db: SqlExecutor,
  tables: StateTables,
  table: { readonly schema: string; readonly name: string },
  owner: TableOwner,
): Promise<TableOwner> {
  const rows = (await db.execute(
    `with added as (
       insert into ${tables.recordTables} (schema_name, table_name, source_name, stream_namespace, stream_name)
       values (?, ?, ?, ?, ?) on conflict do nothing
       returning source_name, stream_namespace, stream_name)
     select source_name, stream_namespace, stream_name from added
      union all
     select source_name, stream_namespace, stream_name from ${tables.recordTables}
      where schema_name = ? and table_name = ? and not exists (select 1 from added)`,
    [
      table.schema,
      table.name,
      owner.sourceName,
      owner.namespace,
      owner.streamName,
      table.schema,
      table.name,
    ],
    'all',
  )) as { source_name: string; stream_namespace: string; stream_name: string }[];
  const row = rows[0];
  if (!row) throw new Error('temporal-sync-state: a table owner row vanished while it was read');
  return {
    sourceName: row.source_name,
    namespace: row.stream_namespace,
    streamName: row.stream_name,
  };
}

/** Forgets the owner of a table that was dropped (a refresh's staging table, once swapped in). */
export async function forgetTableOwner(
  db: SqlExecutor,
  tables: StateTables,
  table: { readonly schema: string; readonly name: string },
): Promise<void> {
  await db.execute(
    `delete from ${tables.recordTables} where schema_name = ? and table_name = ?`,
    [table.schema, table.name],
    'run',
  );
}
