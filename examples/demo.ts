#!/usr/bin/env node
/**
 * `npm run demo [-- --records N --batch-size N --keep]`: the main job on embedded defaults
 * (embedded PostgreSQL unless DATABASE_URL, embedded Temporal dev server unless TEMPORAL_ADDRESS).
 */
import { once } from 'node:events';
import { runDemo } from './support/run-demo';
import { numberFlag, runMain } from './support/main';

const args = process.argv.slice(2);
if (args.includes('--help')) {
  process.stdout.write(
    'Usage: npm run demo [-- --records N] [--new-records N] [--batch-size N] [--fail-batch N] [--keep]\n',
  );
  process.exit(0);
}
let logFile: string | undefined;
runMain(async () => {
  await runDemo({
    recordsPerStream: numberFlag(args, '--records', 40_000),
    newRecordsPerStream: numberFlag(args, '--new-records', 2_000),
    batchSize: numberFlag(args, '--batch-size', 1000),
    failBatch: args.includes('--fail-batch') ? numberFlag(args, '--fail-batch', 5) : undefined,
    keepUntil: args.includes('--keep') ? once(process, 'SIGINT').then(() => undefined) : undefined,
    logFile,
  });
}, 'The log of the worker and the servers is in .tmp/ (the newest demo-*.log); DEBUG=1 shows the stack.');
