import type { HistoryOwner } from './owner-connections';
import type { SqlExecutor, StateTables } from './executor';

/** Whose state the latest commit of `connectionId` wrote, as the history recorded it; `undefined` if none is kept. */
export async function selectConnectionOwner(
  db: SqlExecutor,
  tables: StateTables,
  connectionId: string,
): Promise<HistoryOwner | undefined> {
  const rows = (await db.execute(
    `select source_name, destination_name, table_prefix from ${tables.history}
      where connection_id = ? order by version desc limit 1`,
    [connectionId],
    'all',
  )) as { source_name: string; destination_name: string; table_prefix: string }[];
  const row = rows[0];
  return row
    ? {
        sourceName: row.source_name,
        destinationName: row.destination_name,
        tablePrefix: row.table_prefix,
      }
    : undefined;
}
