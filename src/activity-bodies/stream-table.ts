import type { StreamRecordTable } from '../backend/commit/record-table';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import { checkIdentifier } from './check-input';

/**
 * The table of a stream's records for `commitBatch` and `syncBatch`: `table` when given, else
 * `tablePrefix + stream name`, in the backend's schema, owned by that stream of that source.
 */
export function streamRecordTable(
  backend: SqlStateBackend,
  owner: { readonly sourceName: string; readonly tablePrefix: string },
  stream: { readonly name: string; readonly namespace: string },
  primaryKey: readonly string[],
  table: unknown,
): StreamRecordTable {
  return {
    kind: 'stream',
    schema: backend.schema,
    name: checkIdentifier(
      'table',
      table === undefined || table === null ? owner.tablePrefix + stream.name : table,
    ),
    primaryKey,
    owner: { sourceName: owner.sourceName, namespace: stream.namespace, streamName: stream.name },
  };
}
