import { join, posix } from 'node:path';
import { connectorEnv, containerEnv } from './connector-env';
import { type ConnectorSpec, isDockerConnector } from './connector-spec';

/** The Airbyte commands a source supports. */
export type ConnectorVerb = 'spec' | 'check' | 'discover' | 'read';

/** The files of one run, by file name inside `dir` (config, catalog, state). */
export interface ConnectorFiles {
  /** Folder on the worker that holds the files. */
  readonly dir: string;
  readonly config?: string;
  readonly catalog?: string;
  readonly state?: string;
}

/** What to spawn: the program, its arguments, whole environment and working directory. */
export interface ConnectorCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** The process's whole environment (see `connectorEnv`): the worker's own is not inherited. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** The container's name (Docker only), to stop it by name. */
  readonly containerName?: string;
}

/** Where a Docker connector sees the run's files: the folder PyAirbyte mounts too. */
export const CONTAINER_FILES_DIR = '/airbyte/tmp';
/** The local connector's HOME: this empty folder inside the run's folder, removed with it. */
export const CONNECTOR_HOME_DIR = 'home';

/** Options of {@link buildConnectorCommand}. */
export interface BuildCommandOptions {
  /** The Docker CLI. Default: `docker` (on `PATH`). */
  readonly dockerPath?: string;
  /** Name of the container (Docker only). Required for Docker connectors. */
  readonly containerName?: string;
  /** The worker's environment, from which the connector's is picked. Default: `process.env`. */
  readonly workerEnv?: NodeJS.ProcessEnv;
}

/**
 * The command line of one Airbyte command (`spec`, `check --config F`, `discover --config F`,
 * `read --config F --catalog F [--state F]`): the executable itself, or `docker run` with the
 * run's folder mounted read-only at {@link CONTAINER_FILES_DIR}. No shell is involved.
 */
export function buildConnectorCommand(
  spec: ConnectorSpec,
  verb: ConnectorVerb,
  files: ConnectorFiles,
  options: BuildCommandOptions = {},
): ConnectorCommand {
  const docker = isDockerConnector(spec);
  const at = (name: string) =>
    docker ? posix.join(CONTAINER_FILES_DIR, name) : join(files.dir, name);
  const airbyteArgs: string[] = [verb];
  if (verb !== 'spec') airbyteArgs.push('--config', at(required(files.config, 'config', verb)));
  if (verb === 'read') {
    airbyteArgs.push('--catalog', at(required(files.catalog, 'catalog', verb)));
    if (files.state !== undefined) airbyteArgs.push('--state', at(files.state));
  }
  const env = connectorEnv(spec, join(files.dir, CONNECTOR_HOME_DIR), options.workerEnv);
  if (!docker) {
    return {
      command: spec.executable,
      args: [...(spec.args ?? []), ...airbyteArgs],
      env,
      cwd: spec.cwd,
    };
  }
  const containerName = options.containerName;
  if (containerName === undefined)
    throw new Error('temporal-sync-state: a Docker connector run needs a container name');
  return {
    command: options.dockerPath ?? 'docker',
    args: [
      'run',
      '--rm',
      '--init', // signals reach the connector (a process with pid 1 ignores SIGTERM)
      '--name',
      containerName,
      '--volume',
      `${files.dir}:${CONTAINER_FILES_DIR}:ro`,
      ...(spec.network === undefined ? [] : ['--network', spec.network]),
      // `--env NAME` copies the value from the docker CLI's environment: no secret in argv. Only
      // these names reach the container; the rest of the CLI's environment stays outside.
      ...Object.keys(containerEnv(spec, options.workerEnv)).flatMap((name) => ['--env', name]),
      spec.dockerImage,
      ...airbyteArgs,
    ],
    env,
    containerName,
  };
}

function required(file: string | undefined, what: string, verb: ConnectorVerb): string {
  if (file === undefined) throw new Error(`temporal-sync-state: \`${verb}\` needs a ${what} file`);
  return file;
}
