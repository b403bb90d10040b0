import { InvalidInputError } from '../../errors';
import { selectPrimaryKey } from './select-primary-key';
import { quoteIdent, type SqlExecutor } from './executor';
import { runStatement } from './run-statement';

/** A destination table of stream records. */
export interface StreamTable {
  readonly schema: string;
  readonly name: string;
  readonly primaryKey: readonly string[];
}

/** The quoted, schema-qualified name of a stream table. */
export function qualifiedTableName(table: StreamTable): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

/**
 * Creates the stream's table if missing, in the layout of PyAirbyte's cache tables: the primary
 * key columns (as text), the record as jsonb, and the `_airbyte_` bookkeeping columns. An
 * existing table must have the same primary key. Runs under an advisory lock so that two first
 * commits of one stream cannot race on the DDL.
 */
export async function ensureStreamTable(db: SqlExecutor, table: StreamTable): Promise<void> {
  const qualified = qualifiedTableName(table);
  await db.execute(
    'select pg_advisory_xact_lock(hashtext(?))',
    [`temporal-sync-state:table:${qualified}`],
    'run',
  );
  const keyColumns = table.primaryKey
    .map((column) => `${quoteIdent(column)} text not null`)
    .join(', ');
  await db.execute(
    `create table if not exists ${qualified} (
       ${keyColumns},
       _airbyte_raw_id uuid not null default gen_random_uuid(),
       _airbyte_extracted_at timestamptz not null default clock_timestamp(),
       _airbyte_checkpoint bigint not null,
       _airbyte_data jsonb not null,
       primary key (${table.primaryKey.map(quoteIdent).join(', ')}))`,
    [],
    'run',
  );
  const existing = await selectPrimaryKey(db, table);
  if (existing.join('\u0000') !== table.primaryKey.join('\u0000')) {
    throw new InvalidInputError(
      'primaryKey',
      `the primary key of the existing table ${qualified}: (${existing.join(', ')})`,
      `(${table.primaryKey.join(', ')})`,
    );
  }
}

/**
 * Upserts records by primary key in one statement, all records travelling as one jsonb
 * parameter. When a batch holds one key twice, its last record wins (as if upserted in order).
 */
export async function upsertStreamRecords(
  db: SqlExecutor,
  table: StreamTable,
  records: readonly object[],
  checkpoint: number,
): Promise<number> {
  if (records.length === 0) return 0;
  const keys = table.primaryKey.map(quoteIdent);
  // The batch's own columns carry reserved `_airbyte_` names, which no key column may have
  // (checkPrimaryKey), so a key named `value` or `ordinality` cannot be ambiguous.
  const extract = keys.map((key) => `r._airbyte_record ->> ? as ${key}`).join(', ');
  // ~300 KB of record JSON per batch: bound, not pasted into the SQL (see runStatement).
  const { rowCount } = await runStatement(
    db,
    `insert into ${qualifiedTableName(table)} (${keys.join(', ')}, _airbyte_checkpoint, _airbyte_data)
     select distinct on (${keys.join(', ')}) ${keys.join(', ')}, ?::bigint, _airbyte_record
       from (select ${extract}, r._airbyte_record, r._airbyte_ordinal
               from jsonb_array_elements(?::jsonb) with ordinality as r(_airbyte_record, _airbyte_ordinal)) batch
      order by ${keys.join(', ')}, _airbyte_ordinal desc
     on conflict (${keys.join(', ')}) do update
       set _airbyte_data = excluded._airbyte_data, _airbyte_checkpoint = excluded._airbyte_checkpoint,
           _airbyte_extracted_at = clock_timestamp(), _airbyte_raw_id = gen_random_uuid()`,
    [checkpoint, ...table.primaryKey, JSON.stringify(records)],
    { result: 'rowCount' },
  );
  return rowCount;
}
