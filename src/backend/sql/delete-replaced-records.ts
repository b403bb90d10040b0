import type { SqlExecutor } from './executor';

/**
 * Deletes the rows of a `replace` table that an earlier sync wrote: the rows this sync commits
 * replace them. Returns how many went.
 */
export async function deleteReplacedRecords(
  db: SqlExecutor,
  qualifiedTable: string,
  syncId: string,
): Promise<number> {
  const result = (await db.execute(
    `delete from ${qualifiedTable} where _airbyte_sync_id <> ?`,
    [syncId],
    'run',
  )) as { affectedRows: number };
  return result.affectedRows;
}
