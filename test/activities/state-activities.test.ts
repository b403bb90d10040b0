import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createStateActivities, type StateActivities } from '../../activities';
import {
  type AirbyteStateMessage,
  type CommitBatchInput,
  SqlStateBackend,
  streamStatesOf,
} from '../../src';
import { withTestDatabase } from '../helpers/database';

const db = withTestDatabase();
let backend: SqlStateBackend;
let activities: StateActivities;

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url });
  activities = createStateActivities(backend);
});
after(async () => {
  await backend?.close();
});

/** Runs an activity as Temporal would, in the context of a workflow run. */
function run<A, R>(fn: (input: A) => Promise<R>, input: A, runId = 'run-1'): Promise<R> {
  // Failures are what these tests expect: keep the activity logger's warnings out of the output.
  const env = new MockActivityEnvironment(
    { workflowExecution: { workflowId: 'sync-test', runId } },
    { logger: new DefaultLogger('ERROR') },
  );
  return env.run(fn, input);
}

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  backend.fork().execute<T[]>(query, params);

const users = (cursor: number): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name: 'users' }, stream_state: { updated_at: cursor } },
});

const batch = (
  connectionId: string,
  checkpoint: number,
  ids: number[],
  extra: Partial<CommitBatchInput> = {},
): CommitBatchInput => ({
  connectionId,
  sourceName: `src-${connectionId}`,
  records: ids.map((id) => ({ id, name: `user ${id}`, checkpoint })),
  primaryKey: ['id'],
  state: users(ids.at(-1) ?? 0),
  checkpoint,
  tablePrefix: `${connectionId}_`,
  ...extra,
});

/** Asserts a non-retryable ApplicationFailure of `type` whose message matches. */
async function failsWith(promise: Promise<unknown>, type: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(
      error instanceof ApplicationFailure,
      `expected an ApplicationFailure, got ${String(error)}`,
    );
    assert.equal(error.type, type);
    assert.equal(error.nonRetryable, true);
    assert.match(error.message, message);
    return true;
  });
}

async function snapshot(connectionId: string) {
  const tables = await sql<{ n: string }>(
    `select count(*) as n from pg_tables where tablename = ?`,
    [`${connectionId}_users`],
  );
  return {
    state: await sql(
      `select source_name, stream_name, state_json from _airbyte_state where source_name = ?`,
      [`src-${connectionId}`],
    ),
    checkpoints: await sql(
      `select checkpoint, records_committed from _sync_state_checkpoints where connection_id = ?`,
      [connectionId],
    ),
    records: Number(tables[0]?.n)
      ? await sql(
          `select id, _airbyte_data, _airbyte_checkpoint from "${connectionId}_users" order by id`,
        )
      : [],
  };
}

describe('getState and writeState', () => {
  test('writeState writes many messages at once and getState returns them as plain JSON', async () => {
    const messages = [
      users(5),
      {
        type: 'GLOBAL',
        global: { shared_state: { lsn: 9 }, stream_states: [] },
      } as AirbyteStateMessage,
    ];
    assert.deepEqual(await run(activities.writeState, { sourceName: 'faker', messages }), {
      written: 2,
    });
    const state = await run(activities.getState, { sourceName: 'faker' });
    assert.deepEqual(
      [...state.messages].sort((a, b) => String(a.type).localeCompare(String(b.type))),
      [messages[1], messages[0]],
      'each message once, as written',
    );
    assert.deepEqual(JSON.parse(JSON.stringify(state)), state, 'plain JSON');
  });

  test('bad input is a non-retryable failure that names the field and writes nothing', async () => {
    await failsWith(
      run(activities.writeState, { sourceName: 'bad', messages: [users(1), { type: 'STREAM' }] }),
      'InvalidStateMessage',
      /\$\.stream/,
    );
    await failsWith(
      run(activities.writeState, { sourceName: 'bad', messages: 'x' } as never),
      'InvalidInput',
      /messages: expected an array/,
    );
    await failsWith(
      run(activities.getState, { sourceName: 42 } as never),
      'InvalidInput',
      /sourceName/,
    );
    await failsWith(
      run(activities.getState, undefined as never),
      'InvalidInput',
      /expected a JSON object/,
    );
    assert.deepEqual((await run(activities.getState, { sourceName: 'bad' })).messages, []);
  });
});

describe('commitBatch', () => {
  test('commits the records and the state together, once per checkpoint', async () => {
    const first = await run(activities.commitBatch, batch('c1', 1, [1, 2, 3]));
    assert.deepEqual(
      { ...first, committedAt: typeof first.committedAt },
      {
        status: 'committed',
        checkpoint: 1,
        recordsWritten: 3,
        table: '"public"."c1_users"',
        streamRecordsCommitted: 3,
        committedAt: 'string',
      },
    );
    await run(activities.commitBatch, batch('c1', 2, [4, 5]));
    const stored = await snapshot('c1');
    assert.deepEqual(
      stored.records.map((r) => r.id),
      ['1', '2', '3', '4', '5'],
    );
    assert.deepEqual(stored.checkpoints, [{ checkpoint: '2', records_committed: '5' }]);
    assert.match(String(stored.state[0]?.state_json), /"updated_at":5/);
  });

  test('a replayed commit of a checkpoint that already committed changes nothing and says so', async () => {
    await run(activities.commitBatch, batch('c2', 1, [1, 2]));
    const before = await snapshot('c2');
    const replay = await run(
      activities.commitBatch,
      batch('c2', 1, [1, 2, 3], { state: users(99) }),
    );
    assert.equal(replay.status, 'alreadyCommitted');
    assert.equal(replay.recordsWritten, 0);
    assert.deepEqual(await snapshot('c2'), before);
  });

  test('an older checkpoint is refused as StaleCheckpoint and moves nothing backwards', async () => {
    await run(activities.commitBatch, batch('c3', 1, [1]));
    await run(activities.commitBatch, batch('c3', 2, [2]));
    const before = await snapshot('c3');
    await failsWith(
      run(activities.commitBatch, batch('c3', 1, [1], { state: users(0) })),
      'StaleCheckpoint',
      /checkpoint 1 is older than the committed checkpoint 2/,
    );
    assert.deepEqual(await snapshot('c3'), before);
  });

  test('a newer run fences off every commit of an older run', async () => {
    const old = await run(
      activities.startSync,
      { connectionId: 'c4', sourceName: 'src-c4' },
      'run-old',
    );
    assert.equal(
      (await run(activities.startSync, { connectionId: 'c4', sourceName: 'src-c4' }, 'run-old'))
        .epoch,
      old.epoch,
      'a retried claim keeps its epoch',
    );
    await run(activities.commitBatch, batch('c4', 1, [1], { epoch: old.epoch }));
    const next = await run(
      activities.startSync,
      { connectionId: 'c4', sourceName: 'src-c4', tablePrefix: 'c4_' },
      'run-new',
    );
    assert.equal(next.epoch, old.epoch + 1);
    assert.deepEqual(
      next.checkpoints.map((c) => [c.name, c.checkpoint, c.recordsCommitted]),
      [['users', 1, 1]],
    );
    assert.deepEqual(streamStatesOf(next.state?.messages ?? []), [
      { name: 'users', namespace: null, state: { updated_at: 1 } },
    ]);
    const before = await snapshot('c4');
    await failsWith(
      run(activities.commitBatch, batch('c4', 2, [2], { epoch: old.epoch })),
      'StaleCheckpoint',
      /a newer run claimed the connection/,
    );
    assert.deepEqual(await snapshot('c4'), before);
    assert.equal(
      (await run(activities.commitBatch, batch('c4', 2, [2], { epoch: next.epoch }))).status,
      'committed',
    );
  });

  test('the last record wins when a batch holds one key twice', async () => {
    await run(
      activities.commitBatch,
      batch('c5', 1, [1, 2], {
        records: [
          { id: 1, v: 'a' },
          { id: 2, v: 'b' },
          { id: 1, v: 'c' },
        ],
      }),
    );
    const rows = await snapshot('c5');
    assert.deepEqual(
      rows.records.map((r) => [r.id, (r._airbyte_data as { v: string }).v]),
      [
        ['1', 'c'],
        ['2', 'b'],
      ],
    );
  });

  test('a stream and a key column with ? in their names commit like any other (no parameter mix-up)', async () => {
    const what = (cursor: number): AirbyteStateMessage => ({
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'what?' }, stream_state: { cursor } },
    });
    const input = (checkpoint: number, ids: number[]) =>
      batch('c8', checkpoint, [], {
        records: ids.map((id) => ({ 'id?': id, 'note?': `n${id}` })),
        primaryKey: ['id?'],
        state: what(ids.at(-1) ?? 0),
      });
    const first = await run(activities.commitBatch, input(1, [1, 2]));
    assert.equal(first.table, '"public".U&"c8_what\\003F"');
    await run(activities.commitBatch, input(2, [2, 3]));
    const rows = await sql<{ id: string; data: { 'note?': string } }>(
      `select "id?" as id, _airbyte_data as data from "c8_what?" order by 1`,
    );
    assert.deepEqual(
      rows.map((r) => [r.id, r.data['note?']]),
      [
        ['1', 'n1'],
        ['2', 'n2'],
        ['3', 'n3'],
      ],
    );
    const state = await backend.getStateProvider('src-c8', { tablePrefix: 'c8_' });
    assert.equal(state.getStreamState('what?').stream?.stream_state?.cursor, 3);
  });

  test('a database failure mid-commit rolls back the records too, and stays retryable', async () => {
    await sql(
      `create function boom() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end $$`,
    );
    await sql(
      `create trigger boom before insert on _airbyte_state for each row when (new.source_name = 'src-c6') execute function boom()`,
    );
    try {
      await assert.rejects(
        run(activities.commitBatch, batch('c6', 1, [1, 2])),
        (error: unknown) => {
          assert.ok(
            !(error instanceof ApplicationFailure),
            'not turned into a non-retryable failure',
          );
          assert.match(String(error), /disk full/);
          return true;
        },
      );
      assert.deepEqual(await snapshot('c6'), { state: [], checkpoints: [], records: [] });
    } finally {
      await sql('drop trigger boom on _airbyte_state');
    }
    assert.equal(
      (await run(activities.commitBatch, batch('c6', 1, [1, 2]))).status,
      'committed',
      'the retry goes through',
    );
  });

  test('bad input is refused before anything is written', async () => {
    await run(activities.commitBatch, batch('c7', 1, [1]));
    const before = await snapshot('c7');
    const cases: [Partial<CommitBatchInput> | Record<string, unknown>, string, RegExp][] = [
      [{ checkpoint: 0 }, 'InvalidInput', /checkpoint: expected a whole number of at least 1/],
      [{ checkpoint: 2.5 }, 'InvalidInput', /checkpoint/],
      [{ primaryKey: [] }, 'InvalidInput', /primaryKey: expected a non-empty array/],
      [{ primaryKey: ['_airbyte_data'] }, 'InvalidInput', /reserved/],
      [
        { records: [{ name: 'no id' }] },
        'InvalidInput',
        /records\[0\]\.id: expected a primary key value/,
      ],
      [
        { records: [{ id: 1, x: Number.NaN }] },
        'InvalidInput',
        /records\[0\]\.x: expected a finite number/,
      ],
      [{ records: 'x' }, 'InvalidInput', /records: expected an array/],
      [{ state: { type: 'STREAM' } }, 'InvalidStateMessage', /\$\.stream/],
      [
        { stream: 'products' },
        'InvalidInput',
        /stream: expected the state message's stream "users"/,
      ],
      [{ tablePrefix: 'x"; drop table t; --' }, 'InvalidInput', /tablePrefix/],
      [{ table: 'x'.repeat(64) }, 'InvalidInput', /at most 63 bytes/],
      [{ connectionId: '' }, 'InvalidInput', /connectionId/],
      [{ epoch: 1 }, 'StaleCheckpoint', /no run has claimed the connection/],
    ];
    for (const [change, type, message] of cases) {
      await failsWith(
        run(activities.commitBatch, { ...batch('c7', 2, [2]), ...change }),
        type,
        message,
      );
    }
    assert.deepEqual(await snapshot('c7'), before);
  });
});
