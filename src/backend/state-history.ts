import { asyncLocalStorage } from '@temporalio/activity';
import { describeValue, InvalidInputError } from '../errors';
import { parseExactJson } from '../protocol/exact-json';
import type { AirbyteStateMessage } from '../protocol/types';
import { nameProblem } from '../protocol/validate';
import type { AppendedVersionRow, HistoryAppend, HistoryAudit } from './sql/append-history';
import type { SqlExecutor } from './sql/executor';
import type { HistoryRow } from './sql/select-history';
import type { StreamRef } from './state-provider';

/**
 * Default number of versions the history keeps per stream, the current one included. A sync
 * writes one version per committed batch, so this is about the last 100 batches of a stream:
 * enough to roll back a bad sync or a bad edit, small enough that the prune on every write reads
 * only a hundred index entries.
 */
export const DEFAULT_HISTORY_RETENTION = 100;

/** Author recorded for a write outside a Temporal activity when the caller names none. */
export const DEFAULT_AUTHOR = 'library';

/** Longest note accepted, in characters. */
const MAX_NOTE_LENGTH = 2000;

/** What wrote a version: the API that made it. */
export type StateOperation = 'write' | 'commit' | 'set' | 'rollback' | 'copy' | 'move' | 'clear';

/** How a write came about, beyond who made it; set by `commitBatch` and the state operations. */
export interface WriteAudit {
  /** Default: `'commit'` when a checkpoint is given, else `'write'`. */
  readonly operation?: StateOperation;
  /** The connection whose commit writes. Default: none. */
  readonly connectionId?: string;
  /** The checkpoint of that commit. Default: none. */
  readonly checkpoint?: number;
}

/** Who writes and why, as recorded in the history. */
export interface AuthorOptions {
  /**
   * Who writes, e.g. `'cli'` or a user name. Default: `activity:<activity type>` inside a Temporal
   * activity, else {@link DEFAULT_AUTHOR}. The workflow id, run id and attempt of the activity are
   * recorded in any case.
   */
  readonly author?: string;
  /** Why, kept with the version (e.g. a ticket). Default: none. */
  readonly note?: string;
}

/** One version of the state of one stream, as {@link SqlStateBackend.getStateHistory} returns it. */
export interface StateHistoryEntry {
  /** The version number, increasing across all streams in the order writes happened. */
  readonly version: number;
  readonly sourceName: string;
  /** The destination, `null` for the cache state. */
  readonly destinationName: string | null;
  readonly tablePrefix: string;
  /** The stream name, or `_GLOBAL` / `_LEGACY`. */
  readonly streamName: string;
  readonly namespace: string | null;
  /** The whole state message of this version; `null` when the version is a clear. */
  readonly message: AirbyteStateMessage | null;
  readonly operation: StateOperation;
  readonly author: string;
  /** The workflow, run and activity attempt that wrote it, when an activity did. */
  readonly workflowId: string | null;
  readonly runId: string | null;
  readonly activityAttempt: number | null;
  /** The connection and checkpoint of the commit that wrote it, when `commitBatch` did. */
  readonly connectionId: string | null;
  readonly checkpoint: number | null;
  readonly note: string | null;
  /** ISO time of the write, from the database clock. */
  readonly writtenAt: string;
}

/**
 * What the history records about a write: the caller's author and note, and the workflow, run
 * and attempt of the Temporal activity the write runs in, if any. The activity is found through
 * its AsyncLocalStorage, which (unlike `Context.current()`) does not throw outside an activity.
 */
export function resolveAudit(options: AuthorOptions & { audit?: WriteAudit }): HistoryAudit {
  const info = asyncLocalStorage.getStore()?.info;
  const audit = options.audit ?? {};
  const author =
    options.author === undefined
      ? info
        ? `activity:${info.activityType}`
        : DEFAULT_AUTHOR
      : checkAuthor(options.author);
  return {
    operation: audit.operation ?? (audit.checkpoint === undefined ? 'write' : 'commit'),
    author,
    workflowId: info?.workflowExecution?.workflowId ?? null,
    runId: info?.workflowExecution?.runId ?? null,
    activityAttempt: info?.attempt ?? null,
    connectionId: audit.connectionId ?? null,
    checkpoint: audit.checkpoint ?? null,
    note: checkNote(options.note),
  };
}

/** Checks the `historyRetention` option: a whole number of versions of at least 1, or `Infinity`. */
export function checkHistoryRetention(value: unknown): number {
  if (value === undefined) return DEFAULT_HISTORY_RETENTION;
  if (value === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidInputError(
      'historyRetention',
      'a whole number of versions of at least 1, or Infinity',
      describeValue(value),
    );
  }
  return value;
}

function checkAuthor(value: unknown): string {
  const problem = nameProblem(value);
  if (problem) throw new InvalidInputError('author', problem, describeValue(value));
  return value as string;
}

function checkNote(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.includes('\u0000') || value.length > MAX_NOTE_LENGTH) {
    throw new InvalidInputError(
      'note',
      `text of at most ${MAX_NOTE_LENGTH} characters without NUL`,
      describeValue(value),
    );
  }
  return value;
}

/** A history row as the API returns it. */
export function toHistoryEntry(row: HistoryRow): StateHistoryEntry {
  return {
    version: Number(row.version),
    sourceName: row.source_name,
    destinationName: row.destination_name === '' ? null : row.destination_name,
    tablePrefix: row.table_prefix,
    streamName: row.stream_name,
    namespace: row.stream_namespace === '' ? null : row.stream_namespace,
    message:
      row.state_json === null ? null : (parseExactJson(row.state_json) as AirbyteStateMessage),
    operation: row.operation as StateOperation,
    author: row.author,
    workflowId: row.workflow_id,
    runId: row.run_id,
    activityAttempt: row.activity_attempt === null ? null : Number(row.activity_attempt),
    connectionId: row.connection_id,
    checkpoint: row.checkpoint === null ? null : Number(row.checkpoint),
    note: row.note,
    writtenAt: new Date(row.written_at).toISOString(),
  };
}

/** The entry of a version that a write just appended. */
export function appendedEntry(
  row: AppendedVersionRow,
  history: HistoryAppend & { sourceName: string },
): StateHistoryEntry {
  const { audit } = history;
  return toHistoryEntry({
    version: row.version,
    source_name: history.sourceName,
    destination_name: history.destinationName,
    table_prefix: history.tablePrefix,
    stream_namespace: row.stream_namespace,
    stream_name: row.stream_name,
    state_json: row.state_json,
    operation: audit.operation,
    author: audit.author,
    workflow_id: audit.workflowId,
    run_id: audit.runId,
    activity_attempt: audit.activityAttempt,
    connection_id: audit.connectionId,
    checkpoint: audit.checkpoint,
    note: audit.note,
    written_at: row.written_at,
  });
}

/** A stream as the history and clear options name it: a bare name (any namespace), or name and namespace. */
export interface StreamSelector {
  readonly name: string;
  /** `''` for no namespace; `undefined`: whichever namespace has the name (it must be one). */
  readonly namespace: string | undefined;
}

/** Checks a stream given as a name or `{ name, namespace }` (namespace `null` or absent: none). */
export function checkStreamSelector(option: string, value: unknown): StreamSelector {
  if (typeof value === 'string') {
    const problem = nameProblem(value);
    if (problem) throw new InvalidInputError(option, problem, describeValue(value));
    return { name: value, namespace: undefined };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidInputError(
      option,
      'a stream name or { name, namespace }',
      describeValue(value),
    );
  }
  const { name, namespace } = value as { name?: unknown; namespace?: unknown };
  const problem = nameProblem(name);
  if (problem) throw new InvalidInputError(`${option}.name`, problem, describeValue(name));
  if (namespace === undefined || namespace === null) return { name: name as string, namespace: '' };
  const issue = nameProblem(namespace, true);
  if (issue) throw new InvalidInputError(`${option}.namespace`, issue, describeValue(namespace));
  return { name: name as string, namespace: namespace as string };
}

/** Options of `SqlStateBackend.getStateHistory`. */
export interface StateHistoryOptions {
  /** The history of the state acknowledged by this destination. Default: the cache state's. */
  readonly destinationName?: string;
  /** Table prefix of the state rows. Default: the backend's `tablePrefix`. */
  readonly tablePrefix?: string;
  /** Only this stream; a bare name selects it in every namespace. Default: every stream. */
  readonly stream?: StreamRef;
  /** At most this many versions, newest first. Default: all that the history keeps. */
  readonly limit?: number;
  /** Read through this executor (e.g. inside your transaction). Default: a fresh fork. */
  readonly em?: SqlExecutor;
}

/** Options of `SqlStateBackend.restoreStateVersion`. */
export interface RollbackStateOptions extends AuthorOptions {
  /** The stream to roll back; a bare name must have versions in one namespace only. Required. */
  readonly stream: StreamRef;
  /**
   * A version number from the history, or a time: the version current at the end of that
   * millisecond (a `writtenAt` from the history selects its version). Required.
   */
  readonly to: number | Date;
  /** Roll back the state acknowledged by this destination. Default: the cache state. */
  readonly destinationName?: string;
  /** Table prefix of the state rows. Default: the backend's `tablePrefix`. */
  readonly tablePrefix?: string;
  /** Run inside your transaction. Default: a transaction of its own. */
  readonly em?: SqlExecutor;
}

/** Options of `SqlStateBackend.clearStateRows`. */
export interface ClearStateOptions extends AuthorOptions {
  /** Clear only these streams (`_GLOBAL` / `_LEGACY` for those kinds). Default: every stream. */
  readonly streams?: readonly StreamRef[];
  /** Clear the state acknowledged by this destination. Default: the cache state. */
  readonly destinationName?: string;
  /** Table prefix of the state rows. Default: the backend's `tablePrefix`. */
  readonly tablePrefix?: string;
  /** Run inside your transaction. Default: a transaction of its own. */
  readonly em?: SqlExecutor;
  /** @internal How the clear came about (the state operations set `move`). */
  readonly audit?: WriteAudit;
}
