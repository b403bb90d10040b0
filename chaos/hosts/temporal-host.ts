/**
 * The Temporal dev server on a host of its own in the lab. It is bound to 0.0.0.0 inside a
 * namespace that has only `lo` and the host's address (with `--ip ADDR` its internal services,
 * which dial 127.0.0.1, would fail), keeps its state in a SQLite file, and can be SIGKILLed and
 * started again on it.
 */
import { createWriteStream } from 'node:fs';
import { waitUntilServing } from '../../examples/servers/dev-server';
import { resolveTemporalCli } from '../../examples/servers/temporal-cli';
import type { NetworkLab } from './lab';

/** The gRPC port of the dev server, on its host. */
export const TEMPORAL_PORT = 7233;

/** The Temporal dev server on the lab host `temporal`. */
export interface TemporalHost {
  /** `host:port` inside the lab (what the workers' proxies dial). */
  readonly labAddress: string;
  /** SIGKILLs every process on the host. */
  kill(): Promise<void>;
  /** Starts the server on its SQLite file and waits until `harnessAddress` answers. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a dev server on a new lab host `temporal`; `harnessAddress()` reaches it from the harness. */
export async function startTemporalHost(
  lab: NetworkLab,
  options: {
    readonly dbFilename: string;
    readonly logFile: string;
    readonly harnessAddress: () => string;
  },
): Promise<TemporalHost> {
  const cli = resolveTemporalCli();
  if (!cli)
    throw new Error(
      'No Temporal CLI found: run `bash scripts/setup-python.sh`, or set TEMPORAL_CLI_PATH.',
    );
  const host = lab.host('temporal'); // added by the caller, so that the gateway knows its address
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const server: TemporalHost = {
    labAddress: `${host.address}:${TEMPORAL_PORT}`,
    start: async () => {
      const child = lab.spawn(
        'temporal',
        cli,
        [
          'server',
          'start-dev',
          '--ip',
          '0.0.0.0',
          '--port',
          String(TEMPORAL_PORT),
          '--headless',
          '--db-filename',
          options.dbFilename,
          '--log-level',
          'warn',
          '--log-format',
          'json',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout?.pipe(log, { end: false });
      child.stderr?.pipe(log, { end: false });
      await waitUntilServing(options.harnessAddress(), child, 90_000);
    },
    kill: async () => {
      for (const pid of lab.pids('temporal')) process.kill(pid, 'SIGKILL');
      while (lab.pids('temporal').length > 0) await new Promise((r) => setTimeout(r, 50));
    },
    close: async () => {
      lab.removeHost('temporal');
      log.end();
      return Promise.resolve();
    },
  };
  await server.start();
  return server;
}
