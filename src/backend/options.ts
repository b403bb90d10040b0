import { describeValue, InvalidInputError } from '../errors';
import { DEFAULT_MAX_STATE_BYTES, MAX_TABLE_PREFIX_LENGTH } from '../protocol/limits';
import { nameProblem } from '../protocol/validate';
import type { SqlExecutor } from './sql/executor';
import type { CommitObserver } from './commit/types';

/** Default PostgreSQL schema of the state tables. */
export const DEFAULT_SCHEMA = 'public';

/** Options of a {@link SqlStateBackend}, whoever created its MikroORM instance. */
export interface SqlStateBackendOptions {
  /**
   * Prefix of the stream tables this backend's state describes: cache rows get
   * `table_name = tablePrefix + stream_name`, as in PyAirbyte. Letters, digits and `_`, at most
   * 40 characters. Default: `''`.
   */
  readonly tablePrefix?: string;
  /**
   * PostgreSQL schema of the state tables (created if missing). Default: the MikroORM config's
   * `schema`, else `'public'`.
   */
  readonly schema?: string;
  /** Largest state message accepted, in UTF-8 bytes of JSON. Default: 1 MiB ({@link DEFAULT_MAX_STATE_BYTES}). */
  readonly maxStateBytes?: number;
  /**
   * Versions of each stream's state that the history keeps, the current one included; older ones
   * are pruned by the write that adds a new one. `Infinity` keeps them all. Default: 100
   * (`DEFAULT_HISTORY_RETENTION`).
   */
  readonly historyRetention?: number;
  /**
   * Send each state write of one stream (what every checkpoint and `commitBatch` makes) as a
   * named prepared statement, which PostgreSQL plans once per connection: such a write then
   * takes about 40% of the time. Other statements are sent with bound parameters, unprepared. Behind a pooler that does not carry them (PgBouncer before 1.21 in
   * transaction mode) the backend notices the server's error, warns once
   * (`TEMPORAL_SYNC_STATE_UNPREPARED`) and goes on unprepared: a write outside a transaction is
   * retried at once, a transaction that hit it fails and its retry runs unprepared. `false`
   * starts that way; parameters are bound either way. Default: `true`.
   */
  readonly preparedStatements?: boolean;
  /**
   * Counts every commit (records, commits, latency, lag, …), e.g. a `SyncMetrics` with labels;
   * `false` counts nothing. Default: a `SyncMetrics` without labels, which records inside Temporal
   * activities on the worker Runtime's meter (a no-op unless the Runtime exports metrics).
   */
  readonly metrics?: CommitObserver | false;
}

/** Options of `SqlStateBackend.connect`. */
export interface ConnectOptions extends SqlStateBackendOptions {
  /** PostgreSQL URL, `postgres://user:password@host:port/database`. Required. */
  readonly url: string;
  /** Most connections the backend's pool opens, at least 2. Default: 10 (MikroORM's default). */
  readonly poolSize?: number;
}

/** Options of `backend.getStateWriter`. */
export interface StateWriterOptions {
  /** Write destination state for this destination; absent: write the cache state. Default: absent. */
  readonly destinationName?: string;
  /** Table prefix of this writer's rows. Default: the backend's `tablePrefix`. */
  readonly tablePrefix?: string;
}

/** Options of `backend.getStateProvider` (PyAirbyte's `get_state_provider`). */
export interface StateProviderOptions {
  /** Read rows of this table prefix only. Default: the backend's `tablePrefix`. */
  readonly tablePrefix?: string;
  /**
   * Keep only these streams, plus GLOBAL and LEGACY state. Default: all streams.
   * An empty array keeps only GLOBAL and LEGACY state (PyAirbyte would ignore it).
   */
  readonly streamsFilter?: readonly string[];
  /**
   * Read the database now (default: `true`). With `false`, reuse the last result this backend
   * read for the same options, if any; a write through this backend's writers discards it.
   */
  readonly refresh?: boolean;
  /** Read the state acknowledged by this destination instead of the cache state. Default: absent. */
  readonly destinationName?: string;
  /** Read through this executor (e.g. inside your transaction). Default: a fresh fork. */
  readonly em?: SqlExecutor;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks a source, destination or stream name; throws {@link InvalidInputError}. */
export function checkName(option: string, value: unknown): string {
  const problem = nameProblem(value);
  if (problem) throw new InvalidInputError(option, problem, describeValue(value));
  return value as string;
}

/** Checks a table prefix: it ends up inside table identifiers, so only a safe alphabet. */
export function checkTablePrefix(value: unknown): string {
  if (value === '') return value;
  if (
    typeof value !== 'string' ||
    !IDENTIFIER.test(value) ||
    value.length > MAX_TABLE_PREFIX_LENGTH
  ) {
    throw new InvalidInputError(
      'tablePrefix',
      `'' or letters, digits and _ (not starting with a digit), at most ${MAX_TABLE_PREFIX_LENGTH} characters`,
      describeValue(value),
    );
  }
  return value;
}

/** Checks a schema name (a plain PostgreSQL identifier of at most 63 characters). */
export function checkSchema(value: unknown): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value) || value.length > 63) {
    throw new InvalidInputError(
      'schema',
      'letters, digits and _ (not starting with a digit), at most 63 characters',
      describeValue(value),
    );
  }
  return value;
}

/** Checks `maxStateBytes`. */
export function checkMaxStateBytes(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_STATE_BYTES;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidInputError(
      'maxStateBytes',
      'a positive whole number of bytes',
      describeValue(value),
    );
  }
  return value;
}

/** Checks `streamsFilter`. */
export function checkStreamsFilter(value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value))
    throw new InvalidInputError('streamsFilter', 'an array of stream names', describeValue(value));
  value.forEach((name, i) => checkName(`streamsFilter[${i}]`, name));
  return value as string[];
}

/** Checks a yes/no option. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new InvalidInputError(name, 'true or false', describeValue(value));
  return value;
}
