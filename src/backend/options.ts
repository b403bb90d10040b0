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
  /**
   * Timeouts and TCP keepalive of the pool's connections, so that a dead worker host, a cut link
   * or a hung server cannot hold row locks or pool connections for long. Each field has its own
   * default (see {@link ConnectionTimeouts}); 0 turns one off.
   */
  readonly timeouts?: ConnectionTimeouts;
}

/** `statement_timeout` of the backend's own connections: 60 s, the state activities' start-to-close timeout. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 60_000;
/** `idle_in_transaction_session_timeout`: 30 s. */
export const DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 30_000;
/** How long a connection waits for any answer to a query before it is destroyed: 75 s. */
export const DEFAULT_READ_TIMEOUT_MS = 75_000;
/** How long opening a connection may take: 10 s. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Idle time before the first TCP keepalive probe, on both ends: 15 s. */
export const DEFAULT_KEEPALIVE_MS = 15_000;

/**
 * Timeouts of the connections that `SqlStateBackend.connect` (and so `SyncStatePlugin` with a
 * `url`) opens; a MikroORM instance of your own keeps its own settings. All in milliseconds.
 * The server-side ones are sent as startup parameters (behind a pooler that refuses those, such
 * as PgBouncer without `ignore_startup_parameters`, set them to 0).
 */
export interface ConnectionTimeouts {
  /**
   * `statement_timeout`: the server cancels a statement (a lock wait included) after this long;
   * the activity fails retryably. Default: 60 s ({@link DEFAULT_STATEMENT_TIMEOUT_MS}).
   */
  readonly statementMs?: number;
  /**
   * `idle_in_transaction_session_timeout`: the server ends a session that sits in an open
   * transaction without a statement for this long, which releases its row locks: the bound on
   * how long a worker that died mid-commit blocks the retry of that commit.
   * Default: 30 s ({@link DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS}).
   */
  readonly idleInTransactionMs?: number;
  /**
   * A connection with a query outstanding that hears nothing from the server for this long is
   * destroyed (the link is dead, or its answer was lost); the query fails retryably and the pool
   * opens a fresh connection. Keep it above {@link statementMs}. Default: 75 s
   * ({@link DEFAULT_READ_TIMEOUT_MS}).
   */
  readonly readMs?: number;
  /** Opening a connection (TCP and the startup handshake) gives up after this long. Default: 10 s ({@link DEFAULT_CONNECT_TIMEOUT_MS}). */
  readonly connectMs?: number;
  /**
   * TCP keepalive on both ends, after this long without traffic. The server (`tcp_keepalives_*`)
   * then probes every third of it and drops a peer that misses 3 probes, so it ends the session
   * of a dead worker host within about twice this time; the client's later probes follow the
   * operating system's settings. Default: 15 s ({@link DEFAULT_KEEPALIVE_MS}).
   */
  readonly keepAliveMs?: number;
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
