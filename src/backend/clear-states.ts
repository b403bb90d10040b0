import { InvalidInputError, StateNotFoundError } from '../errors';
import { parseExactJson } from '../protocol/exact-json';
import type { AirbyteStateMessage } from '../protocol/types';
import type { HistoryAppend } from './sql/append-history';
import { deleteStates } from './sql/delete-states';
import type { SqlExecutor, StateTables } from './sql/executor';
import { selectStates } from './sql/select-states';
import type { StateWriterKey } from './sql-state-writer';
import type { StreamSelector } from './state-history';

/** The state of one stream that a clear removed. */
export interface ClearedStreamState {
  /** The stream name, or `_GLOBAL` / `_LEGACY`. */
  readonly streamName: string;
  readonly namespace: string | null;
  /** The removed state message; `null` if the row did not hold JSON (e.g. a broken hand edit). */
  readonly message: AirbyteStateMessage | null;
  /** The removed row's `state_json`, exactly as it was stored. */
  readonly stateJson: string | null;
  /** ISO time the removed row was last written. */
  readonly lastUpdated: string | null;
  /** The version that records the clear in the history. */
  readonly version: number;
}

/**
 * Deletes the state rows of `key` (all, or those of `streams`) and records each deletion in the
 * history. A named stream must have state (else {@link StateNotFoundError}, listing the streams
 * that do); a bare name that has state in several namespaces is refused as ambiguous.
 */
export async function clearStates(
  db: SqlExecutor,
  tables: StateTables,
  key: StateWriterKey,
  streams: readonly StreamSelector[] | undefined,
  history: HistoryAppend,
): Promise<ClearedStreamState[]> {
  let exact: { name: string; namespace: string }[] | undefined;
  if (streams !== undefined) {
    const rows = await selectStates(db, tables, key);
    exact = [];
    for (const stream of streams) {
      const found = rows.filter(
        (row) =>
          row.stream_name === stream.name &&
          (stream.namespace === undefined || row.stream_namespace === stream.namespace),
      );
      if (found.length === 0) {
        const known = [...new Set(rows.map((row) => row.stream_name))].sort();
        throw new StateNotFoundError(stream.name, known);
      }
      if (found.length > 1) {
        const namespaces = found.map((row) => JSON.stringify(row.stream_namespace || null));
        throw new InvalidInputError(
          'streams',
          `{ name, namespace }, because "${stream.name}" has state in several namespaces (${namespaces.join(', ')})`,
          `the bare name "${stream.name}"`,
        );
      }
      exact.push({ name: stream.name, namespace: found[0]?.stream_namespace ?? '' });
    }
  }
  const removed = await deleteStates(db, tables, { ...key, streams: exact }, history);
  return removed.map((row) => ({
    streamName: row.stream_name,
    namespace: row.stream_namespace === '' ? null : row.stream_namespace,
    message: parseOrNull(row.state_json),
    stateJson: row.state_json,
    lastUpdated: row.last_updated === null ? null : new Date(row.last_updated).toISOString(),
    version: Number(row.version),
  }));
}

function parseOrNull(json: string | null): AirbyteStateMessage | null {
  if (json === null) return null;
  try {
    return parseExactJson(json) as AirbyteStateMessage;
  } catch {
    return null;
  }
}
