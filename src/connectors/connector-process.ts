import { type ChildProcessByStdio, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  buildConnectorCommand,
  CONNECTOR_HOME_DIR,
  type ConnectorCommand,
  type ConnectorFiles,
  type ConnectorVerb,
} from './connector-command';
import { ConnectorError } from './connector-error';
import { type ConnectorSpec, isDockerConnector } from './connector-spec';
import { runDirPrefix, sweepOrphanRunDirs } from './orphan-run-dirs';
import { readLines } from './read-lines';

/** Default time a connector gets to exit after SIGTERM before it is killed. */
export const DEFAULT_STOP_GRACE_MS = 5_000;
/** Lines of stderr kept for error messages. */
const STDERR_TAIL_LINES = 30;

/** The files a command reads: written to a private folder for the run, removed after it. */
export interface ConnectorInputs {
  readonly config?: unknown;
  readonly catalog?: unknown;
  /** The `--state` file text (absent: no `--state`). */
  readonly stateText?: string;
}

/** Options of {@link ConnectorProcess.start}. */
export interface ConnectorProcessOptions {
  /** The Docker CLI. Default: `docker`. */
  readonly dockerPath?: string;
  /** Parent folder of the run's folder. Default: the OS temp folder. */
  readonly tempDir?: string;
  /** Time between SIGTERM and SIGKILL when stopping. Default: {@link DEFAULT_STOP_GRACE_MS}. */
  readonly stopGraceMs?: number;
  /** Called with each stderr line. Default: none. */
  readonly onStderrLine?: (line: string) => void;
}

/** How the process ended. */
export interface ConnectorExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * One running connector command: its files, its process, its stdout lines and the tail of its
 * stderr. Call {@link dispose} in a `finally`: it stops the process if it still runs and removes
 * the files (which hold the config, secrets included).
 */
export class ConnectorProcess {
  /** Resolves when the process has exited and its output is closed. */
  readonly exited: Promise<ConnectorExit>;
  private readonly stderrLines: string[] = [];
  private stopping: Promise<void> | undefined;
  private done = false;

  private constructor(
    private readonly child: ChildProcessByStdio<null, Readable, Readable>,
    private readonly command: ConnectorCommand,
    private readonly dir: string,
    private readonly options: ConnectorProcessOptions,
  ) {
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        this.done = true;
        resolve({ code, signal });
      });
    });
    let carry = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const lines = (carry + chunk).split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) this.stderrLine(line);
    });
    child.stderr.on('end', () => carry && this.stderrLine(carry));
  }

  /**
   * Writes the run's files and starts the command. Throws a non-retryable `ConnectorNotFound`
   * when the executable does not exist or may not be run.
   */
  static async start(
    spec: ConnectorSpec,
    verb: ConnectorVerb,
    inputs: ConnectorInputs,
    options: ConnectorProcessOptions = {},
  ): Promise<ConnectorProcess> {
    const docker = isDockerConnector(spec);
    const parent = options.tempDir ?? tmpdir();
    await sweepOrphanRunDirs(parent);
    const dir = await mkdtemp(join(parent, runDirPrefix()));
    try {
      const files = await writeInputs(dir, inputs, docker);
      const command = buildConnectorCommand(spec, verb, files, {
        dockerPath: options.dockerPath,
        containerName: docker ? `temporal-sync-state-${randomBytes(6).toString('hex')}` : undefined,
      });
      const child = spawn(command.command, command.args, {
        cwd: command.cwd,
        env: command.env, // never the worker's own: it holds DATABASE_URL and Temporal's keys
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', (error: NodeJS.ErrnoException) =>
          reject(
            new ConnectorError(
              'ConnectorNotFound',
              `Cannot run connector ${JSON.stringify(command.command)}: ${
                error.code === 'ENOENT'
                  ? 'no such executable (install it, e.g. `bash scripts/setup-python.sh` for .venv/bin/source-faker, or give its full path)'
                  : error.code === 'EACCES'
                    ? 'it is not executable (chmod +x it)'
                    : error.message
              }.`,
            ),
          ),
        );
      });
      return new ConnectorProcess(child, command, dir, options);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The stdout lines, read as fast as the caller consumes them. */
  lines(maxLineLength?: number): AsyncGenerator<string> {
    return readLines(this.child.stdout, maxLineLength);
  }

  /** The last lines of stderr, for error messages. */
  stderrTail(): string {
    return this.stderrLines.join('\n');
  }

  /** Stops the process: SIGTERM, then SIGKILL after the grace time (and `docker rm -f` its container). */
  stop(): Promise<void> {
    this.stopping ??= this.terminate();
    return this.stopping;
  }

  /** Stops the process if it still runs, and removes the run's files. */
  async dispose(): Promise<void> {
    try {
      if (!this.done) await this.stop();
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  private async terminate(): Promise<void> {
    if (this.done) return;
    this.child.stdout.resume(); // drain: a connector blocked on a full pipe cannot see SIGTERM
    this.child.kill('SIGTERM');
    const grace = this.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), grace);
    });
    const outcome = await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    if (outcome !== 'timeout') return;
    this.child.kill('SIGKILL');
    const name = this.command.containerName;
    if (name !== undefined) {
      // SIGKILL cannot be forwarded by the docker CLI: remove the container itself.
      await new Promise<void>((resolve) =>
        execFile(this.command.command, ['rm', '--force', name], () => resolve()),
      );
    }
    await this.exited;
  }

  private stderrLine(line: string): void {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text.trim() === '') return;
    this.stderrLines.push(text);
    if (this.stderrLines.length > STDERR_TAIL_LINES) this.stderrLines.shift();
    this.options.onStderrLine?.(text);
  }
}

/**
 * Writes the inputs as files. Private to the worker's user (0700/0600) for a local connector, with
 * the empty folder that is its HOME; a container may run as another user, so for Docker they are
 * readable (0755/0644), as PyAirbyte makes them, inside a folder with a random name.
 */
async function writeInputs(
  dir: string,
  inputs: ConnectorInputs,
  docker: boolean,
): Promise<ConnectorFiles> {
  const mode = docker ? 0o644 : 0o600;
  if (docker) await chmod(dir, 0o755);
  else await mkdir(join(dir, CONNECTOR_HOME_DIR), { mode: 0o700 });
  const write = async (name: string, text: string): Promise<string> => {
    await writeFile(join(dir, name), text, { mode });
    return name;
  };
  return {
    dir,
    config:
      inputs.config === undefined
        ? undefined
        : await write('config.json', JSON.stringify(inputs.config)),
    catalog:
      inputs.catalog === undefined
        ? undefined
        : await write('catalog.json', JSON.stringify(inputs.catalog)),
    state: inputs.stateText === undefined ? undefined : await write('state.json', inputs.stateText),
  };
}
