import { describeValue, InvalidStateMessageError } from '../errors';
import { stringifyExactJson } from './exact-json';
import { isPlainObject, walkJson } from './json-problem';
import { DEFAULT_MAX_STATE_BYTES, MAX_NAME_BYTES } from './limits';
import {
  type AirbyteStateMessage,
  type AirbyteStateType,
  GLOBAL_STATE_STREAM_NAME,
  GLOBAL_STATE_STREAM_NAMES,
  LEGACY_STATE_STREAM_NAME,
} from './types';

/** Options of {@link validateStateMessage}. */
export interface ValidateOptions {
  /** Largest accepted serialized message, in UTF-8 bytes. Default: {@link DEFAULT_MAX_STATE_BYTES} (1 MiB). */
  readonly maxBytes?: number;
}

/** A validated message with the row key it is stored under and its serialized form. */
export interface PreparedStateMessage {
  readonly message: AirbyteStateMessage;
  readonly type: AirbyteStateType;
  /** `_GLOBAL`, `_LEGACY`, or the stream's name. */
  readonly streamName: string;
  /** The stream's namespace, `''` when it has none (and for GLOBAL and LEGACY). */
  readonly namespace: string;
  /** The message as stored in `state_json`. */
  readonly json: string;
}

/**
 * Checks that `value` is a well-formed Airbyte state message made only of JSON values, so that
 * it survives storage unchanged, and returns it typed. Unknown keys and PyAirbyte's `null`s are
 * accepted; a BigInt is stored as its exact digits, and a number that is an integer beyond
 * ±(2^53 − 1) is refused (it may be rounded already). Throws {@link InvalidStateMessageError}
 * naming the first wrong field.
 */
export function validateStateMessage(
  value: unknown,
  options: ValidateOptions = {},
): AirbyteStateMessage {
  return prepareStateMessage(value, options).message;
}

/** Validates like {@link validateStateMessage} and also computes the row key and JSON text once. */
export function prepareStateMessage(
  value: unknown,
  options: ValidateOptions = {},
): PreparedStateMessage {
  const message = expectObject(value, '$', 'a JSON object (an Airbyte state message)');
  const problem = walkJson(message, '$', 0, { state: true });
  if (problem) throw new InvalidStateMessageError(problem.path, problem.expected, problem.received);
  const { type, streamName, namespace } = checkStateMessageShape(message);
  const json = stringifyExactJson(message);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_STATE_BYTES;
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > maxBytes) {
    throw new InvalidStateMessageError('$', `at most ${maxBytes} bytes of JSON`, `${bytes} bytes`);
  }
  return { message: message, type, streamName, namespace, json };
}

/**
 * Checks the shape of a value that `parseExactJson` made (so it is JSON by construction: no walk
 * for NaN, Dates or cycles, no re-serialisation) and returns it typed: the read path's check.
 */
export function checkParsedStateMessage(value: unknown): AirbyteStateMessage {
  const message = expectObject(value, '$', 'a JSON object (an Airbyte state message)');
  checkStateMessageShape(message);
  return message;
}

function checkStateMessageShape(message: Obj): {
  type: AirbyteStateType;
  streamName: string;
  namespace: string;
} {
  const type = checkType(message.type);
  let streamName: string;
  let namespace = '';
  if (type === 'STREAM') {
    const descriptor = checkStreamState(message.stream, '$.stream');
    streamName = descriptor.name;
    namespace = descriptor.namespace;
  } else if (type === 'GLOBAL') {
    checkGlobalState(message.global);
    streamName = GLOBAL_STATE_STREAM_NAME;
  } else {
    expectObject(message.data, '$.data', 'a JSON object (the LEGACY state blob)');
    streamName = LEGACY_STATE_STREAM_NAME;
  }
  checkStats(message.sourceStats, '$.sourceStats');
  checkStats(message.destinationStats, '$.destinationStats');
  return { type, streamName, namespace };
}

/**
 * Checks a stream, source, destination or namespace name: a non-empty, well-formed string
 * without NUL bytes (PostgreSQL text cannot hold them) of at most {@link MAX_NAME_BYTES} bytes.
 * Returns a reason when invalid, `undefined` when fine.
 */
export function nameProblem(value: unknown, allowEmpty = false): string | undefined {
  if (typeof value !== 'string') return 'a string';
  if (value === '' && !allowEmpty) return 'a non-empty string';
  if (value.includes('\u0000')) return 'a string without NUL characters';
  if (!value.isWellFormed()) return 'a well-formed Unicode string (no lone surrogates)';
  if (Buffer.byteLength(value, 'utf8') > MAX_NAME_BYTES)
    return `a string of at most ${MAX_NAME_BYTES} UTF-8 bytes`;
  return undefined;
}

const TYPES: readonly string[] = ['STREAM', 'GLOBAL', 'LEGACY'];

function checkType(value: unknown): AirbyteStateType {
  if (value === undefined || value === null) return 'LEGACY';
  if (typeof value === 'string' && TYPES.includes(value)) return value as AirbyteStateType;
  throw new InvalidStateMessageError(
    '$.type',
    '"STREAM", "GLOBAL", "LEGACY" or absent',
    describeValue(value),
  );
}

/** Validates an AirbyteStreamState and returns its key. */
function checkStreamState(value: unknown, path: string): { name: string; namespace: string } {
  const stream = expectObject(value, path, 'a JSON object with a stream_descriptor');
  const descriptor = expectObject(
    stream.stream_descriptor,
    `${path}.stream_descriptor`,
    'a JSON object with a name',
  );
  const name = descriptor.name;
  const nameIssue = nameProblem(name);
  if (nameIssue)
    throw new InvalidStateMessageError(
      `${path}.stream_descriptor.name`,
      nameIssue,
      describeValue(name),
    );
  if (GLOBAL_STATE_STREAM_NAMES.includes(name as string)) {
    throw new InvalidStateMessageError(
      `${path}.stream_descriptor.name`,
      `a stream name other than the reserved ${GLOBAL_STATE_STREAM_NAMES.join(' and ')}`,
      describeValue(name),
    );
  }
  const namespace = descriptor.namespace;
  if (namespace !== undefined && namespace !== null) {
    const issue = nameProblem(namespace, true);
    if (issue)
      throw new InvalidStateMessageError(
        `${path}.stream_descriptor.namespace`,
        `${issue} or null`,
        describeValue(namespace),
      );
  }
  optionalObject(stream.stream_state, `${path}.stream_state`);
  return { name: name as string, namespace: (namespace as string | null | undefined) ?? '' };
}

function checkGlobalState(value: unknown): void {
  const global = expectObject(value, '$.global', 'a JSON object with stream_states (GLOBAL state)');
  optionalObject(global.shared_state, '$.global.shared_state');
  const states = global.stream_states;
  if (!Array.isArray(states)) {
    throw new InvalidStateMessageError(
      '$.global.stream_states',
      'an array of stream states',
      describeValue(states),
    );
  }
  const seen = new Set<string>();
  states.forEach((state, i) => {
    const key = checkStreamState(state, `$.global.stream_states[${i}]`);
    const id = JSON.stringify([key.namespace, key.name]);
    if (seen.has(id)) {
      throw new InvalidStateMessageError(
        `$.global.stream_states[${i}]`,
        'each stream at most once',
        `a second state for "${key.name}"`,
      );
    }
    seen.add(id);
  });
}

function checkStats(value: unknown, path: string): void {
  const stats = optionalObject(value, path);
  const count = stats?.recordCount;
  if (
    count !== undefined &&
    count !== null &&
    !((typeof count === 'number' || typeof count === 'bigint') && count >= 0)
  ) {
    throw new InvalidStateMessageError(
      `${path}.recordCount`,
      'a non-negative number or null',
      describeValue(count),
    );
  }
}

type Obj = Record<string, unknown>;

export { findJsonProblem, isPlainObject, type JsonProblem } from './json-problem';

function expectObject(value: unknown, path: string, expected: string): Obj {
  if (!isPlainObject(value))
    throw new InvalidStateMessageError(path, expected, describeValue(value));
  return value;
}

function optionalObject(value: unknown, path: string): Obj | undefined {
  if (value === undefined || value === null) return undefined;
  return expectObject(value, path, 'a JSON object or null');
}
