import {
  bundleWorkflowCode,
  DefaultLogger,
  type Logger,
  type LogLevel,
  Runtime,
  Worker,
  type WorkerOptions,
} from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { InvalidInputError } from '../../src/errors';
import { createSampleSourceActivities } from '../../activities/examples/sample-source-activities';
import { createSampleSourceReader } from '../sample-source/reader';
import { type AppSettings, requireDatabaseUrl, requireTemporalAddress } from './settings';
import { connectWorker } from '../../src/client/temporal-settings';
import type { ConnectionTimeouts } from '../../src/backend/options';
import { SqlStateBackend } from '../../src/backend/sql-state-backend';
import { SyncStatePlugin } from '../../src/plugin';
import type { SourceReader } from '../../src/activity-bodies/source-reader';
import { COMMIT_LATENCY, COMMIT_LATENCY_BUCKETS_MS } from '../../src/metrics/metric-names';
import type { SyncMetricLabel } from '../../src/metrics/sync-metrics';

/** Options of {@link startWorker}. */
export interface StartWorkerOptions {
  /** Most database connections. Default: 10. */
  readonly poolSize?: number;
  /** Timeouts and keepalive of the state plugin's connections. Default: those of `ConnectionTimeouts`. */
  readonly timeouts?: ConnectionTimeouts;
  /** Source readers for `syncBatch`. Default: the sample source's, as `'sample-source'`. */
  readonly readers?: Readonly<Record<string, SourceReader>>;
  /** Lowest level the SDK logs. Default: `'WARN'` (the demo keeps its screen for progress). */
  readonly logLevel?: LogLevel;
  /** Where the SDK logs, unless {@link installRuntime} ran before. Default: the console. */
  readonly logger?: Logger;
  /**
   * `IP:PORT` where the Runtime serves Prometheus metrics (the SDK's and the commit step's),
   * unless {@link installRuntime} ran before. Default: none (metrics are not exported).
   */
  readonly metricsAddress?: string;
  /** Labels of the commit step's metrics with the user's names (see `SyncMetricsOptions`). Default: none. */
  readonly metricsLabels?: readonly SyncMetricLabel[];
  /**
   * Extra worker options, e.g. `interceptors`, or a prebuilt `workflowBundle` instead of bundling
   * the example workflows at start-up (the fault harness uses these). Default: none.
   */
  readonly workerOptions?: Pick<
    WorkerOptions,
    | 'interceptors'
    | 'workflowBundle'
    | 'stickyQueueScheduleToStartTimeout'
    | 'maxConcurrentActivityTaskPolls'
    | 'maxConcurrentWorkflowTaskPolls'
  >;
}

/** `SYNC_WORKFLOW_BUNDLE`'s file, checked before anything connects, or none. */
function prebuiltBundle(settings: AppSettings): { codePath: string } | undefined {
  const codePath = settings.workflowBundle;
  if (codePath === undefined) return undefined;
  if (!existsSync(codePath)) {
    throw new InvalidInputError(
      'SYNC_WORKFLOW_BUNDLE',
      'the path of a bundle written by `npm run bundle-workflows -- FILE`',
      `${codePath}, which does not exist`,
    );
  }
  return { codePath };
}

/** A running worker: `done` settles when it stops; `shutdown()` stops it gracefully. */
export interface RunningWorker {
  readonly worker: Worker;
  readonly done: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Installs the SDK runtime with our logger, once, before anything instantiates the default one
 * (a dev server or a connection would), serving Prometheus metrics on `metricsAddress` if given.
 * Later calls change nothing.
 */
export function installRuntime(logger: Logger, metricsAddress?: string): void {
  if (runtimeInstalled) return;
  Runtime.install({
    logger,
    ...(metricsAddress
      ? {
          telemetryOptions: {
            metrics: {
              prometheus: {
                bindAddress: metricsAddress,
                histogramBucketOverrides: { [COMMIT_LATENCY.name]: [...COMMIT_LATENCY_BUCKETS_MS] },
              },
            },
          },
        }
      : {}),
  });
  runtimeInstalled = true;
}

let runtimeInstalled = false;

/**
 * Starts the worker that runs the example syncs: the state plugin (its own pool on
 * `DATABASE_URL`), the sample source's activities, and the example workflows, on `SYNC_TASK_QUEUE`.
 */
export async function startWorker(
  settings: AppSettings,
  options: StartWorkerOptions = {},
): Promise<RunningWorker> {
  const url = requireDatabaseUrl(settings);
  requireTemporalAddress(settings);
  const bundle = options.workerOptions?.workflowBundle ?? prebuiltBundle(settings);
  installRuntime(
    options.logger ?? new DefaultLogger(options.logLevel ?? 'WARN'),
    options.metricsAddress,
  );
  // Open and migrate the database once before polling, so that a wrong URL, a missing privilege
  // or a failed migration stops the start-up with its error instead of surfacing later.
  await (await SqlStateBackend.connect({ url, schema: settings.schema, poolSize: 2 })).close();
  const connection = await connectWorker(settings.temporal);
  const worker = await Worker.create({
    connection,
    namespace: settings.temporal.namespace,
    taskQueue: settings.taskQueue,
    ...options.workerOptions,
    workflowBundle: bundle ?? (await bundleQuietly()),
    activities: createSampleSourceActivities(),
    plugins: [
      new SyncStatePlugin({
        url,
        poolSize: options.poolSize,
        schema: settings.schema,
        readers: options.readers ?? { 'sample-source': createSampleSourceReader() },
        timeouts: options.timeouts,
        ...(options.metricsLabels?.length ? { metrics: { labels: options.metricsLabels } } : {}),
      }),
    ],
  });
  const done = worker.run().finally(() => connection.close());
  return {
    worker,
    done,
    shutdown: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

/**
 * Bundles the example workflows without webpack's ~20 lines of statistics, which the SDK logs at
 * INFO when the worker bundles them itself; a bundling error is still thrown with its message.
 */
async function bundleQuietly(): Promise<{ code: string }> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows/examples/index'),
    logger: new DefaultLogger('WARN'),
  });
  return { code };
}
