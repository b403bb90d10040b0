import { quoteIdent, type SqlExecutor } from './executor';

/** The two tables of a refresh that removes older generations, and what the swap keeps. */
export interface StagingSwap {
  /** The stream's table, quoted and schema-qualified. */
  readonly target: string;
  /** The refresh's staging table (same layout), quoted and schema-qualified; dropped by the swap. */
  readonly staging: string;
  /** Data columns (validated names), the same in both. */
  readonly columns: readonly string[];
  /** Primary key columns; empty for tables without one. */
  readonly primaryKey: readonly string[];
  /** Rows of older generations (and rows from before generations) are deleted. */
  readonly minimumGenerationId: number;
}

/**
 * Puts a completed refresh in place, inside the caller's transaction: deletes the target's rows
 * of generations below the minimum and moves the staging table's rows in (the caller then drops
 * the staging table). Readers see the old rows until the transaction commits, then
 * the new ones; the target keeps its identity (views, grants). Returns the rows deleted and moved.
 */
export async function swapStagingTable(
  db: SqlExecutor,
  swap: StagingSwap,
): Promise<{ readonly deleted: number; readonly moved: number }> {
  const deleted = (await db.execute(
    `delete from ${swap.target} where coalesce(_airbyte_generation_id, -1) < ?`,
    [swap.minimumGenerationId],
    'run',
  )) as { affectedRows: number };
  const names = [
    ...swap.columns.map(quoteIdent),
    '_airbyte_raw_id',
    '_airbyte_extracted_at',
    '_airbyte_meta',
    '_airbyte_sync_id',
    '_airbyte_generation_id',
  ];
  const keys = swap.primaryKey.map(quoteIdent);
  const upsert =
    keys.length === 0
      ? ''
      : ` on conflict (${keys.join(', ')}) do update set ${names
          .filter((name) => !keys.includes(name))
          .map((name) => `${name} = excluded.${name}`)
          .join(', ')}`;
  const list = names.join(', ');
  const moved = (await db.execute(
    `insert into ${swap.target} (${list}) select ${list} from ${swap.staging}${upsert}`,
    [],
    'run',
  )) as { affectedRows: number };
  return { deleted: deleted.affectedRows, moved: moved.affectedRows };
}

/** Empties a staging table whose rows a fresh read replaces (it exists: the run prepared it). */
export async function truncateTable(db: SqlExecutor, qualifiedTable: string): Promise<void> {
  await db.execute(`truncate table ${qualifiedTable}`, [], 'run');
}

/** Drops a table if it exists. */
export async function dropTableIfExists(db: SqlExecutor, qualifiedTable: string): Promise<void> {
  await db.execute(`drop table if exists ${qualifiedTable}`, [], 'run');
}
