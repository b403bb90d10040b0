import { type ConnectorSpec, isDockerConnector } from './connector-spec';

/**
 * Worker variables every local connector gets: what a process needs to find programs and to
 * read and write text (PATH, the locale, the time zone, the temp folder). Nothing else of the
 * worker's environment reaches a connector: no DATABASE_URL, no TEMPORAL_API_KEY.
 */
export const CONNECTOR_BASE_ENV = ['PATH', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR'] as const;
/** Prefixes of further worker variables every local connector gets (the locale categories). */
export const CONNECTOR_BASE_ENV_PREFIXES = ['LC_'] as const;
/**
 * Prefixes of worker variables the Docker CLI also gets, with the worker's HOME (where it finds
 * its config and registry credentials): they reach the CLI, never the container.
 */
export const DOCKER_CLI_ENV_PREFIXES = ['DOCKER_'] as const;

/**
 * The whole environment of a connector process: the {@link CONNECTOR_BASE_ENV} variables of the
 * worker, `HOME` set to `home` (a folder of the run's own, so the connector reads no dotfiles of
 * the worker's user), then the entry's `passEnv` variables that the worker has, then its `env`.
 * For a Docker connector it is the Docker CLI's environment instead (see {@link dockerCliEnv}).
 */
export function connectorEnv(
  spec: ConnectorSpec,
  home: string,
  workerEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  if (isDockerConnector(spec)) return dockerCliEnv(workerEnv, spec);
  return {
    ...pick(workerEnv, CONNECTOR_BASE_ENV, CONNECTOR_BASE_ENV_PREFIXES),
    HOME: home,
    ...pick(workerEnv, spec.passEnv ?? [], []),
    ...spec.env,
  };
}

/**
 * The Docker CLI's environment: the base variables, the worker's HOME and `DOCKER_*`, plus the
 * values of the variables the container receives (`docker run --env NAME` copies NAME from the
 * CLI's environment, so their values stay out of the command line).
 */
export function dockerCliEnv(
  workerEnv: NodeJS.ProcessEnv = process.env,
  spec?: ConnectorSpec,
): Record<string, string> {
  return {
    ...pick(
      workerEnv,
      [...CONNECTOR_BASE_ENV, 'HOME'],
      [...CONNECTOR_BASE_ENV_PREFIXES, ...DOCKER_CLI_ENV_PREFIXES],
    ),
    ...(spec ? containerEnv(spec, workerEnv) : {}),
  };
}

/** The variables a Docker connector's container receives: its `passEnv` that the worker has, then its `env`. */
export function containerEnv(
  spec: ConnectorSpec,
  workerEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  return { ...pick(workerEnv, spec.passEnv ?? [], []), ...spec.env };
}

function pick(
  env: NodeJS.ProcessEnv,
  names: readonly string[],
  prefixes: readonly string[],
): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (names.includes(name) || prefixes.some((prefix) => name.startsWith(prefix)))
      picked[name] = value;
  }
  return picked;
}
