import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidInputError, InvalidStateMessageError } from '../../src/errors';
import { type AirbyteStateMessage, validateStateMessage } from '../../src/protocol';
import {
  configuredCatalog,
  readBatch,
  readMessages,
  type ReadMessage,
  SAMPLE_STREAM_NAMES,
  updatedAtOf,
} from '../../examples/sample-source';

async function collect(config: unknown, catalog: unknown, state?: unknown): Promise<ReadMessage[]> {
  const messages: ReadMessage[] = [];
  for await (const message of readMessages(config, catalog, state)) messages.push(message);
  return messages;
}

/** The messages in a compact form: `users#3` for a record, `STATE users @3 (+2)` for a state. */
function outline(messages: ReadMessage[]): string[] {
  return messages.map((m) => {
    if (m.type === 'RECORD') return `${m.record.stream}#${JSON.stringify(m.record.data.id)}`;
    const updatedAt = m.state.stream?.stream_state?.updated_at;
    const at =
      typeof updatedAt === 'string'
        ? (Date.parse(updatedAt) - Date.parse(updatedAtOf(0))) / 1000
        : '-';
    return `STATE ${m.state.stream?.stream_descriptor.name} @${at} (+${m.state.sourceStats?.recordCount})`;
  });
}

const states = (messages: ReadMessage[]): AirbyteStateMessage[] =>
  messages.flatMap((m) => (m.type === 'STATE' ? [m.state] : []));

describe('readMessages', () => {
  test('emits every stream’s records in order, a state every records_per_batch records and one at each stream’s end', async () => {
    const messages = await collect(
      { count: 5, records_per_batch: 2 },
      configuredCatalog('incremental', ['users', 'products']),
    );
    assert.deepEqual(outline(messages), [
      'users#1',
      'users#2',
      'STATE users @2 (+2)',
      'users#3',
      'users#4',
      'STATE users @4 (+2)',
      'users#5',
      'STATE users @5 (+1)',
      'products#1',
      'products#2',
      'STATE products @2 (+2)',
      'products#3',
      'products#4',
      'STATE products @4 (+2)',
      'products#5',
      'STATE products @5 (+1)',
    ]);
  });

  test('does not repeat a state when a checkpoint falls on the stream’s last record', async () => {
    const messages = await collect(
      { count: 4, records_per_batch: 2 },
      configuredCatalog('incremental', ['users']),
    );
    assert.deepEqual(outline(messages), [
      'users#1',
      'users#2',
      'STATE users @2 (+2)',
      'users#3',
      'users#4',
      'STATE users @4 (+2)',
    ]);
  });

  test('emits records equal to readBatch’s, as RECORD messages with an emitted_at', async () => {
    const before = Date.now();
    const messages = await collect({ count: 30, seed: 4 }, configuredCatalog());
    for (const stream of SAMPLE_STREAM_NAMES) {
      const records = messages.flatMap((m) =>
        m.type === 'RECORD' && m.record.stream === stream ? [m.record] : [],
      );
      assert.deepEqual(
        records.map((r) => r.data),
        readBatch({ stream, limit: 30, seed: 4, count: 30 }).records,
      );
      for (const record of records)
        assert.ok(record.emitted_at >= before && record.emitted_at <= Date.now());
    }
  });

  test('emits only valid per-stream state messages', async () => {
    const emitted = states(await collect({ count: 2500 }, configuredCatalog()));
    assert.equal(emitted.length, 9);
    for (const state of emitted) assert.equal(validateStateMessage(state), state);
  });

  test('reads each incremental stream from the cursor its input state holds', async () => {
    const first = await collect(
      { count: 5 },
      configuredCatalog('incremental', ['users', 'purchases']),
    );
    const second = await collect(
      { count: 8, stream_counts: { users: 5 } },
      configuredCatalog('incremental', ['users', 'purchases']),
      states(first),
    );
    assert.deepEqual(outline(second), [
      'STATE users @5 (+0)',
      'purchases#6',
      'purchases#7',
      'purchases#8',
      'STATE purchases @8 (+3)',
    ]);
  });

  test('rereads a full-refresh stream from the start whatever its state', async () => {
    const state = states(
      await collect({ count: 3 }, configuredCatalog('incremental', ['products'])),
    );
    const messages = await collect(
      { count: 3 },
      configuredCatalog('full_refresh', ['products']),
      state,
    );
    assert.deepEqual(outline(messages), [
      'products#1',
      'products#2',
      'products#3',
      'STATE products @3 (+3)',
    ]);
  });

  test('ignores states of streams it does not have, and streams without a cursor', async () => {
    const state = [
      {
        type: 'STREAM',
        stream: { stream_descriptor: { name: 'orders' }, stream_state: { updated_at: 'whatever' } },
      },
      { type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: {} } },
    ];
    assert.deepEqual(
      outline(await collect({ count: 1 }, configuredCatalog('incremental', ['users']), state)),
      ['users#1', 'STATE users @1 (+1)'],
    );
  });

  test('rejects bad config, catalog and state before emitting anything', async () => {
    const catalog = configuredCatalog();
    const cases: [unknown, unknown, unknown, RegExp][] = [
      [{ count: -1 }, catalog, undefined, /Invalid config\.count: expected an integer from 0/],
      [
        { cuont: 1 },
        catalog,
        undefined,
        /Invalid config\.cuont: expected no such key \(known: count, stream_counts, seed, records_per_batch\)/,
      ],
      [
        { stream_counts: { orders: 1 } },
        catalog,
        undefined,
        /Invalid config\.stream_counts\.orders/,
      ],
      [{ records_per_batch: 0 }, catalog, undefined, /Invalid config\.records_per_batch/],
      [
        {},
        { streams: [{ stream: { name: 'orders' }, sync_mode: 'incremental' }] },
        undefined,
        /Invalid catalog\.streams\[0\]\.stream\.name/,
      ],
      [
        {},
        { streams: [{ stream: { name: 'users' }, sync_mode: 'cdc' }] },
        undefined,
        /Invalid catalog\.streams\[0\]\.sync_mode/,
      ],
      [
        {},
        {
          streams: [{ stream: { name: 'users' }, sync_mode: 'incremental', cursor_field: ['id'] }],
        },
        undefined,
        /cursor_field: expected \["updated_at"\]/,
      ],
      [
        {},
        { streams: [catalog.streams[0], catalog.streams[0]] },
        undefined,
        /Invalid catalog\.streams\[1\]\.stream\.name: expected each stream at most once/,
      ],
      [{}, catalog, { type: 'STREAM' }, /Invalid state: expected an array of state messages/],
      [
        {},
        catalog,
        [{ type: 'GLOBAL', global: { stream_states: [] } }],
        /Invalid state\[0\]\.type: expected "STREAM"/,
      ],
      [
        {},
        catalog,
        [
          {
            type: 'STREAM',
            stream: { stream_descriptor: { name: 'users' }, stream_state: { updated_at: 7 } },
          },
        ],
        /Invalid state\[0\]\.stream\.stream_state\.updated_at/,
      ],
    ];
    for (const [config, badCatalog, state, message] of cases) {
      await assert.rejects(
        collect(config, badCatalog, state),
        (e: unknown) => e instanceof InvalidInputError && message.test(e.message),
        message.source,
      );
    }
    await assert.rejects(
      collect({}, catalog, [{ type: 'STREAM', stream: {} }]),
      InvalidStateMessageError,
    );
  });

  test('gives timers and I/O a turn during a long read', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      let records = 0;
      for await (const message of readMessages(
        { count: 100_000 },
        configuredCatalog('incremental', ['products']),
      )) {
        if (message.type === 'RECORD') records++;
      }
      assert.equal(records, 100_000);
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks > 0);
  });
});
