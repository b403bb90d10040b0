#!/usr/bin/env node
/**
 * The sample source as an Airbyte connector executable:
 *   npx tsx examples/sample-source/main.ts read --config config.json --catalog catalog.json [--state state.json]
 * or, after `npm run build:examples`, `node build/examples/sample-source/main.js ...`. See examples/sample-source/cli.ts.
 */
import { runCli } from './cli';

// exitCode rather than process.exit(): stdout may still be flushing to a pipe.
runCli(process.argv.slice(2), process.stdout).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  },
);
