import { InvalidInputError } from '../errors';
import { checkIdentifier } from '../activity-bodies/check-input';
import { qualifiedName, type TableOwner } from '../backend/commit/record-table';
import type { ConfiguredStream } from './configured-catalog';
import {
  DATA_COLUMN,
  type DestinationColumn,
  destinationColumns,
  normalizeName,
} from './destination-columns';
import type { WriteMethod } from './write-strategy';

/** Where one stream's records go, and how. */
export interface DestinationTable {
  readonly kind: 'destination';
  /** The stream whose records the table holds (no other may write to it). */
  readonly owner: TableOwner;
  readonly stream: { readonly name: string; readonly namespace: string | null };
  readonly schema: string;
  readonly name: string;
  /** Quoted and schema-qualified. */
  readonly qualified: string;
  /** One column per top-level property; a stream without properties gets one jsonb `_airbyte_data`. */
  readonly columns:
    readonly DestinationColumn[] | readonly [{ name: typeof DATA_COLUMN; type: 'jsonb' }];
  /** Primary key columns (merge only). */
  readonly primaryKey: readonly string[];
  /** The record fields of the primary key, each of which a merged record must carry. */
  readonly primaryKeyFields: readonly string[];
  readonly writeMethod: WriteMethod;
}

/**
 * Plans the destination tables of the streams, PyAirbyte's way: `tablePrefix` + the normalized
 * stream name, in `schema`. Throws `InvalidInputError` for a name PostgreSQL would cut (over 63
 * bytes), two streams that would share a table, or a primary key field that is not a property.
 */
export function planDestinationTables(
  streams: readonly ConfiguredStream[],
  options: { readonly schema: string; readonly tablePrefix: string; readonly sourceName: string },
): DestinationTable[] {
  const byTable = new Map<string, string>();
  return streams.map((stream) => {
    const name = checkIdentifier(
      `table of stream "${stream.name}"`,
      options.tablePrefix + normalizeName(stream.name),
    );
    const other = byTable.get(name);
    if (other !== undefined)
      throw new InvalidInputError(
        `stream "${stream.name}"`,
        `a table of its own (stream "${other}" writes to "${name}")`,
        `"${name}"`,
      );
    byTable.set(name, stream.name);
    const columns = destinationColumns(stream.configured.stream.json_schema);
    columns?.forEach((column) =>
      checkIdentifier(`column of property "${column.property}"`, column.name),
    );
    const primaryKey = stream.writeMethod === 'merge' ? stream.primaryKey : [];
    const keyColumns = primaryKey.map((field) => {
      const column = columns?.find((c) => c.property === field);
      if (column === undefined)
        throw new InvalidInputError(
          `primaryKey of stream "${stream.name}"`,
          `fields among the properties of its JSON schema${columns ? ` (${columns.map((c) => c.property).join(', ')})` : ' (it has none)'}`,
          JSON.stringify(field),
        );
      return column.name;
    });
    const table = { schema: options.schema, name };
    return {
      kind: 'destination' as const,
      owner: {
        sourceName: options.sourceName,
        namespace: stream.namespace ?? '',
        streamName: stream.name,
      },
      stream: { name: stream.name, namespace: stream.namespace },
      ...table,
      qualified: qualifiedName(table),
      columns: columns ?? [{ name: DATA_COLUMN, type: 'jsonb' }],
      primaryKey: keyColumns,
      primaryKeyFields: primaryKey,
      writeMethod: stream.writeMethod,
    };
  });
}
