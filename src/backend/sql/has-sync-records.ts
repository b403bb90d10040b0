import type { SqlExecutor } from './executor';

/** Whether a destination table holds a row that the sync `syncId` wrote. */
export async function hasSyncRecords(
  db: SqlExecutor,
  qualifiedTable: string,
  syncId: string,
): Promise<boolean> {
  const rows = (await db.execute(
    `select exists (select 1 from ${qualifiedTable} where _airbyte_sync_id = ?) as found`,
    [syncId],
    'all',
  )) as { found: boolean }[];
  return rows[0]?.found === true;
}
