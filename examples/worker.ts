#!/usr/bin/env node
/**
 * `npm run worker`: the worker that runs the example syncs, configured by the environment:
 * DATABASE_URL, SYNC_TASK_QUEUE, and Temporal's own TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_API_KEY and TLS variables (so the same worker runs on a cluster or Temporal Cloud).
 * WORKER_READY_FILE, when set, names a file written once the worker runs (for health checks);
 * SYNC_WORKFLOW_BUNDLE, a prebuilt workflow bundle (`npm run bundle-workflows -- FILE`).
 */
import { writeFileSync } from 'node:fs';
import { appSettingsFromEnv, redactUrl, requireDatabaseUrl } from './support/settings';
import { runMain } from './support/main';
import { startWorker } from './support/start-worker';

runMain(async () => {
  const settings = appSettingsFromEnv();
  const running = await startWorker(settings, { logLevel: 'INFO' });
  process.stdout.write(
    `Worker ready: task queue "${settings.taskQueue}" on ${settings.temporal.address} (namespace ${settings.temporal.namespace}), ` +
      `database ${redactUrl(requireDatabaseUrl(settings))}, ` +
      `workflows ${settings.workflowBundle ? `from the bundle ${settings.workflowBundle}` : 'bundled at start-up'}\n`,
  );
  // A file for container health checks: it exists once the worker polls its task queue.
  if (process.env.WORKER_READY_FILE)
    writeFileSync(process.env.WORKER_READY_FILE, `${process.pid}\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stdout.write(`${signal}: shutting down gracefully\n`);
      void running.shutdown();
    });
  }
  await running.done;
});
