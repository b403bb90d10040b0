import type { SqlExecutor, StateTables } from './executor';

/** Which state rows to list; absent fields do not filter. */
export interface StateListing {
  readonly sourceName?: string;
  /** A destination's rows only; `null`: the cache table's only; absent: both tables. */
  readonly destinationName?: string | null;
}

/** One listed state row. */
export interface ListedStateRow {
  readonly source_name: string;
  /** `null` for a cache row. */
  readonly destination_name: string | null;
  /** `null` for a cache row whose `table_name` does not end with its stream name (PyAirbyte's odd rows). */
  readonly table_prefix: string | null;
  readonly stream_namespace: string;
  readonly stream_name: string | null;
  readonly bytes: string | number | null;
  readonly last_updated: string | Date | null;
}

/** Lists the state rows of both state tables (without their state), with their size in bytes. */
export async function listStates(
  db: SqlExecutor,
  tables: StateTables,
  listing: StateListing,
): Promise<ListedStateRow[]> {
  const parts: string[] = [];
  const params: unknown[] = [];
  const bySource = listing.sourceName === undefined ? '' : ' and source_name = ?';
  if (listing.destinationName === undefined || listing.destinationName === null) {
    parts.push(`select source_name, null::varchar as destination_name,
        case when right(table_name, length(stream_name)) = stream_name
             then left(table_name, length(table_name) - length(stream_name)) end as table_prefix,
        stream_namespace, stream_name, octet_length(state_json) as bytes, last_updated
        from ${tables.cache} where true${bySource}`);
    if (listing.sourceName !== undefined) params.push(listing.sourceName);
  }
  if (listing.destinationName !== null) {
    const byDestination = listing.destinationName === undefined ? '' : ' and destination_name = ?';
    parts.push(`select source_name, destination_name, table_prefix, stream_namespace, stream_name,
        octet_length(state_json) as bytes, last_updated
        from ${tables.destination} where true${bySource}${byDestination}`);
    if (listing.sourceName !== undefined) params.push(listing.sourceName);
    if (listing.destinationName !== undefined) params.push(listing.destinationName);
  }
  return (await db.execute(
    `${parts.join(' union all ')}
      order by source_name, destination_name nulls first, table_prefix, stream_namespace, stream_name`,
    params,
    'all',
  )) as ListedStateRow[];
}
