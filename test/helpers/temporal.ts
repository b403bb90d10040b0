import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  type LogLevel,
  Worker,
  type WorkerOptions,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createSampleSourceActivities } from '../../activities/examples/sample-source-activities';
import { createSampleSourceReader } from '../../examples/sample-source/reader';
import { SyncStatePlugin, type SyncProgress } from '../../src';
import { createTestTemporalEnv } from '../../examples/servers/temporal-cli';
import { getSyncStateQuery, syncWorkflowId } from '../../workflows/definitions';

/** A Temporal environment and the example workflows, bundled once for the file's workers. */
export interface TestTemporal {
  readonly env: TestWorkflowEnvironment;
  readonly workflowBundle: WorkflowBundleWithSourceMap;
}

/**
 * Starts a dev server (or connects to `TEMPORAL_ADDRESS`) while it bundles the example workflows,
 * or those of `workflowsPath` (`logLevel` for the bundler's output; default `'WARN'`). The caller
 * tears `env` down.
 */
export async function startTestTemporal(
  logLevel: LogLevel = 'WARN',
  workflowsPath = require.resolve('../../workflows/examples/index'),
): Promise<TestTemporal> {
  const [env, workflowBundle] = await Promise.all([
    createTestTemporalEnv(),
    bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger(logLevel) }),
  ]);
  return { env, workflowBundle };
}

/** What a test worker runs: by default the sample source's activities and the state plugin. */
export interface TestWorkerOptions {
  readonly taskQueue: string;
  /** The plugin's database, when `plugins` is not given. */
  readonly databaseUrl?: string;
  /** Pool of that plugin. Default: 2. */
  readonly poolSize?: number;
  readonly plugins?: WorkerOptions['plugins'];
  readonly activities?: WorkerOptions['activities'];
}

/** Runs `body` while a worker serves the task queue, and stops the worker after it. */
export async function withTestWorker<T>(
  temporal: TestTemporal,
  options: TestWorkerOptions,
  body: () => Promise<T>,
): Promise<T> {
  const { env, workflowBundle } = temporal;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: options.taskQueue,
    workflowBundle,
    activities: options.activities ?? createSampleSourceActivities(),
    plugins: options.plugins ?? [
      new SyncStatePlugin({
        url: options.databaseUrl,
        poolSize: options.poolSize ?? 2,
        readers: { 'sample-source': createSampleSourceReader() },
      }),
    ],
  });
  return worker.runUntil(body());
}

/** Queries the sync of `connectionId` until `done` holds for its progress (at most ~30 s). */
export async function untilSyncProgress(
  client: Client,
  connectionId: string,
  done: (progress: SyncProgress) => boolean,
): Promise<SyncProgress> {
  const handle = client.workflow.getHandle(syncWorkflowId(connectionId));
  for (let i = 0; i < 600; i++) {
    const progress = await handle.query(getSyncStateQuery).catch(() => undefined);
    if (progress && done(progress)) return progress;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the sync of ${connectionId} made no progress`);
}
