import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import fc from 'fast-check';
import { createStateActivities, type StateActivities } from '../../activities';
import {
  type AirbyteStateMessage,
  parseStateInputFileText,
  SqlStateBackend,
  streamStatesOf,
} from '../../src';
import { arbitraryStateMessage } from '../helpers/arbitraries';
import { withTestDatabase } from '../helpers/database';

/**
 * Bad input at the activity boundary: whatever a workflow (in any SDK) sends, a bad value gets a
 * clear, named, non-retryable failure and the database is left exactly as it was.
 */
const db = withTestDatabase();
let backend: SqlStateBackend;
let activities: StateActivities;
const MAX_BYTES = 4096;

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url, maxStateBytes: MAX_BYTES });
  activities = createStateActivities(backend);
  // Some state and records to protect.
  await run(activities.writeState, { sourceName: 'guarded', messages: [stream('users', 1)] });
  await run(activities.commitBatch, {
    connectionId: 'guarded',
    sourceName: 'guarded',
    records: [{ id: 1 }],
    primaryKey: ['id'],
    state: stream('users', 2),
    checkpoint: 1,
  });
});
after(async () => {
  await backend?.close();
});

const env = new MockActivityEnvironment(
  { workflowExecution: { workflowId: 'w', runId: 'r' } },
  { logger: new DefaultLogger('ERROR') },
);
const run = <A, R>(fn: (input: A) => Promise<R>, input: A): Promise<R> => env.run(fn, input);

function stream(name: string, cursor: unknown): AirbyteStateMessage {
  return {
    type: 'STREAM',
    stream: { stream_descriptor: { name }, stream_state: { cursor } as never },
  };
}

/** Every row of every table in the schema, in a stable order: what "changes nothing" compares. */
async function snapshot(): Promise<unknown> {
  const tables = await backend
    .fork()
    .execute<{ t: string }[]>(
      `select tablename as t from pg_tables where schemaname = 'public' order by 1`,
    );
  const out: Record<string, unknown> = {};
  for (const { t } of tables) {
    if (t === '_sync_state_migrations') continue;
    out[t] = await backend.fork().execute(`select * from "${t}" order by 1, 2`);
  }
  return out;
}

async function refused(call: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await call;
  } catch (error) {
    assert.ok(
      error instanceof ApplicationFailure,
      `expected an ApplicationFailure, got ${String(error)}`,
    );
    assert.equal(error.nonRetryable, true, error.message);
    assert.ok(
      ['InvalidStateMessage', 'InvalidInput'].includes(error.type ?? ''),
      `type ${error.type}`,
    );
    return error;
  }
  assert.fail('the bad input was accepted');
}

const longName = 'n'.repeat(600);
const CASES: [string, keyof StateActivities, unknown, RegExp][] = [
  [
    'a message that is not an object',
    'writeState',
    { sourceName: 's', messages: ['{"type":"STREAM"}'] },
    /\$: expected a JSON object .*got the string/,
  ],
  [
    'non-JSON text where a message should be',
    'writeState',
    { sourceName: 's', messages: ['{not json'] },
    /expected a JSON object/,
  ],
  [
    'an unknown type',
    'writeState',
    { sourceName: 's', messages: [{ type: 'stream' }] },
    /\$\.type: expected "STREAM", "GLOBAL", "LEGACY"/,
  ],
  [
    'a missing stream descriptor',
    'writeState',
    { sourceName: 's', messages: [{ type: 'STREAM', stream: {} }] },
    /\$\.stream\.stream_descriptor/,
  ],
  [
    'a stream name of the wrong type',
    'writeState',
    {
      sourceName: 's',
      messages: [{ type: 'STREAM', stream: { stream_descriptor: { name: ['users'] } } }],
    },
    /name: expected a string, got an array/,
  ],
  [
    'an empty stream name',
    'writeState',
    { sourceName: 's', messages: [stream('', 1)] },
    /name: expected a non-empty string/,
  ],
  [
    'a NUL byte in a stream name',
    'writeState',
    { sourceName: 's', messages: [stream('us\u0000ers', 1)] },
    /without NUL/,
  ],
  [
    'a very long stream name',
    'writeState',
    { sourceName: 's', messages: [stream(longName, 1)] },
    /at most 512 UTF-8 bytes/,
  ],
  [
    'a lone surrogate in a name',
    'writeState',
    { sourceName: 's\ud800', messages: [stream('u', 1)] },
    /well-formed Unicode/,
  ],
  [
    'state over the size limit',
    'writeState',
    { sourceName: 's', messages: [stream('u', 'x'.repeat(MAX_BYTES))] },
    /at most 4096 bytes of JSON/,
  ],
  [
    'GLOBAL state without stream_states',
    'writeState',
    { sourceName: 's', messages: [{ type: 'GLOBAL', global: { shared_state: {} } }] },
    /stream_states/,
  ],
  [
    'stats of the wrong type',
    'writeState',
    { sourceName: 's', messages: [{ ...stream('u', 1), sourceStats: { recordCount: '12' } }] },
    /recordCount/,
  ],
  [
    // JSON.parse made 1790000000000000000 of 1790000000000000123: storing it would move a cursor.
    'a state number that is an integer beyond 2^53 (maybe rounded already)',
    'writeState',
    { sourceName: 's', messages: [stream('u', 2 ** 60)] },
    /\$\.stream\.stream_state\.cursor: expected a number within .*or a BigInt.*got the number 1152921504606847000/,
  ],
  [
    'messages that are not an array',
    'writeState',
    { sourceName: 's', messages: stream('u', 1) },
    /messages: expected an array/,
  ],
  [
    'an empty source name',
    'getState',
    { sourceName: '' },
    /sourceName: expected a non-empty string/,
  ],
  [
    'a source name of the wrong type',
    'getState',
    { sourceName: { name: 's' } },
    /sourceName: expected a string/,
  ],
  [
    'a table prefix with a quote and a semicolon',
    'getState',
    { sourceName: 's', tablePrefix: `p"; drop table _airbyte_state; --` },
    /tablePrefix: expected '' or letters, digits and _/,
  ],
  [
    'a table prefix with unicode',
    'writeState',
    { sourceName: 's', tablePrefix: 'prä_', messages: [stream('u', 1)] },
    /tablePrefix/,
  ],
  [
    'an empty destination name',
    'writeState',
    { sourceName: 's', destinationName: '', messages: [stream('u', 1)] },
    /destinationName/,
  ],
  [
    'a streams filter that is not an array',
    'getState',
    { sourceName: 's', streams: 'users' },
    /streams: expected an array/,
  ],
  [
    'a checkpoint that is not a number',
    'commitBatch',
    {
      connectionId: 'c',
      sourceName: 's',
      records: [],
      primaryKey: ['id'],
      state: stream('u', 1),
      checkpoint: '1',
    },
    /checkpoint/,
  ],
  [
    'a commit whose state holds an integer beyond 2^53',
    'commitBatch',
    {
      connectionId: 'c',
      sourceName: 's',
      records: [{ id: 1 }],
      primaryKey: ['id'],
      state: stream('u', -(2 ** 60)),
      checkpoint: 1,
    },
    /\$\.stream\.stream_state\.cursor: .*got the number -1152921504606847000, an integer beyond 2\^53/,
  ],
  [
    'a record without its key',
    'commitBatch',
    {
      connectionId: 'c',
      sourceName: 's',
      records: [{ name: 'x' }],
      primaryKey: ['id'],
      state: stream('u', 1),
      checkpoint: 1,
    },
    /records\[0\]\.id/,
  ],
  [
    'a key column name with a NUL byte',
    'commitBatch',
    {
      connectionId: 'c',
      sourceName: 's',
      records: [],
      primaryKey: ['i\u0000d'],
      state: stream('u', 1),
      checkpoint: 1,
    },
    /primaryKey\[0\]/,
  ],
  [
    'a table name over 63 bytes',
    'commitBatch',
    {
      connectionId: 'c',
      sourceName: 's',
      records: [],
      primaryKey: ['id'],
      state: stream('u', 1),
      checkpoint: 1,
      table: 'ü'.repeat(32),
    },
    /at most 63 bytes/,
  ],
  [
    'an input that is not an object',
    'commitBatch',
    'commit please',
    /input: expected a JSON object/,
  ],
  ['a missing connection id', 'startSync', { sourceName: 's' }, /connectionId/],
];

describe('bad input at the activity boundary', () => {
  for (const [what, name, input, message] of CASES) {
    test(`${what}: a named, non-retryable failure that changes nothing`, async () => {
      const before = await snapshot();
      const failure = await refused(
        run(activities[name] as (input: unknown) => Promise<unknown>, input),
      );
      assert.match(failure.message, message);
      assert.deepEqual(await snapshot(), before);
    });
  }

  test('a state file that is not JSON is refused with the reason', () => {
    assert.throws(
      () => parseStateInputFileText('[{"type": "STREAM",'),
      /expected JSON text .*not JSON/,
    );
  });
});

/** A valid message with one thing broken, chosen at random. */
const corruptedMessage = fc
  .tuple(
    arbitraryStateMessage,
    fc.constantFrom<(m: Record<string, unknown>) => unknown>(
      (m) => ({ ...m, type: 'GLOBALS' }),
      (m) =>
        m.type === 'STREAM'
          ? { ...m, stream: { ...(m.stream as object), stream_descriptor: undefined } }
          : { ...m, type: 'STREAM', stream: null },
      (m) => ({ ...m, type: 'GLOBAL', global: { stream_states: 'none' } }),
      (m) => ({ ...m, sourceStats: { recordCount: -1 } }),
      (m) => ({ ...m, extra: Number.NaN }),
      (m) => ({ ...m, extra: [undefined] }),
      (m) => ({ ...m, extra: new Date(0) }),
      (m) => ({ ...m, blob: 'x'.repeat(MAX_BYTES) }),
      (m) => JSON.stringify(m),
      (m) => [m],
      () => null,
    ),
  )
  .map(([message, corrupt]) => corrupt(message as unknown as Record<string, unknown>));

describe('generated bad input', () => {
  test('any corrupted message is refused by writeState and commitBatch, and nothing changes', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(corruptedMessage, async (message) => {
        await refused(
          run(activities.writeState, {
            sourceName: 'fuzz',
            messages: [stream('ok', 1), message as AirbyteStateMessage],
          }),
        );
        await refused(
          run(activities.commitBatch, {
            connectionId: 'fuzz',
            sourceName: 'fuzz',
            records: [{ id: 1 }],
            primaryKey: ['id'],
            state: message as AirbyteStateMessage,
            checkpoint: 1,
          }),
        );
      }),
      { numRuns: 150 },
    );
    assert.deepEqual(await snapshot(), before);
  });

  test('any name is either stored exactly as given or refused with nothing changed', async () => {
    const names = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.constantFrom(
        "o'brien",
        'a;b',
        'select * from x',
        'DROP TABLE _airbyte_state;--',
        '"quoted"',
        '\\',
        '%_',
        'ünï',
        '🙂',
        ' ',
        'x'.repeat(513),
      ),
    );
    await fc.assert(
      fc.asyncProperty(names, names, async (sourceName, streamName) => {
        const before = await snapshot();
        try {
          await run(activities.writeState, { sourceName, messages: [stream(streamName, 7)] });
        } catch (error) {
          assert.ok(error instanceof ApplicationFailure && error.nonRetryable, String(error));
          assert.deepEqual(await snapshot(), before);
          return;
        }
        const state = await run(activities.getState, { sourceName, streams: [streamName] });
        assert.deepEqual(streamStatesOf(state.messages), [
          { name: streamName, namespace: null, state: { cursor: 7 } },
        ]);
      }),
      { numRuns: 200 },
    );
  });
});
