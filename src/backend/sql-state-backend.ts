import { type EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { describeValue, InvalidInputError } from '../errors';
import { syncStateEntities } from '../entities';
import { type PreparedStateMessage, prepareStateMessage } from '../protocol/validate';
import { runMigrations } from './migrations/run-migrations';
import {
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
import { type StateTables, stateTables } from './sql/executor';
import { selectStates } from './sql/select-states';
import { upsertCacheStates } from './sql/upsert-cache-states';
import { upsertDestinationStates } from './sql/upsert-destination-states';
import { parseStoredState, StoredStateProvider } from './stored-state';
import { SqlStateWriter, type StateWriterKey, type WriteOptions } from './sql-state-writer';
import type { StateProvider } from './state-provider';

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
  private ownsOrm = false;
  private migrated: Promise<void> | undefined;
  private readonly snapshots = new Map<string, StoredStateProvider>();

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
  }

  /** Opens a PostgreSQL connection pool, migrates the state tables, and returns a backend that owns the pool. */
  static async connect(options: ConnectOptions): Promise<SqlStateBackend> {
    if (typeof options?.url !== 'string' || !/^postgres(ql)?:\/\//.test(options.url)) {
      throw new InvalidInputError(
        'url',
        'a postgres:// or postgresql:// URL',
        options?.url === undefined ? 'nothing' : 'another value',
      );
    }
    const schema = checkSchema(options.schema ?? DEFAULT_SCHEMA);
    const poolSize = options.poolSize ?? 10;
    if (!Number.isInteger(poolSize) || poolSize < 1) {
      throw new InvalidInputError('poolSize', 'a positive whole number', describeValue(poolSize));
    }
    const orm = await MikroORM.init({
      clientUrl: options.url,
      schema,
      entities: [...syncStateEntities],
      pool: { min: 0, max: poolSize },
      allowGlobalContext: false,
      ensureDatabase: false,
      debug: false,
    });
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
      () => undefined,
      (error: unknown) => {
        this.migrated = undefined; // a transient failure must not poison the backend
        throw error;
      },
    );
    return this.migrated;
  }

  /** A writer of the state of `sourceName` (PyAirbyte's `get_state_writer`). */
  getStateWriter(sourceName: string, options: StateWriterOptions = {}): SqlStateWriter {
    const key: StateWriterKey = {
      sourceName: checkName('sourceName', sourceName),
      destinationName:
        options.destinationName === undefined
          ? undefined
          : checkName('destinationName', options.destinationName),
      tablePrefix: checkTablePrefix(options.tablePrefix ?? this.tablePrefix),
    };
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
   * source, destination, table prefix and streams, in any combination.
   */
  async getStateProvider(
    sourceName: string,
    options: StateProviderOptions = {},
  ): Promise<StateProvider> {
    const selection = {
      sourceName: checkName('sourceName', sourceName),
      destinationName:
        options.destinationName === undefined
          ? undefined
          : checkName('destinationName', options.destinationName),
      tablePrefix: checkTablePrefix(options.tablePrefix ?? this.tablePrefix),
      streams: checkStreamsFilter(options.streamsFilter),
    };
    const cacheKey = JSON.stringify([
      selection.sourceName,
      selection.destinationName ?? null,
      selection.tablePrefix,
      selection.streams ?? null,
    ]);
    if (options.refresh === false) {
      const cached = this.snapshots.get(cacheKey);
      if (cached) return cached;
    }
    await this.migrate();
    const db = options.em ?? this.fork();
    const rows = await selectStates(db, this.tables, selection);
    const table =
      selection.destinationName === undefined ? '_airbyte_state' : '_airbyte_destination_state';
    const provider = new StoredStateProvider(rows.map((row) => parseStoredState(row, table)));
    this.snapshots.set(cacheKey, provider);
    return provider;
  }

  /** Closes the connection pool if {@link connect} opened it; a MikroORM instance you passed in stays open. */
  async close(): Promise<void> {
    this.snapshots.clear();
    if (this.ownsOrm) await this.orm.close(true);
  }

  /** A fresh EntityManager for one call: no shared context, no identity map that grows. */
  fork(): EntityManager {
    return this.orm.em.fork();
  }

  private prepare(message: unknown): PreparedStateMessage {
    return prepareStateMessage(message, { maxBytes: this.maxStateBytes });
  }

  private async write(
    key: StateWriterKey,
    states: readonly PreparedStateMessage[],
    options: WriteOptions,
  ): Promise<void> {
    await this.migrate();
    const db = options.em ?? this.fork();
    if (key.destinationName === undefined) {
      await upsertCacheStates(
        db,
        this.tables,
        states.map((s) => ({
          sourceName: key.sourceName,
          streamName: s.streamName,
          namespace: s.namespace,
          tableName: key.tablePrefix + s.streamName,
          json: s.json,
        })),
      );
    } else {
      const destinationName = key.destinationName;
      await upsertDestinationStates(
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
      );
    }
    this.forgetSnapshots(key.sourceName);
  }

  private forgetSnapshots(sourceName: string): void {
    for (const cacheKey of this.snapshots.keys()) {
      if ((JSON.parse(cacheKey) as unknown[])[0] === sourceName) this.snapshots.delete(cacheKey);
    }
  }
}
