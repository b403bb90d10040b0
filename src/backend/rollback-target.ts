import { describeValue, InvalidInputError } from '../errors';
import type { SqlExecutor, StateTables } from './sql/executor';
import { type HistoryRow, selectHistory } from './sql/select-history';
import type { StateWriterKey } from './sql-state-writer';
import type { StreamSelector } from './state-history';

/** A version to roll back to: one that holds state. */
export type RollbackTarget = HistoryRow & { readonly state_json: string };

/**
 * Finds the version of one stream to roll back to: the version numbered `to`, or the version
 * that was current at the time `to`. Throws {@link InvalidInputError} when the history holds no
 * such version of this stream, or when it is a clear (there is no state to restore).
 */
export async function findRollbackTarget(
  db: SqlExecutor,
  tables: StateTables,
  key: StateWriterKey,
  stream: StreamSelector,
  to: unknown,
  history: { retention: number },
): Promise<RollbackTarget> {
  const owner = {
    sourceName: key.sourceName,
    destinationName: key.destinationName ?? '',
    tablePrefix: key.tablePrefix,
  };
  const label = streamLabel(stream.name, stream.namespace, key);
  let row: HistoryRow | undefined;
  if (typeof to === 'number') {
    if (!Number.isSafeInteger(to) || to < 1)
      throw new InvalidInputError(
        'to',
        'a version number (a whole number of at least 1)',
        describeValue(to),
      );
    [row] = await selectHistory(db, tables, { version: to, retention: history.retention });
    const matches =
      row !== undefined &&
      row.source_name === owner.sourceName &&
      row.destination_name === owner.destinationName &&
      row.table_prefix === owner.tablePrefix &&
      row.stream_name === stream.name &&
      (stream.namespace === undefined || row.stream_namespace === stream.namespace);
    if (!row || !matches) {
      throw new InvalidInputError(
        'to',
        `a version of ${label} (see its history)`,
        row
          ? `version ${to}, a version of ${streamLabel(row.stream_name, row.stream_namespace, {
              sourceName: row.source_name,
              destinationName: row.destination_name || undefined,
              tablePrefix: row.table_prefix,
            })}`
          : `version ${to}, which the history does not hold (pruned, or never written)`,
      );
    }
  } else if (to instanceof Date && !Number.isNaN(to.getTime())) {
    const rows = await selectHistory(db, tables, {
      ...owner,
      streamName: stream.name,
      namespace: stream.namespace,
      writtenAtOrBefore: to,
      retention: history.retention,
    });
    const namespaces = [...new Set(rows.map((r) => JSON.stringify(r.stream_namespace || null)))];
    if (namespaces.length > 1) {
      throw new InvalidInputError(
        'stream',
        `{ name, namespace }, because "${stream.name}" has versions in several namespaces (${namespaces.join(', ')})`,
        `the bare name "${stream.name}"`,
      );
    }
    row = rows[0];
    if (!row) {
      throw new InvalidInputError(
        'to',
        `a time at or after the oldest version the history keeps of ${label}`,
        to.toISOString(),
      );
    }
  } else {
    throw new InvalidInputError('to', 'a version number or a Date', describeValue(to));
  }
  if (row.state_json === null) {
    throw new InvalidInputError(
      'to',
      'a version that holds state',
      `version ${row.version}, the clear of ${label} at ${new Date(row.written_at).toISOString()}`,
    );
  }
  return row as RollbackTarget;
}

/** `stream "users" of source "s"`, with namespace, destination and table prefix when there are any. */
export function streamLabel(
  name: string,
  namespace: string | undefined,
  key: StateWriterKey,
): string {
  let label = `stream "${name}"`;
  if (namespace) label += ` (namespace "${namespace}")`;
  label += ` of source "${key.sourceName}"`;
  if (key.destinationName !== undefined) label += ` at destination "${key.destinationName}"`;
  if (key.tablePrefix) label += ` (table prefix "${key.tablePrefix}")`;
  return label;
}
