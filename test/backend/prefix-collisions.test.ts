import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createStateActivities } from '../../activities';
import {
  type AirbyteStateMessage,
  InvalidInputError,
  setState,
  SqlStateBackend,
  startSync,
} from '../../src';
import { withTestDatabase } from '../helpers/database';

// PyAirbyte keys `_airbyte_state` by table_name = table prefix + stream name (we add source and
// namespace), so prefix "ab" with stream "c" and prefix "a" with stream "bc" name one row.

const db = withTestDatabase();
let backend: SqlStateBackend;

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 2 });
});
after(async () => {
  await backend?.close();
});

const stream = (name: string, cursor: unknown): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name }, stream_state: { cursor } as never },
});

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  backend.fork().execute<T[]>(query, params);

/** Every row of the state, history, checkpoint and connection tables, and the tables there are. */
async function snapshot(): Promise<string> {
  const tables = [
    '_airbyte_state',
    '_airbyte_destination_state',
    '_sync_state_history',
    '_sync_state_connections',
    '_sync_state_checkpoints',
  ];
  const rows = await Promise.all(tables.map((t) => sql(`select * from ${t} order by 1, 2, 3`)));
  const names = await sql(`select tablename from pg_tables where schemaname = 'public' order by 1`);
  return JSON.stringify([rows, names]);
}

/** The error of a write that would take the row of stream "bc" under prefix "a" of source `source`. */
const TAKEN = (source: string) =>
  new RegExp(
    `Invalid tablePrefix: .*"abc" holds the state of stream "bc" \\(table prefix "a"\\) of source "${source}", got table prefix "ab" with stream "c"; nothing was written`,
  );

describe('table-prefix collisions of cache state rows', () => {
  test("a write whose table_name is another stream's row is refused, writing nothing; history stays true", async () => {
    await backend.getStateWriter('tp', { tablePrefix: 'a' }).writeState(stream('bc', 1));
    const before = await snapshot();
    const colliding = backend.getStateWriter('tp', { tablePrefix: 'ab' });
    await assert.rejects(
      colliding.writeState(stream('c', 2)),
      (error: unknown) => error instanceof InvalidInputError && TAKEN('tp').test(error.message),
    );
    await assert.rejects(
      colliding.writeStates([stream('d', 2), stream('c', 2)]),
      InvalidInputError,
      'all or none: the other stream of the same write is not written either',
    );
    await assert.rejects(
      backend.getStateWriter('tp').writeState(stream('abc', 3)),
      /"abc" holds the state of stream "bc" \(table prefix "a"\).*got table prefix "" with stream "abc"/,
    );
    assert.equal(await snapshot(), before, 'no row, no version changed');
    const provider = await backend.getStateProvider('tp', { tablePrefix: 'a' });
    assert.deepEqual(provider.getStreamState('bc'), stream('bc', 1));
    const [current] = await backend.getStateHistory('tp', { tablePrefix: 'a', stream: 'bc' });
    assert.deepEqual(current?.message, stream('bc', 1), "the history's newest version is current");
    assert.equal(colliding.stateMessageArtifacts.length, 0, 'the writer remembers no write');

    await colliding.writeState(stream('d', 4));
    assert.deepEqual(
      (await backend.getStateProvider('tp', { tablePrefix: 'ab' })).getStreamState('d'),
      stream('d', 4),
      'streams of the prefix that collide with nothing are written as before',
    );
  });

  test('the same names in another source or namespace, and at a destination, do not collide', async () => {
    await backend.getStateWriter('tp-a', { tablePrefix: 'a' }).writeState(stream('bc', 1));
    await backend.getStateWriter('tp-b', { tablePrefix: 'ab' }).writeState(stream('c', 1));
    const crm: AirbyteStateMessage = {
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'c', namespace: 'crm' }, stream_state: { cursor: 1 } },
    };
    await backend.getStateWriter('tp-a', { tablePrefix: 'ab' }).writeState(crm);
    const dw = (tablePrefix: string) =>
      backend.getStateWriter('tp-a', { destinationName: 'dw', tablePrefix });
    await dw('a').writeState(stream('bc', 1));
    await dw('ab').writeState(stream('c', 2)); // its key holds the prefix and the stream apart
    assert.deepEqual(
      (await backend.getStateProvider('tp-a', { tablePrefix: 'ab' })).stateMessageArtifacts,
      [crm],
    );
    const rows = await sql<{ table_prefix: string; stream_name: string }>(
      `select table_prefix, stream_name from _airbyte_destination_state where source_name = 'tp-a' order by 1`,
    );
    assert.deepEqual(
      rows.map((r) => [r.table_prefix, r.stream_name]),
      [
        ['a', 'bc'],
        ['ab', 'c'],
      ],
    );
  });

  test("commitBatch onto another stream's row fails non-retryably with records, state and checkpoint unchanged", async () => {
    await backend.getStateWriter('tp-commit', { tablePrefix: 'a' }).writeState(stream('bc', 1));
    const { epoch } = await startSync(backend, {
      connectionId: 'tp-c1',
      sourceName: 'tp-commit',
      tablePrefix: 'ab',
      owner: 'run-1',
    });
    const before = await snapshot();
    const env = new MockActivityEnvironment(
      { workflowExecution: { workflowId: 'w', runId: 'r' } },
      { logger: new DefaultLogger('ERROR') },
    );
    const activities = createStateActivities(backend);
    const failure = await env
      .run(activities.commitBatch, {
        connectionId: 'tp-c1',
        sourceName: 'tp-commit',
        tablePrefix: 'ab',
        records: [{ id: 1 }],
        primaryKey: ['id'],
        state: stream('c', 2),
        checkpoint: 1,
        epoch,
      })
      .then(
        () => assert.fail('the commit went through'),
        (error: unknown) => error,
      );
    assert.ok(failure instanceof ApplicationFailure, String(failure));
    assert.equal(failure.type, 'InvalidInput');
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, TAKEN('tp-commit'));
    assert.equal(await snapshot(), before, 'no stream table, record, state or checkpoint');
  });

  test("setState onto another stream's row is refused, and its fencing undone", async () => {
    await backend.getStateWriter('tp-set', { tablePrefix: 'a' }).writeState(stream('bc', 1));
    await startSync(backend, { connectionId: 'tp-c2', sourceName: 'tp-set', owner: 'run-1' });
    const before = await snapshot();
    await assert.rejects(
      setState(backend, { sourceName: 'tp-set', tablePrefix: 'ab' }, [stream('c', 2)], {
        connectionIds: ['tp-c2'],
      }),
      TAKEN('tp-set'),
    );
    assert.equal(await snapshot(), before);
  });
});
