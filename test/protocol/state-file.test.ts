import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  InvalidStateMessageError,
  parseStateInputFileText,
  toStateInputFileText,
  validateStateMessage,
} from '../../src';
import { arbitraryStateMessage } from '../helpers/arbitraries';

describe('toStateInputFileText', () => {
  test('lays messages out exactly as PyAirbyte does', () => {
    const a = { type: 'STREAM' as const, stream: { stream_descriptor: { name: 'a' } } };
    const b = { type: 'GLOBAL' as const, global: { stream_states: [] } };
    assert.equal(toStateInputFileText([a, b]), `[${JSON.stringify(a)}\n, ${JSON.stringify(b)}]`);
    assert.equal(toStateInputFileText([]), '[]');
  });
});

describe('parseStateInputFileText', () => {
  test('reads back what toStateInputFileText wrote, for any valid messages', () => {
    fc.assert(
      fc.property(fc.array(arbitraryStateMessage, { maxLength: 5 }), (messages) => {
        assert.deepEqual(parseStateInputFileText(toStateInputFileText(messages)), messages);
      }),
      { numRuns: 200 },
    );
  });

  test('accepts a single message as well as an array', () => {
    const one = { type: 'STREAM', stream: { stream_descriptor: { name: 'a' } } };
    assert.deepEqual(parseStateInputFileText(JSON.stringify(one)), [one]);
  });

  test('says where a bad file is wrong', () => {
    assert.throws(
      () => parseStateInputFileText('not json'),
      (e) => e instanceof InvalidStateMessageError && /not JSON/.test(e.message),
    );
    assert.throws(
      () => parseStateInputFileText('42'),
      /expected an array of state messages, got number 42/,
    );
    assert.throws(
      () => parseStateInputFileText('[{"type":"STREAM","stream":{}}]'),
      /at \$\[0\]\.stream\.stream_descriptor/,
    );
  });
});

describe('validateStateMessage on generated messages', () => {
  test('any valid message passes unchanged and survives JSON unchanged', () => {
    fc.assert(
      fc.property(arbitraryStateMessage, (message) => {
        assert.equal(validateStateMessage(message), message);
        assert.deepEqual(JSON.parse(JSON.stringify(message)), message);
      }),
      { numRuns: 300 },
    );
  });
});
