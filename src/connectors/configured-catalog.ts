import { describeValue, InvalidInputError } from '../errors';
import { isPlainObject, nameProblem } from '../protocol/validate';
import type {
  AirbyteCatalog,
  AirbyteStream,
  ConfiguredAirbyteCatalog,
  ConfiguredAirbyteStream,
} from './connector-messages';
import {
  destinationSyncMode,
  resolveWriteMethod,
  WRITE_STRATEGIES,
  type WriteMethod,
  type WriteStrategy,
} from './write-strategy';

/** One stream to sync and, optionally, how; anything not given comes from `discover`. */
export interface StreamSelection {
  readonly name: string;
  /** Default: the discovered stream of that name (which must then be unique). */
  readonly namespace?: string | null;
  /** Default: `incremental` when the stream supports it, else `full_refresh`. */
  readonly syncMode?: 'incremental' | 'full_refresh';
  /** Default: the stream's default cursor field. */
  readonly cursorField?: readonly string[];
  /** Top-level fields that identify a record. Default: the source-defined primary key. */
  readonly primaryKey?: readonly string[];
  /** Default: the sync's `writeStrategy` (itself `auto` by default: PyAirbyte's choice). */
  readonly writeStrategy?: WriteStrategy;
}

/** A stream as it will be read and written. */
export interface ConfiguredStream {
  readonly name: string;
  readonly namespace: string | null;
  /** What goes into the `--catalog` file. */
  readonly configured: ConfiguredAirbyteStream;
  /** Top-level fields of the primary key (empty: none). */
  readonly primaryKey: readonly string[];
  readonly writeMethod: WriteMethod;
}

/**
 * Builds the streams to read from the connector's discovered catalog: the selected ones (default:
 * all), with their sync mode, cursor, primary key and write method. Throws `InvalidInputError`
 * for a stream the connector does not have (listing those it has), a stream named twice, a sync
 * mode it does not support, a nested primary key, or `merge` without a primary key.
 */
export function configureCatalog(
  connector: string,
  discovered: AirbyteCatalog,
  selections: readonly (string | StreamSelection)[] | undefined,
  defaultStrategy: WriteStrategy = 'auto',
): ConfiguredStream[] {
  const wanted =
    selections ?? discovered.streams.map((s) => ({ name: s.name, namespace: s.namespace }));
  const seen = new Set<string>();
  return wanted.map((item, i) => {
    const selection: StreamSelection = typeof item === 'string' ? { name: item } : item;
    const option = `streams[${i}]`;
    const stream = findStream(connector, discovered, selection, option);
    const key = JSON.stringify([stream.namespace ?? '', stream.name]);
    if (seen.has(key))
      throw new InvalidInputError(option, 'each stream once', `"${stream.name}" a second time`);
    seen.add(key);
    const supported = stream.supported_sync_modes ?? ['full_refresh'];
    const syncMode =
      selection.syncMode ?? (supported.includes('incremental') ? 'incremental' : 'full_refresh');
    if (!supported.includes(syncMode))
      throw new InvalidInputError(
        `${option}.syncMode`,
        `a sync mode that ${connector} supports for "${stream.name}" (${supported.join(', ')})`,
        describeValue(syncMode),
      );
    const cursorField = [...(selection.cursorField ?? stream.default_cursor_field ?? [])];
    const primaryKey = selection.primaryKey
      ? [...selection.primaryKey]
      : (stream.source_defined_primary_key ?? []).map((path, k) => {
          if (path.length !== 1 || typeof path[0] !== 'string')
            throw new InvalidInputError(
              `${option}.primaryKey`,
              `top-level fields (the source's primary key of "${stream.name}" is nested; name the fields yourself)`,
              JSON.stringify(stream.source_defined_primary_key?.[k]),
            );
          return path[0];
        });
    const writeMethod = resolveWriteMethod(
      stream.name,
      selection.writeStrategy ?? defaultStrategy,
      {
        primaryKey: primaryKey.length > 0,
        incrementalCursor: syncMode === 'incremental' && cursorField.length > 0,
      },
    );
    return {
      name: stream.name,
      namespace: stream.namespace ?? null,
      primaryKey,
      writeMethod,
      configured: {
        stream,
        sync_mode: syncMode,
        destination_sync_mode: destinationSyncMode(writeMethod),
        cursor_field: cursorField,
        primary_key: primaryKey.map((field) => [field]),
      },
    };
  });
}

/** A stream's generation in a read (protocol 0.9): see `planStreamStarts`. */
export interface StreamGenerationFields {
  readonly generationId: number;
  readonly minimumGenerationId: number;
  readonly syncNumber: number;
}

/**
 * The `--catalog` of a read of `streams`, with each stream's `generation_id`,
 * `minimum_generation_id` and `sync_id` when `generations` (in the same order) gives them.
 */
export function toConfiguredCatalog(
  streams: readonly ConfiguredStream[],
  generations?: readonly StreamGenerationFields[],
): ConfiguredAirbyteCatalog {
  return {
    streams: streams.map((s, i) => {
      const generation = generations?.[i];
      if (!generation) return s.configured;
      return {
        ...s.configured,
        generation_id: generation.generationId,
        minimum_generation_id: generation.minimumGenerationId,
        sync_id: generation.syncNumber,
      };
    }),
  };
}

/** Checks the `streams` input: absent, or an array of names or {@link StreamSelection}s. */
export function checkStreamSelections(value: unknown): (string | StreamSelection)[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value))
    throw new InvalidInputError(
      'streams',
      'an array of stream names or selections',
      describeValue(value),
    );
  return value.map((item: unknown, i) => {
    const option = `streams[${i}]`;
    if (typeof item === 'string') return checkName(option, item);
    if (!isPlainObject(item))
      throw new InvalidInputError(option, 'a stream name or { name, ... }', describeValue(item));
    checkName(`${option}.name`, item.name);
    if (item.namespace !== undefined && item.namespace !== null)
      checkName(`${option}.namespace`, item.namespace);
    if (
      item.syncMode !== undefined &&
      item.syncMode !== 'incremental' &&
      item.syncMode !== 'full_refresh'
    )
      throw new InvalidInputError(
        `${option}.syncMode`,
        '"incremental" or "full_refresh"',
        describeValue(item.syncMode),
      );
    for (const field of ['cursorField', 'primaryKey'] as const) {
      const list = item[field];
      if (
        list !== undefined &&
        (!Array.isArray(list) || !list.every((f) => typeof f === 'string' && f !== ''))
      )
        throw new InvalidInputError(
          `${option}.${field}`,
          'an array of field names',
          describeValue(list),
        );
    }
    if (item.writeStrategy !== undefined)
      checkWriteStrategy(`${option}.writeStrategy`, item.writeStrategy);
    return item as unknown as StreamSelection;
  });
}

/** Checks a write strategy. */
export function checkWriteStrategy(option: string, value: unknown): WriteStrategy {
  if (!(WRITE_STRATEGIES as readonly unknown[]).includes(value))
    throw new InvalidInputError(
      option,
      WRITE_STRATEGIES.map((s) => `"${s}"`).join(', '),
      describeValue(value),
    );
  return value as WriteStrategy;
}

function findStream(
  connector: string,
  catalog: AirbyteCatalog,
  selection: StreamSelection,
  option: string,
): AirbyteStream {
  const named = catalog.streams.filter((s) => s.name === selection.name);
  const matches =
    selection.namespace === undefined
      ? named
      : named.filter((s) => (s.namespace ?? null) === (selection.namespace ?? null));
  const [match] = matches;
  if (match !== undefined && matches.length === 1) return match;
  const available = catalog.streams
    .map((s) => (s.namespace ? `${s.namespace}.${s.name}` : s.name))
    .join(', ');
  if (matches.length > 1)
    throw new InvalidInputError(
      `${option}.namespace`,
      `the namespace of "${selection.name}" (${connector} has it in several)`,
      'none',
    );
  throw new InvalidInputError(
    option,
    `a stream of ${connector} (it has: ${available || 'no streams'})`,
    JSON.stringify(
      selection.namespace ? `${selection.namespace}.${selection.name}` : selection.name,
    ),
  );
}

function checkName(option: string, value: unknown): string {
  const problem = nameProblem(value);
  if (problem) throw new InvalidInputError(option, problem, describeValue(value));
  return value as string;
}
