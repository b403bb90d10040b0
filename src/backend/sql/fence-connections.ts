import type { SqlExecutor, StateTables } from './executor';

/**
 * Raises the epoch of each of `connectionIds` that has been claimed, and makes `owner` its owner,
 * so that a run that started before now can commit no more (its commits fail as stale) and cannot
 * write its older state over a change made now. The next run claims the connection as usual.
 * Returns the connections it fenced.
 */
export async function fenceConnections(
  db: SqlExecutor,
  tables: StateTables,
  connectionIds: readonly string[],
  owner: string,
): Promise<string[]> {
  if (connectionIds.length === 0) return [];
  const rows = (await db.execute(
    `update ${tables.connections}
        set epoch = epoch + 1, owner = ?, claimed_at = clock_timestamp()
      where connection_id in (${connectionIds.map(() => '?').join(', ')})
      returning connection_id`,
    [owner, ...connectionIds],
    'all',
  )) as { connection_id: string }[];
  return rows.map((row) => row.connection_id).sort();
}
