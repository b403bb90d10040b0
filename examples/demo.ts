#!/usr/bin/env node
/**
 * `npm run demo [-- --records N --batch-size N --keep]`: the main job on embedded defaults
 * (embedded PostgreSQL unless DATABASE_URL, embedded Temporal dev server unless TEMPORAL_ADDRESS).
 */
import { once } from 'node:events';
import { defaultLogFile, runDemo } from './support/run-demo';
import { runMain } from './support/main';
import { entryHelp, type EntrySpec, parseEntryArgs, wholeNumberOption } from './support/entry-args';

const DEMO: EntrySpec = {
  command: 'npm run demo',
  description:
    'An incremental sync of the sample source into PostgreSQL on Temporal, with a batch that fails once and resumes from its checkpoint, then a second sync of new records only. Starts an embedded PostgreSQL unless DATABASE_URL is set and a Temporal dev server unless TEMPORAL_ADDRESS is set.',
  options: {
    records: { type: 'string', value: 'N', help: 'records per stream in the first sync (40000)' },
    'new-records': {
      type: 'string',
      value: 'N',
      help: 'records per stream added before the second sync (2000)',
    },
    'batch-size': { type: 'string', value: 'N', help: 'records per batch (1000)' },
    'fail-batch': {
      type: 'string',
      value: 'N',
      help: 'the batch of each stream that fails once (5)',
    },
    keep: {
      type: 'boolean',
      help: 'keep the servers and the worker running after the demo, until Ctrl-C or SIGTERM',
    },
  },
};

let logFile: string | undefined;

runMain(
  async () => {
    const args = parseEntryArgs(DEMO, process.argv.slice(2));
    if (args.help) {
      process.stdout.write(`${entryHelp(DEMO)}\n`);
      return 0;
    }
    const options = {
      recordsPerStream: wholeNumberOption(args, 'records', 40_000),
      newRecordsPerStream: wholeNumberOption(args, 'new-records', 2_000, 0),
      batchSize: wholeNumberOption(args, 'batch-size', 1000),
      failBatch:
        args.values['fail-batch'] === undefined
          ? undefined
          : wholeNumberOption(args, 'fail-batch', 5),
    };
    logFile = defaultLogFile();
    await runDemo({
      ...options,
      logFile,
      keepUntil: args.values.keep
        ? Promise.race(
            (['SIGINT', 'SIGTERM'] as const).map((signal) =>
              once(process, signal).then(() => signal),
            ),
          )
        : undefined,
    });
    return 0;
  },
  () =>
    logFile
      ? `The log of the worker and the servers: ${logFile}; DEBUG=1 shows the stack.`
      : undefined,
);
