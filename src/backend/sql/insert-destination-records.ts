import { quoteIdent, type SqlExecutor } from './executor';

/** Where and how records are written. */
export interface RecordTarget {
  /** The quoted, schema-qualified table. */
  readonly qualified: string;
  /**
   * The data columns: each takes the record's `property`, cast to `type` (a PostgreSQL type from
   * a fixed list); a column without `property` takes the whole record as jsonb.
   */
  readonly columns: readonly {
    readonly name: string;
    readonly property?: string;
    readonly type: string;
  }[];
  /** Primary key columns: upsert by them (merge); empty: insert (append, replace). */
  readonly primaryKey: readonly string[];
}

/**
 * Writes records in one statement. `lines` are the connector's RECORD lines as it wrote them:
 * they travel as one jsonb parameter and are taken apart in SQL, so every value (a 20-digit
 * integer too) reaches its column exactly, without passing through JavaScript numbers. With a
 * primary key, a record replaces the row of the same key (when a batch holds one key twice, the
 * later record wins). Each row gets the sync and the generation it was written in. Returns the
 * rows written.
 */
export async function insertDestinationRecords(
  db: SqlExecutor,
  target: RecordTarget,
  lines: readonly string[],
  syncId: string,
  generationId: number | null = null,
): Promise<number> {
  if (lines.length === 0) return 0;
  const params: unknown[] = [];
  const values = target.columns.map((column) => {
    if (column.property === undefined) return `r._airbyte_record -> 'data'`;
    params.push(column.property);
    return castFromJson(column.type);
  });
  params.push(syncId, generationId, `[${lines.join(',')}]`);
  const names = [
    ...target.columns.map((c) => quoteIdent(c.name)),
    '_airbyte_raw_id',
    '_airbyte_extracted_at',
    '_airbyte_meta',
    '_airbyte_sync_id',
    '_airbyte_generation_id',
  ];
  const keys = target.primaryKey.map(quoteIdent).join(', ');
  const distinct = keys === '' ? '' : `distinct on (${keys}) `;
  const select = `select ${distinct}${[
    ...values,
    'gen_random_uuid()::text',
    `coalesce(to_timestamp((r._airbyte_record ->> 'emitted_at')::double precision / 1000), clock_timestamp())`,
    `coalesce(nullif(r._airbyte_record -> 'meta', 'null'::jsonb), '{}'::jsonb)`,
    '?::text',
    '?::bigint',
  ]
    .map((value, i) => `${value} as ${names[i]}`)
    .join(', ')}, r._airbyte_ordinal
    from (select e.m -> 'record' as _airbyte_record, e.ord as _airbyte_ordinal
            from jsonb_array_elements(?::jsonb) with ordinality as e(m, ord)) r`;
  const list = names.join(', ');
  let sql: string;
  if (keys === '') {
    sql = `insert into ${target.qualified} (${list})
      select ${list} from (${select}) x order by _airbyte_ordinal`;
  } else {
    const updates = names
      .filter((name) => !target.primaryKey.some((key) => quoteIdent(key) === name))
      .map((name) => `${name} = excluded.${name}`)
      .join(', ');
    sql = `insert into ${target.qualified} (${list})
      select ${list} from (${select} order by ${keys}, _airbyte_ordinal desc) x
      on conflict (${keys}) do update set ${updates}`;
  }
  const result = (await db.execute(sql, params, 'run')) as { affectedRows: number };
  return result.affectedRows;
}

/** The SQL of a record property cast to a column type; the property name is the next parameter. */
function castFromJson(type: string): string {
  const text = `(r._airbyte_record -> 'data' ->> ?)`;
  switch (type) {
    case 'jsonb':
      return `nullif(r._airbyte_record -> 'data' -> ?, 'null'::jsonb)`;
    case 'text':
      return text;
    case 'bigint':
      return `${text}::numeric::bigint`; // accepts 12.0, as Python connectors may write integers
    default:
      return `${text}::${type}`;
  }
}
