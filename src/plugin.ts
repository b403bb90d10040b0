import type { MikroORM } from '@mikro-orm/postgresql';
import { SimplePlugin } from '@temporalio/plugin';
import { createStateActivities } from '../activities/create-state-activities';
import { prefixActivities } from '../activities/prefix-activities';
import type { ConnectionTimeouts } from './backend/options';
import { SqlStateBackend } from './backend/sql-state-backend';
import { InvalidInputError } from './errors';
import type { SourceReader } from './activity-bodies/source-reader';
import { SyncMetrics, type SyncMetricsOptions } from './metrics/sync-metrics';

/** Options of {@link SyncStatePlugin}. Give one of `url`, `backend` or `orm`. */
export interface SyncStatePluginOptions {
  /** PostgreSQL URL; the plugin opens the pool when the worker runs and closes it when it stops. Default: `DATABASE_URL`. */
  readonly url?: string;
  /** An open backend to use as it is; you close it. Default: none (the plugin opens one from `url`). */
  readonly backend?: SqlStateBackend;
  /** Your own MikroORM instance for PostgreSQL; you close it. Default: none. */
  readonly orm?: MikroORM;
  /** Default table prefix of state rows and stream tables. Default: `''`. */
  readonly tablePrefix?: string;
  /** PostgreSQL schema of the state tables. Default: `'public'` (or your MikroORM config's schema). */
  readonly schema?: string;
  /** Largest accepted state message, in bytes. Default: 1 MiB. */
  readonly maxStateBytes?: number;
  /** Versions of each stream's state the history keeps. Default: 100 (`DEFAULT_HISTORY_RETENTION`). */
  readonly historyRetention?: number;
  /** Send each one-stream state write (every checkpoint and commit) as a prepared statement; see `SqlStateBackendOptions.preparedStatements`. Default: `true`. */
  readonly preparedStatements?: boolean;
  /** Most database connections the plugin's pool opens. Default: 10. */
  readonly poolSize?: number;
  /** Timeouts and keepalive of the plugin's own connections (with `url`); see `ConnectionTimeouts` for each default. */
  readonly timeouts?: ConnectionTimeouts;
  /** Registers the activities as `activityNamePrefix + name` (e.g. `syncState.commitBatch`). Default: `''`. */
  readonly activityNamePrefix?: string;
  /**
   * Source readers by name, for the `syncBatch` activity (and `batchSyncWorkflow`): one line per
   * source, e.g. `readers: { orders: readOrders }`. Default: none.
   */
  readonly readers?: Readonly<Record<string, SourceReader>>;
  /** Largest activity input or result, as JSON. Default: 1.5 MB (`DEFAULT_MAX_PAYLOAD_BYTES`), under Temporal's 2 MB. */
  readonly maxPayloadBytes?: number;
  /** Largest `stream_state` a `syncBatch` result carries back to the workflow. Default: 512 bytes. */
  readonly maxResultStateBytes?: number;
  /**
   * How commits are counted on the worker Runtime's meter (exported with the SDK's metrics when
   * the Runtime has an exporter): `{ labels: ['connection', 'stream'] }` adds those labels,
   * `false` counts nothing. Ignored with `backend` (give it its own `metrics`). Default: counted,
   * without those labels (`SyncMetrics`).
   */
  readonly metrics?: SyncMetricsOptions | false;
}

/** Name under which the plugin registers itself. */
export const SYNC_STATE_PLUGIN_NAME = 'temporal-sync-state';

/**
 * A Temporal plugin that gives a worker the state activities (`getState`, `writeState`,
 * `startSync`, `commitBatch`, `syncBatch` over your `readers`, `resetStreams`) and owns their database: it opens the pool and migrates the state
 * tables when the worker starts, and closes the pool when the worker stops.
 *
 * `Worker.create({ plugins: [new SyncStatePlugin({ url })], workflowsPath, taskQueue })`
 */
export class SyncStatePlugin extends SimplePlugin {
  /** Holds the backend once the worker runs (or from the start when you passed one). */
  private readonly holder: { current?: SqlStateBackend };

  constructor(options: SyncStatePluginOptions = {}) {
    const given = [options.url, options.backend, options.orm].filter((v) => v !== undefined).length;
    if (given > 1)
      throw new InvalidInputError(
        'SyncStatePlugin options',
        'only one of url, backend and orm',
        `${given} of them`,
      );
    const url =
      options.url ?? (options.backend || options.orm ? undefined : process.env.DATABASE_URL);
    if (!url && !options.backend && !options.orm) {
      throw new InvalidInputError(
        'SyncStatePlugin options',
        'a url, a backend or an orm (or DATABASE_URL in the environment)',
        'none of them',
      );
    }
    const holder: { current?: SqlStateBackend } = {};
    const metrics = options.metrics ? new SyncMetrics(options.metrics) : undefined;
    const backendOptions = {
      ...options,
      metrics: options.metrics === false ? (false as const) : metrics,
    };
    if (options.backend) holder.current = options.backend;
    else if (options.orm) holder.current = new SqlStateBackend(options.orm, backendOptions);
    const backend = (): SqlStateBackend => {
      if (!holder.current)
        throw new Error(
          'temporal-sync-state: the database is not open; activities run only while the worker runs.',
        );
      return holder.current;
    };
    super({
      name: SYNC_STATE_PLUGIN_NAME,
      activities: prefixActivities(
        createStateActivities(backend, {
          readers: options.readers,
          maxPayloadBytes: options.maxPayloadBytes,
          maxResultStateBytes: options.maxResultStateBytes,
        }),
        options.activityNamePrefix ?? '',
      ),
      runContext: async (next) => {
        if (!url) {
          await backend().migrate(); // fail at start-up, not at the first activity
          return next();
        }
        const opened = await SqlStateBackend.connect({ ...backendOptions, url });
        holder.current = opened;
        try {
          await next();
        } finally {
          holder.current = undefined;
          metrics?.close();
          await opened.close();
        }
      },
    });
    this.holder = holder;
  }

  /** The backend the activities use; throws while the plugin's own database is not open. */
  get backend(): SqlStateBackend {
    if (!this.holder.current)
      throw new Error(
        'temporal-sync-state: the database is not open; it opens when the worker runs.',
      );
    return this.holder.current;
  }
}
