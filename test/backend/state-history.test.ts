import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import {
  type AirbyteStateMessage,
  commitBatch,
  DEFAULT_HISTORY_RETENTION,
  InvalidInputError,
  InvalidStateMessageError,
  SqlStateBackend,
  StateNotFoundError,
} from '../../src';
import { historyPruneInterval } from '../../src/backend/prune-schedule';
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

/** The cursors of a stream's versions, newest first (`null` for a clear). */
async function cursors(source: string, name: string, b = backend): Promise<unknown[]> {
  const history = await b.getStateHistory(source, { stream: name });
  return history.map((v) => v.message?.stream?.stream_state?.cursor ?? null);
}

describe('state history', () => {
  test('every write appends a version, stamped with the database clock of the write', async () => {
    const writer = backend.getStateWriter('h-basic');
    await writer.writeState(stream('users', 1));
    await writer.writeStates([stream('users', 2), stream('orders', 1)]);
    const history = await backend.getStateHistory('h-basic');
    assert.deepEqual(
      history.map((v) => [v.streamName, v.message?.stream?.stream_state?.cursor, v.operation]),
      [
        ['orders', 1, 'write'],
        ['users', 2, 'write'],
        ['users', 1, 'write'],
      ],
    );
    const [latest] = history;
    assert.equal(latest?.author, 'library');
    assert.equal(latest?.workflowId, null);
    assert.equal(latest?.destinationName, null);
    const rows = await sql<{ last_updated: string }>(
      `select last_updated from _airbyte_state where source_name = 'h-basic' and stream_name = 'orders'`,
    );
    assert.equal(latest?.writtenAt, new Date(rows[0]?.last_updated ?? 0).toISOString());
  });

  test('a write that rolls back with its transaction leaves no version behind', async () => {
    await assert.rejects(
      backend.fork().transactional(async (em) => {
        await backend.getStateWriter('h-tx').writeState(stream('users', 1), { em });
        throw new Error('the caller fails after the write');
      }),
      /the caller fails/,
    );
    assert.deepEqual(await backend.getStateHistory('h-tx'), []);
    await assert.rejects(
      backend.getStateWriter('h-tx').writeStates([stream('users', 1), { type: 'STREAM' }]),
      InvalidStateMessageError,
    );
    assert.deepEqual(await backend.getStateHistory('h-tx'), [], 'an invalid batch adds nothing');
  });

  test('retention keeps the last N versions of each stream and prunes per stream', async () => {
    const small = new SqlStateBackend(backend.orm, { historyRetention: 3 });
    const writer = small.getStateWriter('h-retention');
    for (let i = 1; i <= 6; i++) await writer.writeState(stream('users', i));
    await writer.writeState(stream('orders', 1));
    await writer.writeStates([stream('users', 7), stream('orders', 2)]);
    assert.deepEqual(await cursors('h-retention', 'users', small), [7, 6, 5]);
    assert.deepEqual(await cursors('h-retention', 'orders', small), [2, 1]);
    const other = new SqlStateBackend(backend.orm, { historyRetention: 1 });
    await other.getStateWriter('h-retention').writeState(stream('orders', 3));
    assert.deepEqual(
      await cursors('h-retention', 'orders', other),
      [3],
      'retention 1: the current',
    );
    assert.equal(DEFAULT_HISTORY_RETENTION, 100);
    assert.throws(
      () => new SqlStateBackend(backend.orm, { historyRetention: 0 }),
      InvalidInputError,
    );
  });

  test('a writer prunes a stream every retention/2 writes, so the table never holds many extra versions', async () => {
    const small = new SqlStateBackend(backend.orm, { historyRetention: 5 });
    const writer = small.getStateWriter('h-prune');
    const stored = async () =>
      Number(
        (
          await sql<{ n: string }>(
            `select count(*) as n from _sync_state_history where source_name = 'h-prune'`,
          )
        )[0]?.n,
      );
    const counts: number[] = [];
    // Prunes at writes 1, 4, 7, …, 40: after write 41 one version beyond the retention is stored.
    for (let i = 1; i <= 41; i++) {
      await writer.writeState(stream('users', i));
      counts.push(await stored());
    }
    assert.equal(historyPruneInterval(5), 3);
    assert.ok(Math.max(...counts) <= 5 + 3 - 1, `stored: ${counts.join(' ')}`);
    assert.ok(Math.max(...counts) > 5, 'pruned on every write: the schedule is not in effect');
    assert.equal(counts[0], 1);
    assert.equal(counts.at(-1), 6);
    assert.deepEqual(await cursors('h-prune', 'users', small), [41, 40, 39, 38, 37]);
    const oldest = await sql<{ version: string }>(
      `select min(version) as version from _sync_state_history where source_name = 'h-prune'`,
    );
    await assert.rejects(
      small.restoreStateVersion('h-prune', { stream: 'users', to: Number(oldest[0]?.version) }),
      /which the history does not hold/,
      'a version beyond the retention is gone for readers, even before its prune',
    );
    const all = new SqlStateBackend(backend.orm, { historyRetention: Infinity });
    for (let i = 42; i <= 60; i++)
      await all.getStateWriter('h-prune').writeState(stream('users', i));
    assert.equal(
      (await cursors('h-prune', 'users', all)).length,
      await stored(),
      'Infinity never prunes',
    );
  });

  test('concurrent writers of one stream each get their own version, in commit order', async () => {
    const small = new SqlStateBackend(backend.orm, { historyRetention: 5 });
    await Promise.all(
      Array.from({ length: 4 }, (_, w) =>
        (async () => {
          const writer = small.getStateWriter('h-race');
          for (let i = 0; i < 10; i++) await writer.writeState(stream('users', w * 100 + i));
        })(),
      ),
    );
    const history = await small.getStateHistory('h-race');
    assert.equal(history.length, 5, 'readers see the newest 5 versions');
    const current = (await small.getStateProvider('h-race')).getStreamState('users');
    assert.deepEqual(history[0]?.message, current, 'the newest version is the current state');
  });

  test('rollback writes an older version again as a new version, and both stay in the history', async () => {
    const writer = backend.getStateWriter('h-rollback');
    for (const cursor of [1, 2, 3]) {
      await writer.writeState(stream('users', cursor));
      // Versions in separate milliseconds: a time in which two were written selects neither.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const [, , first] = await backend.getStateHistory('h-rollback');
    const rolled = await backend.restoreStateVersion('h-rollback', {
      stream: 'users',
      to: first?.version ?? 0,
      author: 'alice',
      note: 'bad deploy',
    });
    assert.equal(rolled.operation, 'rollback');
    assert.equal(rolled.author, 'alice');
    assert.equal(rolled.note, `rollback to version ${first?.version}; bad deploy`);
    assert.deepEqual(rolled.message, stream('users', 1));
    assert.deepEqual(
      (await backend.getStateProvider('h-rollback')).getStreamState('users'),
      stream('users', 1),
    );
    assert.deepEqual(await cursors('h-rollback', 'users'), [1, 3, 2, 1]);
    const byTime = await backend.restoreStateVersion('h-rollback', {
      stream: 'users',
      to: new Date(Date.parse(rolled.writtenAt) - 1),
    });
    assert.deepEqual(byTime.message, stream('users', 3), 'the version current just before');
  });

  test('rollback refuses a version of another stream, an unknown version and a clear, writing nothing', async () => {
    const writer = backend.getStateWriter('h-refuse');
    await writer.writeStates([stream('users', 1), stream('orders', 1)]);
    const [orders] = await backend.getStateHistory('h-refuse', { stream: 'orders' });
    const [cleared] = await backend.clearStateRows('h-refuse', { streams: ['users'] });
    const before = await backend.getStateHistory('h-refuse');
    const attempts: [unknown, RegExp][] = [
      [orders?.version, /a version of stream "orders" of source "h-refuse"/],
      [999_999, /which the history does not hold/],
      [cleared?.version, /the clear of stream "users"/],
      [new Date('2001-01-01'), /oldest version the history keeps/],
      ['3', /a version number or a Date/],
    ];
    for (const [to, message] of attempts) {
      await assert.rejects(
        backend.restoreStateVersion('h-refuse', { stream: 'users', to: to as number }),
        (error: unknown) => error instanceof InvalidInputError && message.test(error.message),
      );
    }
    assert.deepEqual(await backend.getStateHistory('h-refuse'), before);
  });

  test('clear deletes the rows, records a version without state, and can be rolled back', async () => {
    const writer = backend.getStateWriter('h-clear', { destinationName: 'dw' });
    await writer.writeStates([stream('users', 5), stream('orders', 6), stream('users', 7, 'crm')]);
    await assert.rejects(
      backend.clearStateRows('h-clear', { destinationName: 'dw', streams: ['users'] }),
      /several namespaces/,
    );
    await assert.rejects(
      backend.clearStateRows('h-clear', { destinationName: 'dw', streams: ['nope'] }),
      StateNotFoundError,
    );
    const removed = await backend.clearStateRows('h-clear', {
      destinationName: 'dw',
      streams: [{ name: 'users' }],
      author: 'cli',
    });
    assert.deepEqual(
      removed.map((r) => [r.streamName, r.namespace, r.message]),
      [['users', null, stream('users', 5)]],
    );
    const provider = await backend.getStateProvider('h-clear', { destinationName: 'dw' });
    assert.deepEqual(
      provider.stateMessageArtifacts.map((m) => m.stream?.stream_descriptor),
      [{ name: 'orders' }, { name: 'users', namespace: 'crm' }],
      'the other streams keep their state',
    );
    const rows = await sql(
      `select * from _airbyte_destination_state where source_name = 'h-clear'`,
    );
    assert.equal(rows.length, 2, 'the row is deleted, not blanked');
    const [clear, write] = await backend.getStateHistory('h-clear', {
      destinationName: 'dw',
      stream: { name: 'users' },
    });
    assert.deepEqual([clear?.operation, clear?.author, clear?.message], ['clear', 'cli', null]);
    assert.equal(clear?.version, removed[0]?.version);
    await backend.restoreStateVersion('h-clear', {
      destinationName: 'dw',
      stream: { name: 'users', namespace: null },
      to: write?.version ?? 0,
    });
    assert.deepEqual(
      (await backend.getStateProvider('h-clear', { destinationName: 'dw' })).getStreamState({
        name: 'users',
      }),
      stream('users', 5),
    );
    const all = await backend.clearStateRows('h-clear', { destinationName: 'dw' });
    assert.equal(all.length, 3, 'a clear without streams removes every stream');
  });

  test('inside an activity, the version names the workflow, run, attempt and activity', async () => {
    const env = new MockActivityEnvironment(
      {
        workflowExecution: { workflowId: 'sync-h1', runId: 'run-h1' },
        activityType: 'writeState',
        attempt: 3,
      },
      { logger: new DefaultLogger('ERROR') },
    );
    await env.run(() => backend.getStateWriter('h-activity').writeState(stream('users', 1)));
    const [version] = await backend.getStateHistory('h-activity');
    assert.deepEqual(
      [version?.author, version?.workflowId, version?.runId, version?.activityAttempt],
      ['activity:writeState', 'sync-h1', 'run-h1', 3],
    );
  });

  test('commitBatch records its connection and checkpoint with the version, in its transaction', async () => {
    const input = {
      connectionId: 'h-conn',
      sourceName: 'h-commit',
      tablePrefix: 'h_commit_',
      records: [{ id: 1 }],
      primaryKey: ['id'],
      state: stream('users', 1),
      checkpoint: 1,
    };
    await commitBatch(backend, input);
    await commitBatch(backend, input); // a retry: already committed, writes no version
    await assert.rejects(commitBatch(backend, { ...input, records: [{}], checkpoint: 2 }));
    const history = await backend.getStateHistory('h-commit', { tablePrefix: 'h_commit_' });
    assert.deepEqual(
      history.map((v) => [v.operation, v.connectionId, v.checkpoint]),
      [['commit', 'h-conn', 1]],
    );
  });
});
