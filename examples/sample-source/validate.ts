/**
 * Input checks shared by the batch reader, the config parser and the activity. They throw
 * {@link InvalidInputError}, which activities turn into non-retryable failures: a wrong seed or
 * count cannot get better by retrying.
 */
import { describeValue, InvalidInputError } from '../../src/errors';
import { isPlainObject } from '../../src/protocol';
import { MAX_RECORD_COUNT } from './cursor';

/** Largest seed: any safe integer, like source-faker's integer seed. */
const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** Returns `value` if it is an integer in `[min, max]`, else throws naming `option`. */
export function expectInteger(value: unknown, option: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(option, `an integer from ${min} to ${max}`, describeValue(value));
  }
  return value;
}

/** A record count: an integer from 0 to {@link MAX_RECORD_COUNT}. */
export function expectCount(value: unknown, option: string): number {
  return expectInteger(value, option, 0, MAX_RECORD_COUNT);
}

/** A seed: any safe integer (negative ones too). */
export function expectSeed(value: unknown, option: string): number {
  return expectInteger(value, option, -MAX_SEED, MAX_SEED);
}

/** Returns `value` as a plain object, or throws naming `option`. */
export function expectObject(
  value: unknown,
  option: string,
  expected = 'a JSON object',
): Record<string, unknown> {
  if (!isPlainObject(value)) throw new InvalidInputError(option, expected, describeValue(value));
  return value;
}

/** Throws naming the first key of `value` that is not in `known`, so typos do not go unnoticed. */
export function rejectUnknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  option: string,
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new InvalidInputError(
        `${option}.${key}`,
        `no such key (known: ${known.join(', ')})`,
        describeValue(value[key]),
      );
    }
  }
}
