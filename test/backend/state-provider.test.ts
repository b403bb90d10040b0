import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AirbyteStateMessage,
  InvalidInputError,
  InvalidStateMessageError,
  JoinedStateProvider,
  StateNotFoundError,
  StaticInputState,
} from '../../src';

const stream = (name: string, cursor: number, namespace?: string): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: {
    stream_descriptor: namespace === undefined ? { name } : { name, namespace },
    stream_state: { cursor },
  },
});
const global = (lsn: number): AirbyteStateMessage => ({
  type: 'GLOBAL',
  global: {
    shared_state: { lsn },
    stream_states: [{ stream_descriptor: { name: 'orders' }, stream_state: { lsn } }],
  },
});

describe('StaticInputState', () => {
  test('exposes the stream states, names and whole messages as PyAirbyte does', () => {
    const provider = new StaticInputState([stream('users', 1), stream('products', 2), global(9)]);
    assert.equal(provider.stateMessageArtifacts.length, 3);
    assert.deepEqual(
      provider.streamStateArtifacts.map((s) => s.stream_descriptor.name),
      ['users', 'products'],
    );
    assert.deepEqual(provider.knownStreamNames, new Set(['users', 'products']));
    assert.deepEqual(provider.getStreamState('products'), stream('products', 2));
  });

  test('keeps GLOBAL state, which PyAirbyte drops', () => {
    const provider = new StaticInputState([stream('users', 1), global(9)]);
    assert.deepEqual(provider.globalState, global(9));
    assert.match(provider.toStateInputFileText(), /"shared_state":\{"lsn":9\}/);
  });

  test('raises a StateNotFoundError that lists the streams that exist', () => {
    const provider = new StaticInputState([stream('users', 1), stream('products', 2)]);
    assert.throws(
      () => provider.getStreamState('user'),
      (e) =>
        e instanceof StateNotFoundError &&
        e.message === 'No state found for stream "user". Streams with state: products, users.',
    );
  });

  test('returns notFound instead of raising when one is given', () => {
    const provider = new StaticInputState([stream('users', 1)]);
    assert.equal(provider.getStreamState('nope', null), null);
    assert.deepEqual(provider.getStreamState('nope', stream('nope', 0)), stream('nope', 0));
  });

  test('tells namespaces apart and refuses an ambiguous bare name', () => {
    const provider = new StaticInputState([stream('users', 1, 'crm'), stream('users', 2, 'erp')]);
    assert.deepEqual(
      provider.getStreamState({ name: 'users', namespace: 'erp' }),
      stream('users', 2, 'erp'),
    );
    assert.throws(() => provider.getStreamState('users'), InvalidInputError);
    assert.equal(provider.getStreamState({ name: 'users' }, null), null);
  });

  test('validates the messages it is given', () => {
    assert.throws(() => new StaticInputState([{ type: 'STREAM' }]), InvalidStateMessageError);
  });
});

describe('JoinedStateProvider', () => {
  test('takes the primary state of each stream and falls back to the secondary', () => {
    const primary = new StaticInputState([stream('users', 10)]);
    const secondary = new StaticInputState([stream('users', 1), stream('products', 2)]);
    const joined = new JoinedStateProvider(primary, secondary);
    assert.deepEqual(joined.knownStreamNames, new Set(['users', 'products']));
    assert.deepEqual(joined.getStreamState('users'), stream('users', 10));
    assert.deepEqual(joined.getStreamState('products'), stream('products', 2));
    assert.equal(joined.stateMessageArtifacts.length, 2);
  });

  test('joins GLOBAL state too, primary first', () => {
    assert.deepEqual(
      new JoinedStateProvider(new StaticInputState([global(2)]), new StaticInputState([global(1)]))
        .globalState,
      global(2),
    );
    assert.deepEqual(
      new JoinedStateProvider(new StaticInputState([]), new StaticInputState([global(1)]))
        .globalState,
      global(1),
    );
  });

  test('keeps the same stream name in two namespaces apart', () => {
    const joined = new JoinedStateProvider(
      new StaticInputState([stream('users', 1, 'crm')]),
      new StaticInputState([stream('users', 2, 'erp')]),
    );
    assert.equal(joined.stateMessageArtifacts.length, 2);
  });
});
