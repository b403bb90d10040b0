import { quoteIdent } from '../sql/executor';
import type { TableOwner } from '../sql/table-owners';

export type { TableOwner } from '../sql/table-owners';

/**
 * A table of stream records written by `commitBatch` and the batch activities: the key columns
 * as text, the record as jsonb, PyAirbyte's `_airbyte_` bookkeeping columns.
 */
export interface StreamRecordTable {
  readonly kind: 'stream';
  readonly schema: string;
  readonly name: string;
  /** Top-level record fields that identify a record; records are upserted by them. */
  readonly primaryKey: readonly string[];
  /** The stream whose records the table holds; no other stream may write to it. */
  readonly owner: TableOwner;
}

/** A typed table of a connector's records: one column per top-level property (PyAirbyte's layout). */
export interface DestinationRecordTable {
  readonly kind: 'destination';
  readonly schema: string;
  readonly name: string;
  /** Data columns; a column without `property` takes the whole record as jsonb. */
  readonly columns: readonly {
    readonly name: string;
    readonly property?: string;
    readonly type: string;
  }[];
  /** Primary key columns: records are merged by them; empty for append and replace. */
  readonly primaryKey: readonly string[];
  /** The stream whose records the table holds; no other stream may write to it. */
  readonly owner: TableOwner;
}

/** Where a stream's records go. */
export type RecordTable = StreamRecordTable | DestinationRecordTable;

/** The quoted, schema-qualified name of a record table. */
export function qualifiedName(table: { readonly schema: string; readonly name: string }): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

/** How a stream is named in messages: `"users"`, or `"users" (namespace "tenant_a")`. */
export function describeStream(owner: TableOwner): string {
  const stream = `stream "${owner.streamName}"`;
  return owner.namespace === '' ? stream : `${stream} (namespace "${owner.namespace}")`;
}
