#!/usr/bin/env node
// `npm test`: node's test runner over test/**/*.test.ts, with a PostgreSQL to test against.
//
// Unless DATABASE_URL is set, one embedded PostgreSQL is started for the whole run and its URL is
// exported as DATABASE_URL; each test file makes its own database in it (test/helpers/database.ts),
// so files can run in parallel. The server is stopped at the end, also on Ctrl-C or SIGTERM, and
// the runner's exit code is ours.
//
// Usage: npm test [-- [files or folders...] [node --test flags, in --flag=value form...]]
//   npm test -- test/infra --test-name-pattern="isolated"
// Env: DATABASE_URL  use this server instead (its user must be allowed to CREATE DATABASE)
//      TEST_CONCURRENCY  test files run at once (default: 2)
//      KEEP_TEST_POSTGRES=1  after a failed run, keep the embedded server (and so the databases
//                            of failed files) up until Ctrl-C, to look at them with psql
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { require as tsxRequire } from 'tsx/cjs/api';
import { quietOutput } from './quiet-output.mjs';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Node's own default is cores - 1, i.e. 1 here; files have their own databases and the Temporal
// ones mostly wait on servers, so 2 at once suits the 2-core machines (no slower when measured).
const defaultConcurrency = 2;

/** Every *.test.ts under `dir`, sorted so that runs are reproducible. */
function findTestFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((file) => file.endsWith('.test.ts') && !file.split(path.sep).includes('node_modules'))
    .map((file) => path.join(dir, file))
    .sort();
}

/** Splits our arguments into test files (existing paths; folders expanded) and runner flags. */
function parseArgs(args) {
  const files = [];
  const flags = [];
  for (const arg of args) {
    if (!arg.startsWith('-') && existsSync(arg)) {
      files.push(...(statSync(arg).isDirectory() ? findTestFiles(arg) : [arg]));
    } else {
      flags.push(arg);
    }
  }
  return { files, flags };
}

const { files: requested, flags } = parseArgs(process.argv.slice(2));
const files = requested.length > 0 ? requested : findTestFiles(path.join(projectRoot, 'test'));
if (files.length === 0) {
  console.error('scripts/test.mjs: no *.test.ts files found');
  process.exit(1);
}
const hasFlag = (name) => flags.some((flag) => flag === name || flag.startsWith(`${name}=`));
const runnerArgs = [
  '--import',
  'tsx',
  '--test',
  // Node 20 prints TAP when stdout is not a terminal; CI reads the spec reporter's summary.
  ...(hasFlag('--test-reporter') ? [] : ['--test-reporter=spec']),
  ...(hasFlag('--test-concurrency')
    ? []
    : [`--test-concurrency=${process.env.TEST_CONCURRENCY ?? defaultConcurrency}`]),
  ...flags,
  ...files,
];

let server;
let runner;
let signalled;

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // A second signal means "now": do not wait for the test files to finish their clean-up.
    runner?.kill(signalled ? 'SIGKILL' : signal);
    signalled ??= signal;
  });
}

async function startServer() {
  // One implementation of the embedded start: the project's TypeScript, loaded through tsx.
  const { startEmbeddedPostgres } = tsxRequire(
    '../examples/servers/embedded-postgres.ts',
    import.meta.url,
  );
  const started = Date.now();
  const pg = await startEmbeddedPostgres();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.error(`scripts/test.mjs: embedded PostgreSQL on 127.0.0.1:${pg.port} (${seconds} s)`);
  return pg;
}

function runTests(env) {
  return new Promise((resolve) => {
    // Through a filter that drops dev-server banners (and terminal codes when not on a terminal);
    // on a terminal the reporter keeps its colours.
    const colours = process.stdout.isTTY && !process.env.NO_COLOR ? { FORCE_COLOR: '1' } : {};
    runner = spawn(process.execPath, runnerArgs, {
      cwd: projectRoot,
      env: { ...colours, ...env },
      stdio: ['inherit', 'pipe', 'pipe'],
    });
    runner.stdout.pipe(quietOutput({ stripAnsi: !process.stdout.isTTY })).pipe(process.stdout);
    runner.stderr.pipe(quietOutput({ stripAnsi: !process.stderr.isTTY })).pipe(process.stderr);
    runner.on('error', (error) => {
      console.error(`scripts/test.mjs: could not start the test runner: ${error.message}`);
      resolve(1);
    });
    // 'close', not 'exit': the filtered output has been written by then.
    runner.on('close', (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 0)));
  });
}

let exitCode = 1;
try {
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    server = await startServer();
    databaseUrl = server.url;
  }
  if (!signalled) exitCode = await runTests({ ...process.env, DATABASE_URL: databaseUrl });
  if (server && exitCode !== 0 && !signalled && process.env.KEEP_TEST_POSTGRES) {
    console.error(`scripts/test.mjs: PostgreSQL stays up at ${server.url}; Ctrl-C stops it`);
    await new Promise((resolve) => {
      const poll = setInterval(() => signalled && (clearInterval(poll), resolve()), 200);
    });
    signalled = undefined; // the Ctrl-C only ends the wait: keep the runner's exit code
  }
} catch (error) {
  console.error('scripts/test.mjs:', error instanceof Error ? error.message : error);
} finally {
  try {
    await server?.stop();
  } catch (error) {
    console.error('scripts/test.mjs: could not stop PostgreSQL:', error);
  }
}
if (signalled) exitCode = 128 + constants.signals[signalled];
// Explicit exit: nothing left running may turn a failure into success (see embedded-postgres.ts).
process.exit(exitCode);
