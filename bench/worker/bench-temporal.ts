import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startSyncWorkflow } from '../../src/client/sync-workflows';
import type { SyncProgress } from '../../src/activity-bodies/types';
import { createTestTemporalEnv, resolveTemporalCli } from '../../examples/servers/temporal-cli';
import { timeMs } from '../measure';
import type { BatchSyncInput } from '../../workflows/batch-sync-workflow';
import { createBenchWorker } from './bench-worker';

/** The dev server's SQLite settings for the benchmark: no sync to disk (see below). */
const SQLITE_PRAGMAS = [
  '--sqlite-pragma',
  'journal_mode=wal',
  '--sqlite-pragma',
  'synchronous=off',
];

/** The Temporal side of a benchmark run: one server, one workflow bundle, one task queue. */
export interface BenchTemporal {
  readonly client: Client;
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue: string;
  /** The bundle, also written to {@link bundlePath} for worker processes. */
  readonly bundle: WorkflowBundleWithSourceMap;
  readonly bundlePath: string;
  /** Where the server runs, for the report. */
  readonly description: string;
  /** Runs `body` while an in-process benchmark worker serves the task queue. */
  withWorker<T>(body: () => Promise<T>): Promise<T>;
  /**
   * Starts a sync workflow (default: `batchSyncWorkflow`) on `taskQueue` (default: the
   * in-process worker's) and waits for its result; a worker must serve that queue.
   */
  runSync(
    input: BatchSyncInput,
    taskQueue?: string,
    workflowType?: string,
  ): Promise<BenchSyncResult>;
  close(): Promise<void>;
}

/** One sync's result, its time, and where to find its runs. */
export interface BenchSyncResult {
  readonly ms: number;
  readonly progress: SyncProgress;
  readonly workflowId: string;
  /** The first run of the chain (continue-as-new starts the others). */
  readonly firstRunId: string;
}

/**
 * Starts a Temporal dev server from the resolved CLI (or uses `TEMPORAL_ADDRESS`) and bundles
 * the example worker's workflows, which the Temporal cases run.
 */
export async function startBenchTemporal(databaseUrl: string): Promise<BenchTemporal> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-temporal-'));
  let env: TestWorkflowEnvironment | undefined;
  try {
    const [started, bundle] = await Promise.all([
      // A database file, not the dev server's default in-memory one: a full run leaves ~4 million
      // records of payloads in histories, and the in-memory SQLite ran out of memory on that. Its
      // writes are not synced to disk (WAL, synchronous=off), as the benchmark's PostgreSQL runs
      // with fsync off: with SQLite's default full sync every workflow task waited on the disk
      // (measured: 72-85 ms per workflow task, 31-43 ms without).
      createTestTemporalEnv({
        server: { dbFilename: join(dir, 'temporal.sqlite'), extraArgs: SQLITE_PRAGMAS },
      }),
      bundleWorkflowCode({
        workflowsPath: require.resolve('../../workflows/examples/index'),
        logger: quietLogger,
      }),
    ]);
    env = started;
    const bundlePath = join(dir, 'workflow-bundle.js');
    await writeFile(bundlePath, bundle.code);
    const namespace = env.namespace ?? 'default';
    const taskQueue = `bench-${randomUUID()}`;
    const testEnv = env;
    return {
      client: env.client,
      address: env.address,
      namespace,
      taskQueue,
      bundle,
      bundlePath,
      description: process.env.TEMPORAL_ADDRESS
        ? `the server at TEMPORAL_ADDRESS (${env.address})`
        : `a dev server started for the run (${resolveTemporalCli() ?? 'CLI downloaded by the SDK'}, its SQLite database in a temporary file, journal_mode=wal, synchronous=off)`,
      withWorker: async (body) => {
        const worker = await createBenchWorker({
          connection: testEnv.nativeConnection,
          namespace,
          taskQueue,
          workflowBundle: bundle,
          databaseUrl,
        });
        return worker.runUntil(body());
      },
      runSync: async (input, queue = taskQueue, workflowType = 'batchSyncWorkflow') => {
        let progress: SyncProgress | undefined;
        let workflowId = '';
        let firstRunId = '';
        const ms = await timeMs(async () => {
          const handle = await startSyncWorkflow(testEnv.client, input, {
            taskQueue: queue,
            workflowType,
          });
          workflowId = handle.workflowId;
          // The handle of a start (WorkflowHandleWithFirstExecutionRunId) has it.
          if ('firstExecutionRunId' in handle) firstRunId = String(handle.firstExecutionRunId);
          progress = (await handle.result()) as SyncProgress;
        });
        if (!progress || !firstRunId)
          throw new Error(`sync ${input.connectionId} returned nothing or no first run id`);
        return { ms, progress, workflowId, firstRunId };
      },
      close: async () => {
        await testEnv.teardown();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await env?.teardown();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
};
