import { describeValue, InvalidInputError } from '../errors';
import { isPlainObject, nameProblem } from '../protocol/validate';
import type { StreamKey } from './types';

/** Longest PostgreSQL identifier, in bytes. */
const MAX_IDENTIFIER_BYTES = 63;

/** Checks that `value` is a JSON object: the input of an activity. */
export function checkObject(option: string, value: unknown): Record<string, unknown> {
  if (!isPlainObject(value))
    throw new InvalidInputError(option, 'a JSON object', describeValue(value));
  return value;
}

/** Checks an optional name: absent, or a valid name. */
export function checkOptionalName(option: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const problem = nameProblem(value);
  if (problem) throw new InvalidInputError(option, problem, describeValue(value));
  return value as string;
}

/** Checks the required `connectionId` of an input: a name like any other. */
export function checkConnectionId(value: unknown): string {
  const connectionId = checkOptionalName('connectionId', value);
  if (connectionId === undefined)
    throw new InvalidInputError('connectionId', 'a connection id', describeValue(value));
  return connectionId;
}

/** Checks a whole number in `[min, 2^53)`. */
export function checkInteger(option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidInputError(option, `a whole number of at least ${min}`, describeValue(value));
  }
  return value;
}

/** Checks a stream given as a name or as `{ name, namespace }`; returns it with namespace `''` for none. */
export function checkStream(option: string, value: unknown): { name: string; namespace: string } {
  const stream = typeof value === 'string' ? { name: value } : value;
  if (!isPlainObject(stream))
    throw new InvalidInputError(
      option,
      'a stream name or { name, namespace }',
      describeValue(value),
    );
  const { name, namespace } = stream as unknown as StreamKey;
  const problem = nameProblem(name);
  if (problem) throw new InvalidInputError(`${option}.name`, problem, describeValue(name));
  if (namespace !== undefined && namespace !== null) {
    const issue = nameProblem(namespace, true);
    if (issue)
      throw new InvalidInputError(
        `${option}.namespace`,
        `${issue} or null`,
        describeValue(namespace),
      );
  }
  return { name, namespace: namespace ?? '' };
}

/**
 * Checks a PostgreSQL identifier that we create (a table or a column): any well-formed text
 * without NUL (it is always quoted), at most 63 bytes (PostgreSQL would silently cut it).
 */
export function checkIdentifier(option: string, value: unknown): string {
  const problem = nameProblem(value);
  if (problem) throw new InvalidInputError(option, problem, describeValue(value));
  if (Buffer.byteLength(value as string, 'utf8') > MAX_IDENTIFIER_BYTES) {
    throw new InvalidInputError(
      option,
      `a PostgreSQL identifier of at most ${MAX_IDENTIFIER_BYTES} bytes`,
      describeValue(value),
    );
  }
  return value as string;
}

/** Checks a primary key: distinct column names, none of them one of our `_airbyte_` columns. */
export function checkPrimaryKey(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidInputError(
      'primaryKey',
      'a non-empty array of column names',
      describeValue(value),
    );
  }
  const columns = value.map((column, i) => checkIdentifier(`primaryKey[${i}]`, column));
  columns.forEach((column, i) => {
    if (column.startsWith('_airbyte_')) {
      throw new InvalidInputError(
        `primaryKey[${i}]`,
        'a column name not starting with _airbyte_ (reserved)',
        describeValue(column),
      );
    }
    if (columns.indexOf(column) !== i)
      throw new InvalidInputError(`primaryKey[${i}]`, 'each column once', describeValue(column));
  });
  return columns;
}
