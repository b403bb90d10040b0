import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { describeValue, InvalidInputError } from '../errors';
import { parseExactJson } from '../protocol/exact-json';
import { type PreparedStateMessage, prepareStateMessage } from '../protocol/validate';
import { runMigrations } from './migrations/run-migrations';
import { openStateOrm } from './open-state-orm';
import {
  checkBoolean,
  checkMaxStateBytes,
  checkName,
  checkSchema,
  checkStreamsFilter,
  checkTablePrefix,
  type ConnectOptions,
  DEFAULT_SCHEMA,
  type SqlStateBackendOptions,
  type StateProviderOptions,
  type StateWriterOptions,
} from './options';
import { clearStates, type ClearedStreamState } from './clear-states';
import { SyncCommits } from './commit/sync-commits';
import { SyncConnections } from './connections';
import { type ListedStateRow, listStates, type StateListing } from './sql/list-states';
import { lockStates, type StateLockMode } from './sql/lock-states';
import type { StateSelection } from './sql/select-states';
import type { CommitObserver } from './commit/types';
import { PruneSchedule } from './prune-schedule';
import { findRollbackTarget } from './rollback-target';
import type { AppendedVersionRow, HistoryAppend } from './sql/append-history';
import { type SqlExecutor, type StateTables, stateTables } from './sql/executor';
import { backendStatementOptions, type StatementOptions } from './sql/run-statement';
import { selectHistory } from './sql/select-history';
import { selectStates } from './sql/select-states';
import { upsertCacheStates } from './sql/upsert-cache-states';
import { upsertDestinationStates } from './sql/upsert-destination-states';
import { ProviderSnapshots } from './provider-snapshots';
import { StoredStateProvider } from './stored-state';
import { SqlStateWriter, type StateWriterKey, type WriteOptions } from './sql-state-writer';
import {
  appendedEntry,
  checkHistoryRetention,
  checkStreamSelector,
  type ClearStateOptions,
  resolveAudit,
  type RollbackStateOptions,
  type StateHistoryEntry,
  type StateHistoryOptions,
  toHistoryEntry,
} from './state-history';
import type { StateProvider } from './state-provider';
import type { CheckpointEntry } from '../activity-bodies/types';
import { SyncMetrics } from '../metrics/sync-metrics';

/**
 * PyAirbyte's SQL state backend on PostgreSQL through MikroORM: the same tables and API
 * (`getStateProvider`, `getStateWriter`), without its defects. Create it with
 * {@link SqlStateBackend.connect}, or around your own MikroORM instance with `new`.
 */
export class SqlStateBackend {
  /** The backend's default table prefix. */
  readonly tablePrefix: string;
  /** The schema of the state tables. */
  readonly schema: string;
  /** The largest accepted state message, in bytes. */
  readonly maxStateBytes: number;
  /** Quoted, schema-qualified table names. */
  readonly tables: StateTables;
  /** Versions of each stream's state that the history keeps, the current one included. */
  readonly historyRetention: number;
  /** How the state writes are sent (see `preparedStatements`). */
  readonly statements: StatementOptions;
  private ownsOrm = false;
  private migrated: Promise<void> | undefined;
  /** Set once the migration finished: the hot paths then skip awaiting it. */
  private isMigrated = false;
  private readonly snapshots = new ProviderSnapshots();
  private readonly prunes = new PruneSchedule();
  /** Counts the commits (see `metrics`). */
  private readonly metrics: CommitObserver | undefined;
  /** The default metrics, made by this backend: it stops their lag refresh on close. */
  private readonly ownMetrics: SyncMetrics | undefined;
  /** The runs that own connections: claims, checkpoints, owners. */
  readonly connections: SyncConnections;
  /** The commits of syncs: the one commit step (src/backend/commit). */
  readonly commits: SyncCommits;
  /**
   * Runs the writes that come without a caller's `em`: single statements outside any
   * transaction, no entity ever loaded, so one fork serves them all (a fork per write is ~3 µs
   * of a ~140 µs write).
   */
  private readonly statementRunner: EntityManager;

  /**
   * Wraps a MikroORM instance for PostgreSQL that you own (and close). The state tables are
   * migrated once, on first use or by {@link migrate}; your MikroORM config needs no change.
   */
  constructor(
    /** The MikroORM instance the backend works through. */
    readonly orm: MikroORM,
    options: SqlStateBackendOptions = {},
  ) {
    this.tablePrefix = checkTablePrefix(options.tablePrefix ?? '');
    this.schema = checkSchema(options.schema ?? orm.config.get('schema') ?? DEFAULT_SCHEMA);
    this.maxStateBytes = checkMaxStateBytes(options.maxStateBytes);
    this.tables = stateTables(this.schema);
    this.historyRetention = checkHistoryRetention(options.historyRetention);
    this.statementRunner = orm.em.fork();
    this.statements = backendStatementOptions(
      checkBoolean('preparedStatements', options.preparedStatements ?? true),
    );
    const metrics = options.metrics as Partial<CommitObserver> | false | undefined;
    if (metrics !== undefined && metrics !== false && typeof metrics?.committed !== 'function')
      throw new InvalidInputError(
        'metrics',
        'a SyncMetrics (or an object with committed and refused), or false',
        describeValue(metrics),
      );
    if (options.metrics === undefined) this.ownMetrics = new SyncMetrics();
    this.metrics = options.metrics === false ? undefined : (options.metrics ?? this.ownMetrics);
    const port = {
      tables: this.tables,
      fork: () => this.fork(),
      migrate: () => (this.isMigrated ? Promise.resolve() : this.migrate()),
    };
    this.connections = new SyncConnections(port);
    this.commits = new SyncCommits({
      ...port,
      observer: this.metrics,
      writeStates: (owner, states, writeOptions) => this.write(owner, states, writeOptions),
      clearStates: (em, owner, streams, note) => this.clearPresent(em, owner, streams, note),
      clearStateRows: (owner, clearOptions) => this.clearStateRows(owner.sourceName, clearOptions),
    });
  }

  /** Opens a PostgreSQL connection pool, migrates the state tables, and returns a backend that owns the pool. */
  static async connect(options: ConnectOptions): Promise<SqlStateBackend> {
    const { orm, schema } = await openStateOrm(options);
    const backend = new SqlStateBackend(orm, { ...options, schema });
    backend.ownsOrm = true;
    try {
      await backend.migrate();
    } catch (error) {
      await orm.close(true);
      throw error;
    }
    return backend;
  }

  /** Creates or upgrades the state tables, once per backend (concurrent callers share one run). */
  migrate(): Promise<void> {
    this.migrated ??= runMigrations(this.orm, this.schema).then(
      () => {
        this.isMigrated = true;
      },
      (error: unknown) => {
        this.migrated = undefined; // a transient failure must not poison the backend
        throw error;
      },
    );
    return this.migrated;
  }

  /** A writer of the state of `sourceName` (PyAirbyte's `get_state_writer`). */
  getStateWriter(sourceName: string, options: StateWriterOptions = {}): SqlStateWriter {
    const key = this.ownerKey(sourceName, options);
    return new SqlStateWriter(
      {
        prepare: (message) => this.prepare(message),
        write: (writer, states, writeOptions) => this.write(writer, states, writeOptions),
      },
      key,
    );
  }

  /**
   * The stored state of `sourceName` (PyAirbyte's `get_state_provider`), filtered in SQL by
   * source, destination, table prefix and streams, in any combination. Messages are parsed and
   * checked when first asked for; an invalid stored row then throws `InvalidStateMessageError`
   * naming the row.
   */
  async getStateProvider(
    sourceName: string,
    options: StateProviderOptions = {},
  ): Promise<StateProvider> {
    const selection = {
      ...this.ownerKey(sourceName, options),
      streams: checkStreamsFilter(options.streamsFilter),
    };
    if (options.refresh === false) {
      const cached = this.snapshots.get(selection);
      if (cached) return cached;
    }
    await this.migrate();
    const db = options.em ?? this.fork();
    const rows = await selectStates(db, this.tables, selection);
    const table =
      selection.destinationName === undefined ? '_airbyte_state' : '_airbyte_destination_state';
    const provider = new StoredStateProvider(rows, table);
    this.snapshots.set(selection, provider);
    return provider;
  }

  /**
   * The versions of the state of `sourceName`, newest first: every write, commit, rollback and
   * clear, with who made it and when. The history keeps the last {@link historyRetention}
   * versions of each stream. A bare stream name selects that name in every namespace.
   */
  async getStateHistory(
    sourceName: string,
    options: StateHistoryOptions = {},
  ): Promise<StateHistoryEntry[]> {
    const key = this.ownerKey(sourceName, options);
    const stream =
      options.stream === undefined ? undefined : checkStreamSelector('stream', options.stream);
    const limit = options.limit;
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1))
      throw new InvalidInputError('limit', 'a whole number of at least 1', describeValue(limit));
    await this.migrate();
    const rows = await selectHistory(options.em ?? this.fork(), this.tables, {
      retention: this.historyRetention,
      sourceName: key.sourceName,
      destinationName: key.destinationName ?? '',
      tablePrefix: key.tablePrefix,
      streamName: stream?.name,
      namespace: stream?.namespace,
      limit,
    });
    return rows.map(toHistoryEntry);
  }

  /**
   * Makes an older version of one stream's state current again by writing it as a new version
   * (operation `rollback`), so that the rollback is audited and can itself be undone. `to` is a
   * version number from {@link getStateHistory}, or a time: the version current at the end of
   * that millisecond. Throws `InvalidInputError` when the history holds no such version of the
   * stream, when that version is a clear, or when several were written in that millisecond.
   * Returns the new version.
   */
  async restoreStateVersion(
    sourceName: string,
    options: RollbackStateOptions,
  ): Promise<StateHistoryEntry> {
    const key = this.ownerKey(sourceName, options);
    const stream = checkStreamSelector('stream', options.stream);
    await this.migrate();
    const rollback = async (em: SqlExecutor): Promise<StateHistoryEntry> => {
      const target = await findRollbackTarget(em, this.tables, key, stream, options.to, {
        retention: this.historyRetention,
      });
      const message = parseExactJson(target.state_json); // exact: an integer beyond 2^53 stays
      const note = [`rollback to version ${target.version}`, options.note].filter(Boolean);
      const { added, history } = await this.write(
        key,
        [this.prepare(message)],
        {
          em,
          author: options.author,
          note: note.join('; '),
          audit: { operation: 'rollback' },
        },
        true,
      );
      if (!added[0]) throw new Error('temporal-sync-state: the rollback wrote no version');
      return appendedEntry(added[0], history);
    };
    return options.em ? rollback(options.em) : this.fork().transactional(rollback);
  }

  /**
   * Deletes the state rows of `sourceName` (every stream, or `options.streams`) and records each
   * deletion as a version without state, so a clear can be rolled back. It never writes empty
   * state. A named stream without state throws `StateNotFoundError`. Returns what it removed.
   */
  async clearStateRows(
    sourceName: string,
    options: ClearStateOptions = {},
  ): Promise<ClearedStreamState[]> {
    const key = this.ownerKey(sourceName, options);
    if (options.streams !== undefined && !Array.isArray(options.streams))
      throw new InvalidInputError('streams', 'an array of streams', describeValue(options.streams));
    const streams = options.streams?.map((s, i) => checkStreamSelector(`streams[${i}]`, s));
    const history = this.historyAppend(key, {
      ...options,
      audit: { operation: 'clear', ...options.audit },
    });
    await this.migrate();
    const clear = (em: SqlExecutor) => clearStates(em, this.tables, key, streams, history);
    const removed = await (options.em ? clear(options.em) : this.fork().transactional(clear));
    this.snapshots.forgetSource(key.sourceName);
    return removed;
  }

  /**
   * The last committed checkpoint of each stream of a connection (streams never committed are
   * absent), by namespace and name.
   */
  getCheckpoints(connectionId: string): Promise<CheckpointEntry[]> {
    return this.connections.checkpoints(connectionId);
  }

  /** Lists the state rows of both state tables (without their state), with their sizes. */
  async listStateRows(listing: StateListing = {}): Promise<ListedStateRow[]> {
    await this.migrate();
    return listStates(this.fork(), this.tables, listing);
  }

  /**
   * @internal Locks the state rows of one owner inside the caller's transaction (`update` for rows
   * it will change, `share` to read them), waiting for writers in flight: the state operations
   * read under it after they fenced the runs.
   */
  lockStateRows(
    db: SqlExecutor,
    owner: Omit<StateSelection, 'streams'>,
    mode: StateLockMode,
  ): Promise<void> {
    return lockStates(db, this.tables, owner, mode);
  }

  /** Closes the connection pool if {@link connect} opened it; a MikroORM instance you passed in stays open. */
  async close(): Promise<void> {
    this.snapshots.clear();
    this.ownMetrics?.close();
    if (this.ownsOrm) await this.orm.close(true);
  }

  /** A fresh EntityManager for one call: no shared context, no identity map that grows. */
  fork(): EntityManager {
    return this.orm.em.fork();
  }

  /** Clears the streams among `streams` that have state (a run's reset), inside `em`. */
  private async clearPresent(
    em: EntityManager,
    owner: StateWriterKey,
    streams: readonly { readonly name: string; readonly namespace: string }[],
    note: string | undefined,
  ): Promise<ClearedStreamState[]> {
    const provider = await this.getStateProvider(owner.sourceName, {
      destinationName: owner.destinationName,
      tablePrefix: owner.tablePrefix,
      em,
    });
    const stored = streams.filter((s) =>
      provider.stateMessageArtifacts.some(
        (m) =>
          m.type === 'STREAM' &&
          m.stream?.stream_descriptor.name === s.name &&
          (m.stream.stream_descriptor.namespace ?? '') === s.namespace,
      ),
    );
    if (stored.length === 0) return [];
    return this.clearStateRows(owner.sourceName, {
      destinationName: owner.destinationName,
      tablePrefix: owner.tablePrefix,
      streams: stored,
      note,
      em,
    });
  }

  private prepare(message: unknown): PreparedStateMessage {
    return prepareStateMessage(message, { maxBytes: this.maxStateBytes });
  }

  /**
   * Every state write goes here: one statement that upserts the rows and appends their versions
   * to the history (and prunes it), atomic without a transaction of its own, and part of the
   * caller's transaction when `options.em` is one. `added` holds the new versions only when
   * `returnVersions` asks for them.
   */
  private async write(
    key: StateWriterKey,
    states: readonly PreparedStateMessage[],
    options: WriteOptions,
    returnVersions = false,
  ): Promise<{ added: AppendedVersionRow[]; history: HistoryAppend & { sourceName: string } }> {
    const history = { ...this.historyAppend(key, options, states), returnVersions };
    if (!this.isMigrated) await this.migrate();
    const db = options.em ?? this.statementRunner;
    let added: AppendedVersionRow[];
    if (key.destinationName === undefined) {
      added = await upsertCacheStates(
        db,
        this.tables,
        states.map((s) => ({
          sourceName: key.sourceName,
          streamName: s.streamName,
          namespace: s.namespace,
          tableName: key.tablePrefix + s.streamName,
          json: s.json,
        })),
        history,
        this.statements,
      );
    } else {
      const destinationName = key.destinationName;
      added = await upsertDestinationStates(
        db,
        this.tables,
        states.map((s) => ({
          destinationName,
          sourceName: key.sourceName,
          tablePrefix: key.tablePrefix,
          namespace: s.namespace,
          streamName: s.streamName,
          json: s.json,
        })),
        history,
        this.statements,
      );
    }
    this.snapshots.forgetSource(key.sourceName);
    return { added, history };
  }

  /** How a write of `states` (a clear: of unknown streams) records itself in the history. */
  private historyAppend(
    key: StateWriterKey,
    options: WriteOptions | ClearStateOptions,
    states?: readonly PreparedStateMessage[],
  ): HistoryAppend & { sourceName: string } {
    const owner = {
      sourceName: key.sourceName,
      destinationName: key.destinationName ?? '',
      tablePrefix: key.tablePrefix,
    };
    const finite = Number.isFinite(this.historyRetention);
    return {
      ...owner,
      audit: resolveAudit(options),
      retention: this.historyRetention,
      prune: !finite
        ? 'none'
        : states
          ? this.prunes.plan(owner, states, this.historyRetention)
          : 'written',
    };
  }

  private ownerKey(
    sourceName: string,
    options: { destinationName?: string; tablePrefix?: string },
  ): StateWriterKey {
    return {
      sourceName: checkName('sourceName', sourceName),
      destinationName:
        options.destinationName === undefined
          ? undefined
          : checkName('destinationName', options.destinationName),
      tablePrefix: checkTablePrefix(options.tablePrefix ?? this.tablePrefix),
    };
  }
}
