import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidStateMessageError, validateStateMessage } from '../../src';
import { prepareStateMessage } from '../../src/protocol/validate';

const streamMessage = (name: string, extra: Record<string, unknown> = {}) => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name }, stream_state: { cursor: 1 } },
  ...extra,
});

/** Asserts that validation fails at `path` and that the message says what was expected. */
function rejects(value: unknown, path: string, expected: RegExp): void {
  assert.throws(
    () => validateStateMessage(value),
    (error: unknown) => {
      assert.ok(
        error instanceof InvalidStateMessageError,
        `not an InvalidStateMessageError: ${String(error)}`,
      );
      assert.equal(error.path, path);
      assert.match(error.message, expected);
      assert.equal(error.type, 'InvalidStateMessage');
      assert.equal(error.retryable, false);
      return true;
    },
  );
}

describe('validateStateMessage', () => {
  test('accepts the nulls and extra keys that PyAirbyte and the platform write', () => {
    const message = {
      type: 'STREAM',
      stream: {
        stream_descriptor: { name: 'users', namespace: null },
        stream_state: { updated_at: '2024-01-01' },
      },
      global: null,
      data: null,
      sourceStats: null,
      destinationStats: { recordCount: 12 },
      id: 42,
    };
    assert.equal(validateStateMessage(message), message);
  });

  test('computes the row key of each kind of message', () => {
    assert.deepEqual(pick(prepareStateMessage(streamMessage('users'))), {
      type: 'STREAM',
      streamName: 'users',
      namespace: '',
    });
    const namespaced = {
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'users', namespace: 'crm' } },
    };
    assert.deepEqual(pick(prepareStateMessage(namespaced)), {
      type: 'STREAM',
      streamName: 'users',
      namespace: 'crm',
    });
    const global = { type: 'GLOBAL', global: { shared_state: { lsn: 7 }, stream_states: [] } };
    assert.deepEqual(pick(prepareStateMessage(global)), {
      type: 'GLOBAL',
      streamName: '_GLOBAL',
      namespace: '',
    });
    assert.deepEqual(pick(prepareStateMessage({ data: { cursor: 3 } })), {
      type: 'LEGACY',
      streamName: '_LEGACY',
      namespace: '',
    });
  });

  test('rejects values that are not messages', () => {
    rejects('{"type":"STREAM"}', '$', /expected a JSON object .*got the string/);
    rejects(null, '$', /got null/);
    rejects([streamMessage('users')], '$', /got an array of 1/);
    rejects(new Date(0), '$', /got an instance of Date/);
  });

  test('names the wrong field and what was expected', () => {
    rejects({ type: 'STREAMS' }, '$.type', /"STREAM", "GLOBAL", "LEGACY" or absent/);
    rejects({ type: 'STREAM' }, '$.stream', /stream_descriptor.*got nothing/);
    rejects(
      { type: 'STREAM', stream: { stream_state: {} } },
      '$.stream.stream_descriptor',
      /got nothing/,
    );
    rejects(
      { type: 'STREAM', stream: { stream_descriptor: { name: 5 } } },
      '$.stream.stream_descriptor.name',
      /expected a string, got number 5/,
    );
    rejects(
      { type: 'STREAM', stream: { stream_descriptor: { name: '' } } },
      '$.stream.stream_descriptor.name',
      /non-empty/,
    );
    rejects(
      { type: 'STREAM', stream: { stream_descriptor: { name: 'a\u0000b' } } },
      '$.stream.stream_descriptor.name',
      /NUL/,
    );
    rejects(
      { type: 'STREAM', stream: { stream_descriptor: { name: 'x'.repeat(513) } } },
      '$.stream.stream_descriptor.name',
      /512/,
    );
    rejects(
      { type: 'STREAM', stream: { stream_descriptor: { name: 'u', namespace: 3 } } },
      '$.stream.stream_descriptor.namespace',
      /or null/,
    );
    rejects(
      { type: 'STREAM', stream: { stream_descriptor: { name: 'u' }, stream_state: [1] } },
      '$.stream.stream_state',
      /JSON object or null/,
    );
    rejects(
      { type: 'GLOBAL', global: { shared_state: {} } },
      '$.global.stream_states',
      /array of stream states/,
    );
    rejects(
      { type: 'GLOBAL', global: { stream_states: [{}] } },
      '$.global.stream_states[0].stream_descriptor',
      /got nothing/,
    );
    rejects({ type: 'LEGACY', data: 'x' }, '$.data', /LEGACY state blob/);
    rejects(
      streamMessage('u', { sourceStats: { recordCount: -1 } }),
      '$.sourceStats.recordCount',
      /non-negative/,
    );
  });

  test('reserves the GLOBAL and LEGACY row keys', () => {
    rejects(streamMessage('_GLOBAL'), '$.stream.stream_descriptor.name', /reserved/);
    rejects(streamMessage('_LEGACY'), '$.stream.stream_descriptor.name', /reserved/);
  });

  test('rejects a GLOBAL state that lists one stream twice', () => {
    const state = { stream_descriptor: { name: 'users' } };
    rejects(
      { type: 'GLOBAL', global: { stream_states: [state, state] } },
      '$.global.stream_states[1]',
      /at most once/,
    );
  });

  test('rejects what JSON would silently change', () => {
    rejects(streamMessage('u', { extra: Number.NaN }), '$.extra', /finite number, got NaN/);
    rejects(streamMessage('u', { extra: Number.POSITIVE_INFINITY }), '$.extra', /finite number/);
    rejects(streamMessage('u', { extra: [1, undefined] }), '$.extra[1]', /undefined/);
    rejects(streamMessage('u', { extra: new Date(0) }), '$.extra', /instance of Date/);
    rejects(
      streamMessage('u', { extra: { since_id: Number('1790000000000000123') } }),
      '$.extra.since_id',
      /a BigInt for an exact larger integer, got the number 1790000000000000000, an integer beyond 2\^53 - 1 that may have been rounded already/,
    );
    rejects(streamMessage('u', { extra: () => 1 }), '$.extra', /a JSON value, got a function/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    rejects(streamMessage('u', { extra: cyclic }), '$.extra' + '.self'.repeat(200), /no cycles/);
  });

  test('bounds the serialized size, by default at 1 MiB', () => {
    const big = streamMessage('u', { blob: 'x'.repeat(1024 * 1024) });
    assert.throws(
      () => validateStateMessage(big),
      /expected at most 1048576 bytes of JSON, got 10486\d\d bytes/,
    );
    assert.throws(
      () => validateStateMessage(streamMessage('u'), { maxBytes: 10 }),
      /at most 10 bytes/,
    );
    assert.doesNotThrow(() =>
      validateStateMessage(streamMessage('u', { blob: 'x'.repeat(1000) }), { maxBytes: 2000 }),
    );
  });
});

function pick(prepared: ReturnType<typeof prepareStateMessage>) {
  return { type: prepared.type, streamName: prepared.streamName, namespace: prepared.namespace };
}
