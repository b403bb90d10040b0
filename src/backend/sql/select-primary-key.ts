import type { SqlExecutor } from './executor';

/**
 * The primary key columns of `schema.name`, in key order (empty when it has none). The table is
 * found by its names, not by `'…'::regclass` text, which would have to spell them as SQL does.
 */
export async function selectPrimaryKey(
  db: SqlExecutor,
  table: { readonly schema: string; readonly name: string },
): Promise<string[]> {
  const rows = (await db.execute(
    `select a.attname as column from pg_index i
       join pg_class c on c.oid = i.indrelid
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
      where n.nspname = ? and c.relname = ? and i.indisprimary
      order by array_position(i.indkey, a.attnum)`,
    [table.schema, table.name],
    'all',
  )) as { column: string }[];
  return rows.map((row) => row.column);
}
