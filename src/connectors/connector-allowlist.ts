import { describeValue, InvalidInputError } from '../errors';
import { isPlainObject } from '../protocol/validate';
import { ConnectorError } from './connector-error';
import {
  checkConnectorSpec,
  connectorName,
  type ConnectorSpec,
  isDockerConnector,
} from './connector-spec';

/**
 * How a workflow names a connector that the worker allows: an allowlist entry's name, or the
 * entry's exact executable or image (with its `name` when several entries run the same one).
 */
export type ConnectorRef =
  | string
  | { readonly executable: string; readonly name?: string }
  | { readonly dockerImage: string; readonly name?: string };

/** The keys a reference may have: how a connector runs (args, env, …) is the worker's to say. */
const REFERENCE_KEYS = ['name', 'executable', 'dockerImage'];
/** Longest value quoted in an error message. */
const SHOWN_LENGTH = 200;

/**
 * The connectors a worker may run, as its owner configured them: each entry a whole
 * {@link ConnectorSpec} (executable or image, args, cwd, env, passEnv, network) under a name no
 * other entry has. A workflow only picks an entry ({@link resolve}); nothing else ever runs.
 */
export class ConnectorAllowlist {
  private readonly entries: readonly ConnectorSpec[];

  /** Checks the entries once, when the worker is set up; throws `InvalidInputError` naming a bad one. */
  constructor(connectors: readonly ConnectorSpec[] = [], option = 'connectors') {
    if (!Array.isArray(connectors))
      throw new InvalidInputError(option, 'an array of connector specs', describeValue(connectors));
    const names = new Set<string>();
    this.entries = connectors.map((value: unknown, i) => {
      const spec = checkConnectorSpec(value, `${option}[${i}]`);
      const name = connectorName(spec);
      if (names.has(name))
        throw new InvalidInputError(
          `${option}[${i}].name`,
          'a name that no other entry has (entries that run one connector differently need a `name` each)',
          describeValue(name),
        );
      names.add(name);
      return spec;
    });
  }

  /** The entries' names, in order. */
  get names(): string[] {
    return this.entries.map(connectorName);
  }

  /**
   * The entry that a workflow's reference names. Throws a non-retryable {@link ConnectorError}
   * `ConnectorNotAllowed` that names the refused connector and the allowed ones, or an
   * `InvalidInputError` for a reference of the wrong shape.
   */
  resolve(reference: unknown, option = 'connector'): ConnectorSpec {
    if (typeof reference === 'string') {
      const found = this.entries.find((spec) => connectorName(spec) === reference);
      return found ?? this.refuse(show(checkText(option, reference)));
    }
    if (!isPlainObject(reference))
      throw new InvalidInputError(
        option,
        'the name of a connector this worker allows, or an object with its `executable` or `dockerImage`',
        describeValue(reference),
      );
    const name =
      reference.name === undefined ? undefined : checkText(`${option}.name`, reference.name);
    const executable = reference.executable;
    const image = reference.dockerImage;
    if ((executable === undefined) === (image === undefined))
      throw new InvalidInputError(
        option,
        'exactly one of `executable` and `dockerImage`',
        executable === undefined ? 'neither' : 'both',
      );
    const shown = show(
      executable === undefined
        ? checkText(`${option}.dockerImage`, image)
        : checkText(`${option}.executable`, executable),
    );
    const extra = Object.keys(reference).find((key) => !REFERENCE_KEYS.includes(key));
    if (extra !== undefined)
      this.refuse(
        shown,
        `a workflow cannot set \`${option}.${extra}\`: how a connector runs is set in the worker's entry`,
      );
    const matches = this.entries.filter(
      (spec) =>
        (name === undefined || connectorName(spec) === name) &&
        (isDockerConnector(spec) ? spec.dockerImage === image : spec.executable === executable),
    );
    if (matches.length > 1)
      throw new InvalidInputError(
        `${option}.name`,
        `the name of one of the entries that run ${shown}: ${matches.map(connectorName).join(', ')}`,
        'nothing',
      );
    return matches[0] ?? this.refuse(name === undefined ? shown : `${shown} named ${show(name)}`);
  }

  private refuse(shown: string, why?: string): never {
    const allowed =
      this.entries.length === 0
        ? 'it allows none (its `connectors` option is empty)'
        : `it allows ${this.entries.map(describeEntry).join(', ')}`;
    throw new ConnectorError(
      'ConnectorNotAllowed',
      `Connector ${shown} is not allowed on this worker${why ? ` (${why})` : ''}; ${allowed}. Nothing was run.`,
    );
  }
}

function describeEntry(spec: ConnectorSpec): string {
  const what = isDockerConnector(spec) ? `image ${spec.dockerImage}` : spec.executable;
  return `${show(connectorName(spec))} (${what})`;
}

function show(value: string): string {
  return JSON.stringify(value.length > SHOWN_LENGTH ? `${value.slice(0, SHOWN_LENGTH)}...` : value);
}

function checkText(option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.includes('\u0000'))
    throw new InvalidInputError(option, 'a non-empty string without NUL', describeValue(value));
  return value;
}
