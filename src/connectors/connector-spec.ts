import { basename } from 'node:path';
import { describeValue, InvalidInputError } from '../errors';
import { isPlainObject } from '../protocol/validate';

/** A connector installed on the worker, e.g. `.venv/bin/source-faker` from `pip install airbyte-source-faker`. */
export interface LocalConnectorSpec {
  /** Path of the executable (or a name on `PATH`). */
  readonly executable: string;
  /** Arguments before the Airbyte command (e.g. a script for `python`). Default: none. */
  readonly args?: readonly string[];
  /** Working directory. Default: the worker's. */
  readonly cwd?: string;
  /**
   * Environment variables set for it, on top of the minimal environment every connector gets
   * (see `connectorEnv`); the worker's own environment is not passed. Default: none.
   */
  readonly env?: Readonly<Record<string, string>>;
  /** Names of worker environment variables passed through when set (e.g. `HTTPS_PROXY`). Default: none. */
  readonly passEnv?: readonly string[];
  /** Name under which its state is stored. Default: the executable's file name. */
  readonly name?: string;
}

/** A connector published as a Docker image, e.g. `airbyte/source-faker:6.2.38`; needs a Docker engine. */
export interface DockerConnectorSpec {
  /** The image, with its tag. */
  readonly dockerImage: string;
  /** `docker run --network` value, e.g. `host` to reach a database on the worker's host. Default: Docker's. */
  readonly network?: string;
  /** Environment variables set in the container (passed by name, so values stay out of `ps`). Default: none. */
  readonly env?: Readonly<Record<string, string>>;
  /** Names of worker environment variables passed into the container when set. Default: none. */
  readonly passEnv?: readonly string[];
  /** Name under which its state is stored. Default: the image name without registry, owner and tag. */
  readonly name?: string;
}

/** What connector to run: a local executable or a Docker image. Plain JSON, so a workflow can carry it. */
export type ConnectorSpec = LocalConnectorSpec | DockerConnectorSpec;

/** Image references we accept: no leading `-` (it would become a `docker run` flag), no spaces. */
const IMAGE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/;
/** Environment variable names. */
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks a connector spec given to the library (e.g. in a workflow's input); throws `InvalidInputError`. */
export function checkConnectorSpec(value: unknown, option = 'connector'): ConnectorSpec {
  if (!isPlainObject(value))
    throw new InvalidInputError(
      option,
      'an object with `executable` or `dockerImage`',
      describeValue(value),
    );
  const hasExecutable = value.executable !== undefined;
  const hasImage = value.dockerImage !== undefined;
  if (hasExecutable === hasImage)
    throw new InvalidInputError(
      option,
      'exactly one of `executable` (a local connector) and `dockerImage`',
      hasExecutable ? 'both' : 'neither',
    );
  if (value.name !== undefined) checkText(`${option}.name`, value.name);
  checkEnv(`${option}.env`, value.env);
  checkPassEnv(`${option}.passEnv`, value.passEnv);
  if (hasExecutable) {
    checkText(`${option}.executable`, value.executable);
    if (value.args !== undefined) {
      if (!Array.isArray(value.args))
        throw new InvalidInputError(
          `${option}.args`,
          'an array of strings',
          describeValue(value.args),
        );
      value.args.forEach((arg: unknown, i) => checkText(`${option}.args[${i}]`, arg, true));
    }
    if (value.cwd !== undefined) checkText(`${option}.cwd`, value.cwd);
    return value as unknown as LocalConnectorSpec;
  }
  const image = checkText(`${option}.dockerImage`, value.dockerImage);
  if (!IMAGE_PATTERN.test(image))
    throw new InvalidInputError(
      `${option}.dockerImage`,
      'a Docker image reference such as airbyte/source-faker:6.2.38',
      describeValue(image),
    );
  if (value.network !== undefined) {
    const network = checkText(`${option}.network`, value.network);
    if (!IMAGE_PATTERN.test(network))
      throw new InvalidInputError(
        `${option}.network`,
        'a Docker network name',
        describeValue(network),
      );
  }
  return value as unknown as DockerConnectorSpec;
}

/** True for a Docker image connector. */
export function isDockerConnector(spec: ConnectorSpec): spec is DockerConnectorSpec {
  return 'dockerImage' in spec && spec.dockerImage !== undefined;
}

/**
 * The name under which a connector's state is stored, as PyAirbyte names it: its own `name`, or
 * the executable's file name (`source-faker`), or the image's name (`airbyte/source-faker:6.2` →
 * `source-faker`).
 */
export function connectorName(spec: ConnectorSpec): string {
  if (spec.name !== undefined) return spec.name;
  if (isDockerConnector(spec)) {
    const withoutDigest = spec.dockerImage.split('@')[0] ?? spec.dockerImage;
    const last = withoutDigest.split('/').at(-1) ?? withoutDigest;
    return last.split(':')[0] ?? last;
  }
  return basename(spec.executable);
}

function checkText(option: string, value: unknown, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value === '') || value.includes('\u0000'))
    throw new InvalidInputError(
      option,
      allowEmpty ? 'a string without NUL' : 'a non-empty string without NUL',
      describeValue(value),
    );
  return value;
}

function checkPassEnv(option: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value))
    throw new InvalidInputError(
      option,
      'an array of environment variable names',
      describeValue(value),
    );
  value.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || !ENV_NAME_PATTERN.test(name))
      throw new InvalidInputError(
        `${option}[${i}]`,
        'an environment variable name',
        describeValue(name),
      );
  });
}

function checkEnv(option: string, value: unknown): void {
  if (value === undefined) return;
  if (!isPlainObject(value))
    throw new InvalidInputError(option, 'an object of strings', describeValue(value));
  for (const [name, text] of Object.entries(value)) {
    if (!ENV_NAME_PATTERN.test(name))
      throw new InvalidInputError(
        `${option} name`,
        'an environment variable name',
        describeValue(name),
      );
    checkText(`${option}.${name}`, text, true);
  }
}
