/** Which values survive being stored as JSON, and where one does not. */
import { describeValue } from '../errors';
import { isUnsafeIntegerNumber } from './exact-json';

/** Deepest nesting accepted in a value to store; beyond it (or in a cycle) it is refused. */
const MAX_DEPTH = 200;

/** True for `{}`-style objects (not arrays, not class instances). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Where a value stops being plain JSON, and what was expected there. */
export interface JsonProblem {
  readonly path: string;
  readonly expected: string;
  readonly received: string;
}

/**
 * Finds the first part of `value` that `JSON.stringify` would silently change: NaN and Infinity
 * (become null), class instances such as Date (become strings), undefined in arrays, functions,
 * bigints, and cycles (caught by the depth bound). Undefined object properties are allowed:
 * they mean absent.
 */
export function findJsonProblem(value: unknown, path = '$', depth = 0): JsonProblem | undefined {
  return walkJson(value, path, depth, {});
}

/** What a walk of {@link walkJson} refuses beyond values that are not plain JSON. */
export interface JsonRules {
  /**
   * The rules of stored state: a BigInt is fine (written as its digits), and a number that
   * `JSON.stringify` writes as an integer beyond ±(2^53 − 1) is not, as the connector path
   * refuses such a STATE: it was probably rounded before it got here. Default: false.
   */
  readonly state?: boolean;
  /** Checks each string and property name (e.g. for text the database cannot store). Default: none. */
  readonly text?: (text: string, path: string) => JsonProblem | undefined;
}

const UNSAFE_NUMBER_EXPECTED =
  'a number within ±(2^53 - 1), or a BigInt for an exact larger integer';

/** {@link findJsonProblem}, with the further {@link JsonRules} of what is being checked. */
export function walkJson(
  value: unknown,
  path: string,
  depth: number,
  rules: JsonRules,
): JsonProblem | undefined {
  const state = rules.state === true;
  if (depth > MAX_DEPTH) {
    return {
      path,
      expected: `JSON nested at most ${MAX_DEPTH} levels deep (and no cycles)`,
      received: 'deeper nesting',
    };
  }
  switch (typeof value) {
    case 'string':
      return rules.text?.(value, path);
    case 'boolean':
      return undefined;
    case 'number':
      if (!Number.isFinite(value))
        return { path, expected: 'a finite number', received: String(value) };
      if (state && isUnsafeIntegerNumber(value))
        return {
          path,
          expected: UNSAFE_NUMBER_EXPECTED,
          received: `the number ${JSON.stringify(value)}, an integer beyond 2^53 - 1 that may have been rounded already (JSON.parse reads 1790000000000000123 as 1790000000000000000)`,
        };
      return undefined;
    case 'bigint':
      return state ? undefined : { path, expected: 'a JSON value', received: describeValue(value) };
    case 'object':
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
          const problem = walkJson(item, `${path}[${i}]`, depth + 1, rules);
          if (problem) return problem;
        }
        return undefined;
      }
      if (!isPlainObject(value))
        return { path, expected: 'a JSON value', received: describeValue(value) };
      for (const key of Object.keys(value)) {
        const keyProblem = rules.text?.(key, `${path} (a property name)`);
        if (keyProblem) return keyProblem;
        const item = value[key];
        const problem =
          item === undefined ? undefined : walkJson(item, `${path}.${key}`, depth + 1, rules);
        if (problem) return problem;
      }
      return undefined;
    case 'undefined':
      return { path, expected: 'a JSON value', received: 'undefined' };
    default:
      return { path, expected: 'a JSON value', received: describeValue(value) };
  }
}
