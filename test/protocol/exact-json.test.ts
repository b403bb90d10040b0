import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  parseExactJson,
  parseStateInputFileText,
  stringifyExactJson,
  toStateInputFileText,
} from '../../src';
import { prepareStateMessage } from '../../src/protocol/validate';
import { isUnsafeIntegerNumber } from '../../src/protocol/exact-json';

/** Integers JavaScript numbers cannot hold: beyond ±(2^53 - 1), up to 2^80. */
const unsafeBigInt = fc
  .bigInt({ min: 2n ** 53n, max: 2n ** 80n })
  .chain((n) => fc.constantFrom(n, -n));

/** JSON values whose leaves include such integers, as BigInts. */
const { value: exactJsonValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .filter((n) => !isUnsafeIntegerNumber(n) && !Object.is(n, -0)),
    unsafeBigInt,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
}));

describe('parseExactJson', () => {
  test('reads an integer beyond 2^53 as an exact BigInt, and everything else as JSON.parse does', () => {
    const text =
      '{"since_id":1790000000000000123,"min":-9223372036854775808,"safe":9007199254740991,' +
      '"float":17900000000000001.5,"exp":1.790000000000000123e18,"id":"12345678901234567890",' +
      '"nested":[{"lsn":12345678901234567891}],"__proto__":{"x":1}}';
    const value = parseExactJson(text) as Record<string, unknown>;
    assert.equal(value.since_id, 1790000000000000123n);
    assert.equal(value.min, -9223372036854775808n);
    assert.equal(value.safe, 9007199254740991, 'within 2^53 - 1: a number');
    assert.equal(value.float, 17900000000000001.5, 'a fraction or exponent: a float, as in Python');
    assert.equal(value.exp, 1.79e18);
    assert.equal(value.id, '12345678901234567890', 'digits in a string stay a string');
    assert.deepEqual(value.nested, [{ lsn: 12345678901234567891n }]);
    assert.deepEqual(Object.keys(value), Object.keys(JSON.parse(text) as object));
    assert.equal(Object.getPrototypeOf(value), Object.prototype, '"__proto__" is a plain key');
  });

  test('gives JSON.parse its error for text that is not JSON', () => {
    assert.throws(() => parseExactJson('{"a":12345678901234567890'), SyntaxError);
  });

  test('reads back exactly what stringifyExactJson wrote, compact or indented', () => {
    fc.assert(
      fc.property(exactJsonValue, fc.constantFrom(undefined, 2), (value, indent) => {
        assert.deepEqual(parseExactJson(stringifyExactJson(value, indent)), value);
      }),
      { numRuns: 300 },
    );
  });
});

describe('stringifyExactJson', () => {
  test('writes what JSON.stringify writes, with each BigInt as its digits', () => {
    fc.assert(
      fc.property(exactJsonValue, fc.constantFrom(undefined, 2), (value, indent) => {
        // Each BigInt as a marked string (fast-check strings are printable ASCII: no NUL).
        const marked = JSON.stringify(
          value,
          (_key, item: unknown) => (typeof item === 'bigint' ? `\u0000${item}\u0000` : item),
          indent,
        ).replace(/"\\u0000(-?\d+)\\u0000"/g, '$1');
        assert.equal(stringifyExactJson(value, indent), marked);
      }),
      { numRuns: 300 },
    );
  });
});

describe('state messages with integers beyond 2^53', () => {
  const message = {
    type: 'STREAM' as const,
    stream: {
      stream_descriptor: { name: 'users' },
      stream_state: { since_id: 1790000000000000123n },
    },
  };

  test('a BigInt is stored as its exact digits', () => {
    assert.equal(
      prepareStateMessage(message).json,
      '{"type":"STREAM","stream":{"stream_descriptor":{"name":"users"},"stream_state":{"since_id":1790000000000000123}}}',
    );
  });

  test('a state file keeps them exactly, both ways', () => {
    const text = toStateInputFileText([message]);
    assert.match(text, /"since_id":1790000000000000123\}/);
    assert.deepEqual(parseStateInputFileText(text), [message]);
  });
});
