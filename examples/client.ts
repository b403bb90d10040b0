#!/usr/bin/env node
/**
 * `npm run sync -- --connection ID [--records N] [--batch-size N] [--fail-batch N]`: starts the
 * sync of a connection on the worker's task queue, shows its progress, and prints its final state.
 */
import { formatCount, ProgressDisplay } from './support/progress-display';
import { numberFlag, runMain } from './support/main';
import { runSyncToEnd } from './support/run-sync';
import { renderStateTable } from './support/state-table';
import { appSettingsFromEnv, requireTemporalAddress } from './support/settings';
import { connectClient } from '../src/client/temporal-settings';
import type { BatchSyncInput } from '../workflows/batch-sync-workflow';
import { SAMPLE_STREAM_NAMES } from './sample-source/streams';

const args = process.argv.slice(2);
const usage =
  'Usage: npm run sync -- --connection ID [--records N (per stream, default 10000)] [--batch-size N (1000)] [--fail-batch N] [--table-prefix P]\n';
if (args.includes('--help')) {
  process.stdout.write(usage);
  process.exit(0);
}

runMain(async () => {
  const connectionId = args[args.indexOf('--connection') + 1];
  if (!args.includes('--connection') || !connectionId)
    throw new Error(`--connection is required.\n${usage}`);
  const settings = appSettingsFromEnv();
  requireTemporalAddress(settings);
  const records = numberFlag(args, '--records', 10_000);
  const prefixAt = args.indexOf('--table-prefix');
  const client = await connectClient(settings.temporal);
  try {
    const display = new ProgressDisplay(process.stdout, records);
    const input: BatchSyncInput = {
      connectionId,
      source: {
        name: 'sample-source',
        streams: [...SAMPLE_STREAM_NAMES],
        config: {
          count: records,
          ...(args.includes('--fail-batch')
            ? { failBatch: numberFlag(args, '--fail-batch', 1) }
            : {}),
        },
      },
      destination: prefixAt >= 0 ? { tablePrefix: args[prefixAt + 1] } : undefined,
      batchSize: numberFlag(args, '--batch-size', 1000),
    };
    const progress = await runSyncToEnd(client, input, {
      taskQueue: settings.taskQueue,
      onProgress: (p) => display.update(p),
    });
    display.finish(progress);
    process.stdout.write(
      `\n${renderStateTable(progress)}\n\n${formatCount(progress.recordsCommitted)} records committed in ${progress.batchesCommitted} batches.\n`,
    );
  } finally {
    await client.connection.close();
  }
});
