import { InvalidInputError } from '../../errors';
import { selectPrimaryKey } from './select-primary-key';
import { quoteIdent, type SqlExecutor } from './executor';

/** The layout of a destination table of connector records. */
export interface DestinationTableLayout {
  readonly schema: string;
  readonly name: string;
  /** Data columns and their PostgreSQL types (validated names; types from a fixed list). */
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  /** Primary key columns; empty for tables that records are appended to. */
  readonly primaryKey: readonly string[];
}

/** The quoted, schema-qualified name of a destination table. */
export function destinationTableName(table: { schema: string; name: string }): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

/**
 * Creates a destination table in the style of PyAirbyte's cache tables (one column per top-level
 * property, then `_airbyte_raw_id`, `_airbyte_extracted_at`, `_airbyte_meta`, plus our
 * `_airbyte_sync_id` and Airbyte's `_airbyte_generation_id`), or adds the columns a newer schema
 * has, as PyAirbyte does.
 * An existing table must have the same primary key (none for append and replace). Runs under an
 * advisory lock so that concurrent first runs cannot race on the DDL.
 */
export async function ensureDestinationTable(
  db: SqlExecutor,
  table: DestinationTableLayout,
): Promise<void> {
  const qualified = destinationTableName(table);
  await db.execute(
    'select pg_advisory_xact_lock(hashtext(?))',
    [`temporal-sync-state:table:${qualified}`],
    'run',
  );
  const schemas = (await db.execute(
    'select 1 from pg_namespace where nspname = ?',
    [table.schema],
    'all',
  )) as unknown[];
  if (schemas.length === 0)
    await db.execute(`create schema if not exists ${quoteIdent(table.schema)}`, [], 'run');
  const columns = table.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`);
  const key =
    table.primaryKey.length > 0
      ? [`primary key (${table.primaryKey.map(quoteIdent).join(', ')})`]
      : [];
  await db.execute(
    `create table if not exists ${qualified} (
       ${[
         ...columns,
         '_airbyte_raw_id text not null',
         '_airbyte_extracted_at timestamptz not null',
         `_airbyte_meta jsonb not null default '{}'`,
         '_airbyte_sync_id text not null',
         '_airbyte_generation_id bigint',
         ...key,
       ].join(',\n       ')})`,
    [],
    'run',
  );
  // Tables from before generations get the column too; their old rows keep null, as Airbyte's do.
  await db.execute(
    `alter table ${qualified} ${[...columns, '_airbyte_generation_id bigint']
      .map((c) => `add column if not exists ${c}`)
      .join(', ')}`,
    [],
    'run',
  );
  const existing = await selectPrimaryKey(db, table);
  if (existing.join('\u0000') !== table.primaryKey.join('\u0000')) {
    throw new InvalidInputError(
      'writeStrategy',
      `the layout of the existing table ${qualified}: ${
        existing.length > 0
          ? `primary key (${existing.join(', ')}), i.e. merge`
          : 'no primary key, i.e. append or replace'
      }; drop the table to change it`,
      table.primaryKey.length > 0
        ? `merge on (${table.primaryKey.join(', ')})`
        : 'append or replace',
    );
  }
}
