#!/usr/bin/env node
/**
 * The chaos worker: the worker of `npm run worker` (startWorker in examples/support/start-worker.ts: the
 * state plugin, the sample source and the example workflows, configured by DATABASE_URL,
 * TEMPORAL_ADDRESS and SYNC_TASK_QUEUE), plus the fault hooks of worker-faults.ts (around every
 * activity) and fault-reader.ts (around the sample reader that `syncBatch` calls), the workflow
 * bundle that the harness built once (CHAOS_WORKFLOW_BUNDLE, with the activity timeouts of
 * activity-timeouts.ts) and a short sticky-queue timeout. The harness runs it as a separate
 * process and kills it.
 */
import type { ConnectionTimeouts } from '../src/backend/options';
import { appSettingsFromEnv } from '../examples/support/settings';
import { runMain } from '../examples/support/main';
import { startWorker } from '../examples/support/start-worker';
import { createSampleSourceReader } from '../examples/sample-source/reader';
import { faultReader } from './fault-reader';
import { CHAOS_READER } from './sync-path';
import { faultInterceptor, faultsFromEnv, writeEvent } from './worker-faults';

runMain(async () => {
  const faults = faultsFromEnv();
  const bundle = process.env.CHAOS_WORKFLOW_BUNDLE;
  if (!bundle) throw new Error('CHAOS_WORKFLOW_BUNDLE is not set: npm run chaos sets it');
  const running = await startWorker(appSettingsFromEnv(), {
    logLevel: 'INFO',
    poolSize: Number(process.env.CHAOS_POOL_SIZE ?? 10),
    timeouts: JSON.parse(process.env.CHAOS_DB_TIMEOUTS ?? '{}') as ConnectionTimeouts,
    readers: { [CHAOS_READER]: faultReader(createSampleSourceReader(), faults) },
    workerOptions: {
      workflowBundle: { codePath: bundle },
      interceptors: { activity: [faultInterceptor(faults)] },
      // A workflow task meant for a killed worker's sticky queue moves on after 1 s, not 10 s.
      stickyQueueScheduleToStartTimeout: '1 second',
      ...(process.env.CHAOS_POLLS
        ? {
            maxConcurrentActivityTaskPolls: Number(process.env.CHAOS_POLLS),
            maxConcurrentWorkflowTaskPolls: Number(process.env.CHAOS_POLLS),
          }
        : {}),
    },
  });
  // Ready once it polls: the plugin opens and migrates its database first.
  while (running.worker.getState() === 'INITIALIZED')
    await new Promise((resolve) => setTimeout(resolve, 20));
  writeEvent(faults.eventsFile, {
    e: 'ready',
    t: Date.now(),
    worker: faults.worker,
    pid: process.pid,
  });
  process.stdout.write(`chaos worker ${faults.worker} ready (pid ${process.pid})\n`);
  process.once('SIGTERM', () => void running.shutdown());
  await running.done;
});
