import { type ExecFileException, execFile } from 'node:child_process';
import { ConnectorError } from './connector-error';
import { dockerCliEnv } from './connector-env';

/** How long `docker version` may take before the engine counts as absent. */
export const DOCKER_PROBE_TIMEOUT_MS = 15_000;

/** Engines found so far, per Docker CLI path: probed once per worker, absent ones probed again. */
const found = new Map<string, string>();

/**
 * Checks that a Docker engine answers (`docker version`) and returns its version. Throws a
 * non-retryable {@link ConnectorError} (`ConnectorNotFound`) that says what is missing: the
 * Docker CLI, or the engine behind it.
 */
export async function ensureDockerEngine(
  image: string,
  dockerPath = 'docker',
  timeoutMs = DOCKER_PROBE_TIMEOUT_MS,
): Promise<string> {
  const known = found.get(dockerPath);
  if (known !== undefined) return known;
  const result = await new Promise<{
    error: ExecFileException | null;
    stdout: string;
    stderr: string;
  }>((resolve) => {
    execFile(
      dockerPath,
      ['version', '--format', '{{.Server.Version}}'],
      // The environment `docker run` gets too, so that a probe that passes means the run can work.
      { timeout: timeoutMs, encoding: 'utf8', env: dockerCliEnv() },
      (error, stdout, stderr) => resolve({ error, stdout, stderr }),
    );
  });
  const version = result.stdout.trim();
  if (!result.error && version !== '') {
    found.set(dockerPath, version);
    return version;
  }
  const runLocally =
    'Install and start Docker on this worker, or run the connector as a local executable ' +
    '(`{ executable }`, e.g. installed with pip).';
  if (result.error?.code === 'ENOENT') {
    throw new ConnectorError(
      'ConnectorNotFound',
      `Connector image ${image} needs Docker, but the Docker CLI "${dockerPath}" is not installed on this worker. ${runLocally}`,
    );
  }
  const why =
    result.stderr.trim().split('\n').filter(Boolean).at(-1) ?? result.error?.message ?? 'no answer';
  throw new ConnectorError(
    'ConnectorNotFound',
    `Connector image ${image} needs a Docker engine, but none answers on this worker (${dockerPath} version: ${why}). ${runLocally}`,
  );
}
