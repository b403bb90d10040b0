#!/usr/bin/env node
/**
 * `npm run sync -- --connection ID [--records N] [--batch-size N] [--fail-batch N]`: starts the
 * sync of a connection on the worker's task queue, shows its progress, and prints its final state.
 */
import { formatCount, ProgressDisplay } from './support/progress-display';
import { runMain } from './support/main';
import { runSyncToEnd } from './support/run-sync';
import { renderStateTable } from './support/state-table';
import { appSettingsFromEnv, requireTemporalAddress } from './support/settings';
import {
  entryHelp,
  type EntrySpec,
  parseEntryArgs,
  stringOption,
  wholeNumberOption,
} from './support/entry-args';
import { CliError, EXIT } from '../src/cli/errors';
import { connectClient } from '../src/client/temporal-settings';
import type { BatchSyncInput } from '../workflows/batch-sync-workflow';
import { SAMPLE_STREAM_NAMES } from './sample-source/streams';

const SYNC: EntrySpec = {
  command: 'npm run sync',
  description:
    'Starts the sync of a connection from the sample source on the task queue of `npm run worker`, shows its progress and prints its final state. Needs TEMPORAL_ADDRESS (and a running worker).',
  options: {
    connection: { type: 'string', value: 'ID', help: 'the connection to sync (required)' },
    records: { type: 'string', value: 'N', help: 'records per stream (10000)' },
    'batch-size': { type: 'string', value: 'N', help: 'records per batch (1000)' },
    'fail-batch': {
      type: 'string',
      value: 'N',
      help: 'the batch of each stream that fails once (none)',
    },
    'table-prefix': { type: 'string', value: 'P', help: 'prefix of the destination tables (none)' },
  },
  epilog: [
    'Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, SYNC_TASK_QUEUE (temporal-sync-state).',
  ],
};

runMain(async () => {
  const args = parseEntryArgs(SYNC, process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${entryHelp(SYNC)}\n`);
    return 0;
  }
  const connectionId = stringOption(args, 'connection');
  if (!connectionId)
    throw new CliError('--connection ID is required. See: npm run sync -- --help', EXIT.usage);
  const records = wholeNumberOption(args, 'records', 10_000);
  const batchSize = wholeNumberOption(args, 'batch-size', 1000);
  const failBatch =
    args.values['fail-batch'] === undefined ? undefined : wholeNumberOption(args, 'fail-batch', 1);
  const tablePrefix = stringOption(args, 'table-prefix');
  const settings = appSettingsFromEnv();
  requireTemporalAddress(settings);
  const client = await connectClient(settings.temporal);
  try {
    const display = new ProgressDisplay(process.stdout, records);
    const input: BatchSyncInput = {
      connectionId,
      source: {
        name: 'sample-source',
        streams: [...SAMPLE_STREAM_NAMES],
        config: { count: records, ...(failBatch !== undefined ? { failBatch } : {}) },
      },
      destination: tablePrefix !== undefined ? { tablePrefix } : undefined,
      batchSize,
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
  return 0;
});
