#!/usr/bin/env node
/**
 * `npm run worker`: the worker that runs the example syncs, configured by the environment:
 * DATABASE_URL, SYNC_TASK_QUEUE, and Temporal's own TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_API_KEY and TLS variables (so the same worker runs on a cluster or Temporal Cloud).
 * WORKER_READY_FILE, when set, names a file written once the worker runs (for health checks);
 * SYNC_WORKFLOW_BUNDLE, a prebuilt workflow bundle (`npm run bundle-workflows -- FILE`);
 * SYNC_METRICS_ADDRESS, where Prometheus metrics are served (127.0.0.1:9464, or `off`).
 */
import { writeFileSync } from 'node:fs';
import {
  appSettingsFromEnv,
  checkMetricsAddress,
  DEFAULT_METRICS_ADDRESS,
  redactUrl,
  requireDatabaseUrl,
} from './support/settings';
import { runMain } from './support/main';
import { startWorker } from './support/start-worker';
import { entryHelp, type EntrySpec, parseEntryArgs } from './support/entry-args';

const WORKER: EntrySpec = {
  command: 'npm run worker',
  description:
    'The worker that runs the example syncs (`npm run sync`), configured by the environment; SIGINT or SIGTERM stops it gracefully.',
  options: {},
  epilog: [
    'Environment:',
    '  DATABASE_URL          PostgreSQL of the state and the destination tables (required)',
    '  TEMPORAL_ADDRESS      host:port of Temporal (required); TEMPORAL_NAMESPACE (default), TEMPORAL_API_KEY, TLS variables',
    '  SYNC_TASK_QUEUE       task queue (temporal-sync-state)',
    `  SYNC_METRICS_ADDRESS  IP:PORT of the Prometheus endpoint /metrics (${DEFAULT_METRICS_ADDRESS}), or off`,
    '  SYNC_METRICS_LABELS   connection, stream or both: label the commit metrics with them (none)',
    '  SYNC_WORKFLOW_BUNDLE  a prebuilt workflow bundle (npm run bundle-workflows -- FILE)',
    '  WORKER_READY_FILE     a file written once the worker polls (health checks)',
  ],
};

runMain(async () => {
  const args = parseEntryArgs(WORKER, process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${entryHelp(WORKER)}\n`);
    return 0;
  }
  const settings = appSettingsFromEnv();
  const metricsAddress = checkMetricsAddress(
    settings.metricsAddress ?? DEFAULT_METRICS_ADDRESS,
    'SYNC_METRICS_ADDRESS',
  );
  const running = await startWorker(settings, {
    logLevel: 'INFO',
    metricsAddress,
    metricsLabels: settings.metricsLabels,
  });
  process.stdout.write(
    `Worker ready: task queue "${settings.taskQueue}" on ${settings.temporal.address} (namespace ${settings.temporal.namespace}), ` +
      `database ${redactUrl(requireDatabaseUrl(settings))}, ` +
      `workflows ${settings.workflowBundle ? `from the bundle ${settings.workflowBundle}` : 'bundled at start-up'}\n` +
      `Metrics: ${metricsAddress ? `http://${metricsAddress}/metrics (Prometheus)` : 'off'}\n`,
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
  return 0;
});
