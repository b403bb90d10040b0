import { describeValue, InvalidInputError } from '../errors';
import type { JsonObject } from '../protocol/types';
import { isPlainObject, type JsonProblem } from '../protocol/validate';

/**
 * Most UTF-8 bytes of one record's primary key values together. They form one btree index entry,
 * which PostgreSQL caps at about 2.7 kB; a fixed bound, checked up front, refuses the same records
 * whatever their compressibility.
 */
export const MAX_KEY_BYTES = 2048;

/** JSON nested deeper than this is refused (and cycles with it). */
const MAX_DEPTH = 200;

/**
 * Checks records before anything is written: JSON objects of plain JSON values whose texts
 * PostgreSQL's jsonb can hold (no NUL character, no lone surrogate, in values and in property
 * names), each carrying every primary key field as a string, number or boolean, the key within
 * {@link MAX_KEY_BYTES}. Throws `InvalidInputError` naming the record and field.
 */
export function checkRecords(value: unknown, primaryKey: readonly string[]): JsonObject[] {
  if (!Array.isArray(value))
    throw new InvalidInputError('records', 'an array of JSON objects', describeValue(value));
  value.forEach((record: unknown, i) => {
    if (!isPlainObject(record))
      throw new InvalidInputError(`records[${i}]`, 'a JSON object', describeValue(record));
    const problem = findRecordProblem(record, `records[${i}]`, 0);
    if (problem) throw new InvalidInputError(problem.path, problem.expected, problem.received);
    let keyBytes = 0;
    for (const column of primaryKey) {
      const field = record[column];
      if (typeof field !== 'string' && typeof field !== 'number' && typeof field !== 'boolean') {
        throw new InvalidInputError(
          `records[${i}].${column}`,
          'a primary key value (string, number or boolean)',
          describeValue(field),
        );
      }
      keyBytes += Buffer.byteLength(String(field), 'utf8');
      if (keyBytes > MAX_KEY_BYTES)
        throw new InvalidInputError(
          `records[${i}].${column}`,
          `primary key values of at most ${MAX_KEY_BYTES} UTF-8 bytes together (PostgreSQL indexes the key)`,
          `${keyBytes} bytes`,
        );
    }
  });
  return value as JsonObject[];
}

/** Where a record stops being JSON that jsonb stores exactly, in one walk. */
function findRecordProblem(value: unknown, path: string, depth: number): JsonProblem | undefined {
  if (depth > MAX_DEPTH)
    return {
      path,
      expected: `JSON nested at most ${MAX_DEPTH} levels deep (and no cycles)`,
      received: 'deeper nesting',
    };
  switch (typeof value) {
    case 'string':
      return textProblem(value, path);
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value)
        ? undefined
        : { path, expected: 'a finite number', received: String(value) };
    case 'object': {
      if (value === null) return undefined;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined)
            return {
              path: `${path}[${i}]`,
              expected: 'a JSON value',
              received: 'undefined (or a hole)',
            };
          const problem = findRecordProblem(item, `${path}[${i}]`, depth + 1);
          if (problem) return problem;
        }
        return undefined;
      }
      if (!isPlainObject(value))
        return { path, expected: 'a JSON value', received: describeValue(value) };
      for (const key of Object.keys(value)) {
        const keyProblem = textProblem(key, `${path} (a property name)`);
        if (keyProblem) return keyProblem;
        const item = value[key];
        const problem =
          item === undefined ? undefined : findRecordProblem(item, `${path}.${key}`, depth + 1);
        if (problem) return problem;
      }
      return undefined;
    }
    default:
      return { path, expected: 'a JSON value', received: describeValue(value) };
  }
}

/** Text that PostgreSQL cannot store: NUL (text and jsonb refuse it), lone UTF-16 surrogates. */
function textProblem(text: string, path: string): JsonProblem | undefined {
  if (text.includes('\u0000'))
    return {
      path,
      expected: 'text without NUL characters (PostgreSQL cannot store them)',
      received: describeValue(text),
    };
  if (!text.isWellFormed())
    return {
      path,
      expected: 'well-formed Unicode text (no lone surrogates)',
      received: describeValue(text),
    };
  return undefined;
}
