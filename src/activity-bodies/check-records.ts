import { describeValue, InvalidInputError } from '../errors';
import type { JsonObject } from '../protocol/types';
import { isPlainObject, walkJson, type JsonProblem } from '../protocol/json-problem';

/**
 * Most UTF-8 bytes of one record's primary key values together. They form one btree index entry,
 * which PostgreSQL caps at about 2.7 kB; a fixed bound, checked up front, refuses the same records
 * whatever their compressibility.
 */
export const MAX_KEY_BYTES = 2048;

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
    const problem = walkJson(record, `records[${i}]`, 0, { text: textProblem });
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
