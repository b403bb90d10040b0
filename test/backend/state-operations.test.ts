import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type AirbyteStateMessage,
  clearState,
  commitBatch,
  copyState,
  getState,
  InvalidInputError,
  InvalidStateMessageError,
  listStates,
  moveState,
  parseStateInput,
  rollbackState,
  setState,
  SqlStateBackend,
  StaleCheckpointError,
  startSync,
  StateNotFoundError,
} from '../../src';
import { withTestDatabase } from '../helpers/database';

const db = withTestDatabase();
let backend: SqlStateBackend;

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 4 });
});
after(async () => {
  await backend?.close();
});

const stream = (name: string, cursor: unknown, namespace?: string): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: {
    stream_descriptor: namespace === undefined ? { name } : { name, namespace },
    stream_state: { cursor } as never,
  },
});

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  backend.fork().execute<T[]>(query, params);

const epochOf = async (connectionId: string) =>
  Number(
    (
      await sql<{ epoch: string }>(
        `select epoch from _sync_state_connections where connection_id = ?`,
        [connectionId],
      )
    )[0]?.epoch,
  );

/** A connection that has committed the state of `source` once: its run holds epoch 1. */
async function syncedConnection(connectionId: string, sourceName: string) {
  const { epoch } = await startSync(backend, { connectionId, sourceName, owner: 'run-1' });
  await commitBatch(backend, {
    connectionId,
    sourceName,
    records: [{ id: 1 }],
    primaryKey: ['id'],
    state: stream('users', 1),
    checkpoint: 1,
    epoch,
    table: `t_${connectionId}`,
  });
  return epoch;
}

describe('state operations', () => {
  test('listStates lists cache and destination rows with their size, filtered', async () => {
    await backend
      .getStateWriter('ls-a')
      .writeStates([stream('users', 1), stream('users', 2, 'crm')]);
    await backend
      .getStateWriter('ls-a', { destinationName: 'dw', tablePrefix: 'p_' })
      .writeState(stream('orders', 1));
    const all = await listStates(backend, { sourceName: 'ls-a' });
    assert.deepEqual(
      all.map((e) => [e.destinationName, e.tablePrefix, e.namespace, e.streamName]),
      [
        [null, '', null, 'users'],
        [null, '', 'crm', 'users'],
        ['dw', 'p_', null, 'orders'],
      ],
    );
    assert.equal(all[0]?.bytes, JSON.stringify(stream('users', 1)).length);
    assert.equal(
      (await listStates(backend, { sourceName: 'ls-a', destinationName: null })).length,
      2,
    );
    assert.equal(
      (await listStates(backend, { sourceName: 'ls-a', destinationName: 'dw' })).length,
      1,
    );
  });

  test('getState returns what setState accepts, and names a missing stream', async () => {
    await backend.getStateWriter('gs-a').writeStates([stream('users', 1), stream('orders', 2)]);
    const document = await getState(backend, { sourceName: 'gs-a' }, { streams: ['users'] });
    assert.deepEqual(document, {
      sourceName: 'gs-a',
      destinationName: null,
      tablePrefix: '',
      messages: [stream('users', 1)],
    });
    await setState(backend, { sourceName: 'gs-b' }, parseStateInput(JSON.stringify(document)));
    assert.deepEqual((await getState(backend, { sourceName: 'gs-b' })).messages, [
      stream('users', 1),
    ]);
    await assert.rejects(
      getState(backend, { sourceName: 'gs-a' }, { streams: ['nope'] }),
      StateNotFoundError,
    );
  });

  test('parseStateInput reads a state file, get output or one message, naming the bad path', () => {
    const users = stream('users', 1);
    assert.deepEqual(parseStateInput(JSON.stringify([users])), [users]);
    assert.deepEqual(parseStateInput(JSON.stringify({ sourceName: 'x', messages: [users] })), [
      users,
    ]);
    assert.deepEqual(parseStateInput(JSON.stringify(users)), [users]);
    assert.throws(
      () => parseStateInput(JSON.stringify({ messages: [users, { type: 'STREAM' }] })),
      (e: unknown) => e instanceof InvalidStateMessageError && e.path === '$.messages[1].stream',
    );
    assert.throws(() => parseStateInput('[]'), InvalidInputError);
    assert.throws(() => parseStateInput('nope'), /not JSON/);
    assert.throws(() => parseStateInput('[1]', { maxBytes: 1 }), InvalidStateMessageError);
  });

  test('setState writes all messages or none, and fences off the runs of the connections of that state', async () => {
    const epoch = await syncedConnection('op-c1', 'op-src');
    await assert.rejects(
      setState(backend, { sourceName: 'op-src' }, [stream('users', 9), { type: 'STREAM' }]),
      InvalidStateMessageError,
    );
    assert.equal(await epochOf('op-c1'), epoch, 'a refused write fences nothing');
    const result = await setState(
      backend,
      { sourceName: 'op-src' },
      [stream('users', 9), stream('orders', 1)],
      {
        author: 'cli',
        note: 'fix',
      },
    );
    assert.deepEqual(result.fencedConnections, ['op-c1']);
    assert.deepEqual(
      result.written.map((w) => w.streamName),
      ['users', 'orders'],
    );
    assert.equal(await epochOf('op-c1'), epoch + 1);
    await assert.rejects(
      commitBatch(backend, {
        connectionId: 'op-c1',
        sourceName: 'op-src',
        records: [],
        primaryKey: ['id'],
        state: stream('users', 2),
        checkpoint: 2,
        epoch,
        table: 't_op-c1',
      }),
      StaleCheckpointError,
      'the run that started before the edit cannot write over it',
    );
    const [latest] = await backend.getStateHistory('op-src', { stream: 'users' });
    assert.deepEqual([latest?.operation, latest?.author, latest?.note], ['set', 'cli', 'fix']);
  });

  test('an edit racing a run that commits neither deadlocks nor lets the run write over it', async () => {
    const epoch = await syncedConnection('op-race', 'race-src');
    let stale = 0;
    const commits = (async () => {
      for (let checkpoint = 2; checkpoint < 40; checkpoint++) {
        try {
          await commitBatch(backend, {
            connectionId: 'op-race',
            sourceName: 'race-src',
            records: [{ id: checkpoint }],
            primaryKey: ['id'],
            state: stream('users', checkpoint),
            checkpoint,
            epoch,
            table: 't_op-race',
          });
        } catch (error) {
          if (!(error instanceof StaleCheckpointError)) throw error;
          stale++;
        }
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await setState(backend, { sourceName: 'race-src' }, [stream('users', 'edited')]);
    await commits;
    assert.ok(stale > 0, 'the commits after the edit were refused');
    assert.deepEqual((await getState(backend, { sourceName: 'race-src' })).messages, [
      stream('users', 'edited'),
    ]);
  });

  test('clearState with nothing to clear changes nothing, not even the epoch', async () => {
    const epoch = await syncedConnection('op-c2', 'op-empty');
    await clearState(backend, { sourceName: 'op-empty' });
    assert.equal(await epochOf('op-c2'), epoch + 1, 'a clear fences the connection');
    const again = await clearState(backend, { sourceName: 'op-empty' });
    assert.deepEqual(again, { removed: [], fencedConnections: [] });
    assert.equal(await epochOf('op-c2'), epoch + 1);
  });

  test('copyState copies to another source or destination; moveState also removes the origin', async () => {
    await backend.getStateWriter('cp-a').writeStates([stream('users', 1), stream('orders', 2)]);
    await backend.getStateWriter('cp-b').writeState(stream('items', 3));
    const copied = await copyState(backend, { sourceName: 'cp-a' }, { sourceName: 'cp-b' });
    assert.equal(copied.written.length, 2);
    assert.deepEqual(
      (await getState(backend, { sourceName: 'cp-b' })).messages.map(
        (m) => m.stream?.stream_descriptor.name,
      ),
      ['items', 'orders', 'users'],
      "the target's other streams stay",
    );
    const [copy] = await backend.getStateHistory('cp-b', { stream: 'users' });
    assert.deepEqual([copy?.operation, copy?.note], ['copy', 'copied from source "cp-a"']);

    const moved = await moveState(
      backend,
      { sourceName: 'cp-a' },
      { sourceName: 'cp-a', destinationName: 'dw' },
      { streams: ['users'] },
    );
    assert.deepEqual(
      moved.removed.map((r) => r.streamName),
      ['users'],
    );
    assert.deepEqual((await getState(backend, { sourceName: 'cp-a' })).messages, [
      stream('orders', 2),
    ]);
    assert.deepEqual(
      (await getState(backend, { sourceName: 'cp-a', destinationName: 'dw' })).messages,
      [stream('users', 1)],
    );
    const [move] = await backend.getStateHistory('cp-a', { stream: 'users' });
    assert.deepEqual(
      [move?.operation, move?.message, move?.note],
      ['move', null, 'moved to source "cp-a" at destination "dw"'],
    );

    await assert.rejects(
      copyState(backend, { sourceName: 'cp-a' }, { sourceName: 'cp-a' }),
      InvalidInputError,
    );
    assert.deepEqual(await copyState(backend, { sourceName: 'cp-none' }, { sourceName: 'cp-a' }), {
      written: [],
      removed: [],
      fencedConnections: [],
    });
  });

  test('rollbackState rolls back and fences, in one transaction', async () => {
    const epoch = await syncedConnection('op-c3', 'rb-op');
    await backend.getStateWriter('rb-op').writeState(stream('users', 5));
    const [, first] = await backend.getStateHistory('rb-op', { stream: 'users' });
    const result = await rollbackState(
      backend,
      { sourceName: 'rb-op' },
      { stream: 'users', to: first?.version ?? 0 },
    );
    assert.deepEqual(result.written.message, stream('users', 1));
    assert.deepEqual(result.fencedConnections, ['op-c3']);
    assert.equal(await epochOf('op-c3'), epoch + 1);
  });
});
