import { describeValue, InvalidInputError } from '../errors';
import type { SqlExecutor, StateTables } from './sql/executor';
import { type HistoryRow, selectHistory } from './sql/select-history';
import type { StateWriterKey } from './sql-state-writer';
import type { StreamSelector } from './state-history';

/** A version to roll back to: one that holds state. */
export type RollbackTarget = HistoryRow & { readonly state_json: string };

/**
 * Finds the version of one stream to roll back to: the version numbered `to`, or the version
 * that was current at the time `to`, taken to the millisecond as the history prints it (see
 * {@link checkOneVersionAt}). Throws {@link InvalidInputError} when the history holds no such
 * version of this stream, when it is a clear (there is no state to restore), or when several
 * versions were written within the millisecond `to` itself.
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
    checkOneVersionAt(rows, to, label);
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

/**
 * A time names a millisecond, the precision at which `state history` prints WRITTEN AT, so
 * `to` selects the newest version written in or before that millisecond (`rows`, newest first):
 * a time copied from the history selects the version it was copied from. When more than one
 * version was written within the millisecond `to` itself, the time cannot tell them apart, and
 * picking the newest would roll back to the wrong one for a time copied from an older one:
 * refused, naming them, so that the caller gives a version number.
 */
function checkOneVersionAt(rows: readonly HistoryRow[], to: Date, label: string): void {
  const at = rows.filter((r) => new Date(r.written_at).getTime() === to.getTime());
  if (at.length < 2) return;
  const versions = at.map((r) => String(r.version)).reverse();
  throw new InvalidInputError(
    'to',
    `a time at which one version of ${label} was written, or a version number`,
    `${to.toISOString()}, at which versions ${versions.join(', ')} were all written (times are kept to the millisecond)`,
  );
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
