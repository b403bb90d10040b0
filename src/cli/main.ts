#!/usr/bin/env node
/**
 * The `temporal-sync-state` command: `npx temporal-sync-state state list`, or in this repository
 * `npm run state -- state list` (`npx tsx src/cli/main.ts state list`). See src/cli/run-cli.ts.
 */
import { runCli } from './run-cli';

const io = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
};

// exitCode rather than process.exit(): stdout may still be flushing to a pipe.
runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
