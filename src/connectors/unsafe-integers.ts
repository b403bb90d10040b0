import { isUnsafeIntegerText } from '../protocol/exact-json';

/** A run of 16 digits: the shortest text that can hold an integer beyond 2^53 (9007199254740992). */
const LONG_DIGITS = /\d{16}/;

/**
 * The first integer in a JSON text that JavaScript cannot hold exactly (beyond ±(2^53 − 1)), as
 * written, or `undefined`. Such numbers (CDC log positions, snowflake ids) change when parsed:
 * `JSON.parse('12345678901234567890')` is 12345678901234567000. Digits inside strings do not count.
 */
export function findUnsafeInteger(json: string): string | undefined {
  if (!LONG_DIGITS.test(json)) return undefined; // the common case, in one regex pass
  let i = 0;
  while (i < json.length) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i++;
      while (i < json.length && json.charCodeAt(i) !== 0x22)
        i += json.charCodeAt(i) === 0x5c ? 2 : 1;
      i++;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      i++;
      while (i < json.length && /[0-9.eE+-]/.test(json.charAt(i))) i++;
      const token = json.slice(start, i);
      if (isUnsafeIntegerText(token)) return token;
    } else {
      i++;
    }
  }
  return undefined;
}
