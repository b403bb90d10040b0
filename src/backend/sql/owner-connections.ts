import type { SqlExecutor, StateTables } from './executor';

/** Whose state: a source, at a destination (`''`: the cache), under a table prefix. */
export interface HistoryOwner {
  readonly sourceName: string;
  readonly destinationName: string;
  readonly tablePrefix: string;
}

/**
 * The connections whose commits wrote state of `owner`, as the history recorded them: the
 * connections a change of that state concerns. Newest commit first.
 */
export async function selectOwnerConnections(
  db: SqlExecutor,
  tables: StateTables,
  owner: HistoryOwner,
): Promise<string[]> {
  const rows = (await db.execute(
    `select connection_id from ${tables.history}
      where source_name = ? and destination_name = ? and table_prefix = ? and connection_id is not null
      group by connection_id order by max(version) desc`,
    [owner.sourceName, owner.destinationName, owner.tablePrefix],
    'all',
  )) as { connection_id: string }[];
  return rows.map((row) => row.connection_id);
}
