import type { SqlExecutor } from './executor';

/** The primary key columns of a table, in key order (empty when it has none). */
export async function selectPrimaryKey(db: SqlExecutor, qualifiedTable: string): Promise<string[]> {
  const rows = (await db.execute(
    `select a.attname as column from pg_index i
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
      where i.indrelid = ?::regclass and i.indisprimary order by array_position(i.indkey, a.attnum)`,
    [qualifiedTable],
    'all',
  )) as { column: string }[];
  return rows.map((row) => row.column);
}
