import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type AirbyteStateMessage,
  InvalidInputError,
  InvalidStateMessageError,
  SqlStateBackend,
} from '../../src';
import { withTestDatabase } from '../helpers/database';

const db = withTestDatabase();
let backend: SqlStateBackend;

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url });
});
after(async () => {
  await backend?.close();
});

const stream = (name: string, cursor: unknown, namespace?: string | null): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: {
    stream_descriptor: namespace === undefined ? { name } : { name, namespace },
    stream_state: { cursor } as never,
  },
});
const global = (lsn: number): AirbyteStateMessage => ({
  type: 'GLOBAL',
  global: {
    shared_state: { lsn },
    stream_states: [
      { stream_descriptor: { name: 'orders', namespace: 'public' }, stream_state: { lsn } },
      { stream_descriptor: { name: 'customers', namespace: 'public' }, stream_state: { lsn } },
    ],
  },
});

function sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  return backend.orm.em.fork().execute<T[]>(query, params);
}

describe("PyAirbyte's own cases", () => {
  test('state persists and is reused by source name', async () => {
    await backend.getStateWriter('source-persist').writeState(stream('users', 5));
    const other = await SqlStateBackend.connect({ url: db.url });
    try {
      const provider = await other.getStateProvider('source-persist');
      assert.deepEqual(provider.getStreamState('users'), stream('users', 5));
      assert.deepEqual((await other.getStateProvider('source-unknown')).stateMessageArtifacts, []);
    } finally {
      await other.close();
    }
  });

  test('a table prefix isolates the state of two caches', async () => {
    const a = new SqlStateBackend(backend.orm, { tablePrefix: 'cache_a_' });
    const b = new SqlStateBackend(backend.orm, { tablePrefix: 'cache_b_' });
    await a.getStateWriter('source-prefix').writeState(stream('users', 'a'));
    await b.getStateWriter('source-prefix').writeState(stream('users', 'b'));
    assert.deepEqual((await a.getStateProvider('source-prefix')).stateMessageArtifacts, [
      stream('users', 'a'),
    ]);
    assert.deepEqual((await b.getStateProvider('source-prefix')).stateMessageArtifacts, [
      stream('users', 'b'),
    ]);
    assert.deepEqual((await backend.getStateProvider('source-prefix')).stateMessageArtifacts, []);
    const rows = await sql<{ table_name: string }>(
      `select table_name from _airbyte_state where source_name = 'source-prefix' order by 1`,
    );
    assert.deepEqual(
      rows.map((r) => r.table_name),
      ['cache_a_users', 'cache_b_users'],
    );
  });

  test('a destination writer stores three streams for that destination only', async () => {
    const writer = backend.getStateWriter('source-dest', { destinationName: 'destination-duckdb' });
    for (const name of ['users', 'products', 'purchases']) await writer.writeState(stream(name, 1));
    const provider = await backend.getStateProvider('source-dest', {
      destinationName: 'destination-duckdb',
    });
    assert.deepEqual(provider.knownStreamNames, new Set(['users', 'products', 'purchases']));
    assert.deepEqual(
      (await backend.getStateProvider('source-dest', { destinationName: 'other' }))
        .stateMessageArtifacts,
      [],
    );
    assert.deepEqual(
      (await backend.getStateProvider('source-dest')).stateMessageArtifacts,
      [],
      'cache state stays separate',
    );
  });

  test('destination state equals cache state after a round trip', async () => {
    const messages = [stream('users', 3), stream('products', 4), global(17)];
    await backend.getStateWriter('source-trip').writeStates(messages);
    const cache = await backend.getStateProvider('source-trip');
    await backend
      .getStateWriter('source-trip', { destinationName: 'dest' })
      .writeStates(cache.stateMessageArtifacts);
    const destination = await backend.getStateProvider('source-trip', { destinationName: 'dest' });
    assert.deepEqual(destination.stateMessageArtifacts, cache.stateMessageArtifacts);
    assert.equal(destination.toStateInputFileText(), cache.toStateInputFileText());
  });
});

describe('defects of PyAirbyte that we fix', () => {
  test('1. GLOBAL state is written and read back', async () => {
    await backend.getStateWriter('source-cdc').writeState(global(42));
    await backend.getStateWriter('source-cdc', { destinationName: 'd' }).writeState(global(43));
    assert.deepEqual((await backend.getStateProvider('source-cdc')).globalState, global(42));
    assert.deepEqual(
      (await backend.getStateProvider('source-cdc', { destinationName: 'd' })).globalState,
      global(43),
    );
    const file = JSON.parse(
      (await backend.getStateProvider('source-cdc')).toStateInputFileText(),
    ) as unknown;
    assert.deepEqual(file, [global(42)]);
  });

  test('2. the same stream in two namespaces does not collide', async () => {
    const writer = backend.getStateWriter('source-ns');
    await writer.writeStates([
      stream('users', 1, 'crm'),
      stream('users', 2, 'erp'),
      stream('users', 3),
    ]);
    const provider = await backend.getStateProvider('source-ns');
    assert.equal(provider.stateMessageArtifacts.length, 3);
    assert.deepEqual(
      provider.getStreamState({ name: 'users', namespace: 'erp' }),
      stream('users', 2, 'erp'),
    );
    assert.deepEqual(provider.getStreamState({ name: 'users' }), stream('users', 3));
  });

  test('3. two sources with a stream of the same name do not overwrite each other', async () => {
    await backend.getStateWriter('source-one').writeState(stream('users', 'one'));
    await backend.getStateWriter('source-two').writeState(stream('users', 'two'));
    assert.deepEqual(
      (await backend.getStateProvider('source-one')).getStreamState('users'),
      stream('users', 'one'),
    );
    assert.deepEqual(
      (await backend.getStateProvider('source-two')).getStreamState('users'),
      stream('users', 'two'),
    );
  });

  test('4. a write is one atomic upsert: concurrent writers never leave a stream without state', async () => {
    const writer = backend.getStateWriter('source-race');
    await writer.writeState(stream('users', -1));
    let reads = 0;
    let missing = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const rows = await sql(`select 1 from _airbyte_state where source_name = 'source-race'`);
        reads++;
        if (rows.length !== 1) missing++;
      }
    })();
    const writers = Array.from({ length: 8 }, (_, w) =>
      (async () => {
        const own = backend.getStateWriter('source-race');
        for (let i = 0; i < 25; i++) await own.writeState(stream('users', w * 100 + i));
      })(),
    );
    await Promise.all(writers);
    writing = false;
    await reader;
    assert.ok(reads > 0);
    assert.equal(
      missing,
      0,
      `a reader saw the stream without exactly one state row in ${missing} of ${reads} reads`,
    );
    const cursor = (await backend.getStateProvider('source-race')).getStreamState('users').stream
      ?.stream_state?.cursor;
    assert.ok(
      typeof cursor === 'number' && cursor % 100 === 24,
      `the last write of some writer wins, got ${JSON.stringify(cursor)}`,
    );
  });

  test('5. last_updated comes from the database clock at each write', async () => {
    const writer = backend.getStateWriter('source-clock');
    await writer.writeState(stream('a', 1));
    await new Promise((resolve) => setTimeout(resolve, 30));
    await writer.writeState(stream('b', 1));
    const rows = await sql<{ stream_name: string; age_ms: number; gap_ms: number }>(
      `select stream_name, extract(epoch from (now() - last_updated)) * 1000 as age_ms,
              extract(epoch from (last_updated - min(last_updated) over ())) * 1000 as gap_ms
         from _airbyte_state where source_name = 'source-clock' order by stream_name`,
    );
    assert.ok(
      Number(rows[1]?.gap_ms) >= 25,
      `the second write is later than the first (gap ${rows[1]?.gap_ms} ms)`,
    );
    for (const row of rows)
      assert.ok(Math.abs(Number(row.age_ms)) < 60_000, 'close to the database clock');
  });

  test('6. every provider option works in every combination', async () => {
    for (const destinationName of [undefined, 'dest-combo']) {
      for (const tablePrefix of ['', 'p_']) {
        const writer = backend.getStateWriter('source-combo', { destinationName, tablePrefix });
        await writer.writeStates([
          stream('users', `${tablePrefix}1`),
          stream('products', `${tablePrefix}2`),
          global(1),
        ]);
      }
    }
    for (const destinationName of [undefined, 'dest-combo']) {
      for (const tablePrefix of ['', 'p_']) {
        for (const streamsFilter of [undefined, ['users'], []]) {
          const provider = await backend.getStateProvider('source-combo', {
            destinationName,
            tablePrefix,
            streamsFilter,
          });
          const expected = new Set(streamsFilter ?? ['users', 'products']);
          const what = JSON.stringify({ destinationName, tablePrefix, streamsFilter });
          assert.deepEqual(provider.knownStreamNames, expected, what);
          assert.deepEqual(provider.globalState, global(1), `${what} keeps GLOBAL state`);
          for (const name of expected) {
            assert.equal(
              provider.getStreamState(name).stream?.stream_state?.cursor,
              `${tablePrefix}${name === 'users' ? 1 : 2}`,
              what,
            );
          }
        }
      }
    }
  });

  test('6. refresh: false reuses the last read until a write through the backend', async () => {
    const writer = backend.getStateWriter('source-refresh');
    await writer.writeState(stream('users', 1));
    const first = await backend.getStateProvider('source-refresh');
    const other = new SqlStateBackend(backend.orm);
    await other.getStateWriter('source-refresh').writeState(stream('users', 2));
    assert.equal(
      await backend.getStateProvider('source-refresh', { refresh: false }),
      first,
      'reused',
    );
    assert.equal(
      (await backend.getStateProvider('source-refresh')).getStreamState('users').stream
        ?.stream_state?.cursor,
      2,
      'refreshed',
    );
    await writer.writeState(stream('users', 3));
    assert.equal(
      (await backend.getStateProvider('source-refresh', { refresh: false })).getStreamState('users')
        .stream?.stream_state?.cursor,
      3,
    );
  });

  test('7. tables are created once, by migrations, and never by a write', async () => {
    const migrations = await sql<{ name: string }>('select name from _sync_state_migrations');
    assert.deepEqual(
      migrations.map((m) => m.name),
      [
        '0001-state-tables',
        '0002-sync-checkpoints',
        '0003-state-history',
        '0004-record-tables',
        '0005-stream-generations',
      ],
    );
    const fresh = await SqlStateBackend.connect({ url: db.url, schema: 'drop_me' });
    try {
      await sql('drop table drop_me._airbyte_state');
      await assert.rejects(
        fresh.getStateWriter('s').writeState(stream('users', 1)),
        /relation "drop_me._airbyte_state" does not exist/,
      );
    } finally {
      await fresh.close();
    }
  });

  test('8. state written inside your transaction commits and rolls back with it', async () => {
    const writer = backend.getStateWriter('source-tx');
    await assert.rejects(
      backend.orm.em.fork().transactional(async (em) => {
        await writer.writeState(stream('users', 1), { em });
        throw new Error('the batch failed');
      }),
      /the batch failed/,
    );
    assert.deepEqual((await backend.getStateProvider('source-tx')).stateMessageArtifacts, []);
    await backend.orm.em.fork().transactional(async (em) => {
      await writer.writeState(stream('users', 2), { em });
    });
    assert.equal(
      (await backend.getStateProvider('source-tx')).getStreamState('users').stream?.stream_state
        ?.cursor,
      2,
    );
  });

  test('a write goes as a prepared statement (unless preparedStatements: false), in your transaction too', async () => {
    // pg_prepared_statements lists the current session's statements and how often each ran; a
    // transaction pins the session, so the writes and the look-ups share it.
    const executionsPerWrite = async (b: SqlStateBackend, source: string): Promise<number> =>
      b.orm.em.fork().transactional(async (em) => {
        const executions = async (): Promise<number> => {
          const [row] = await em.execute<{ n: string | null }[]>(
            `select sum(generic_plans + custom_plans) as n from pg_prepared_statements
              where name like 'tss\\_%' and statement like '%_airbyte_%state%'`,
          );
          return Number(row?.n ?? 0);
        };
        const before = await executions();
        await b.getStateWriter(source).writeState(stream('users', 1), { em });
        await b
          .getStateWriter(source, { destinationName: 'd' })
          .writeState(stream('users', 1), { em });
        return (await executions()) - before;
      });
    assert.equal(await executionsPerWrite(backend, 'source-prepared'), 2);
    const unprepared = new SqlStateBackend(backend.orm, { preparedStatements: false });
    assert.equal(await executionsPerWrite(unprepared, 'source-unprepared'), 0);
    for (const source of ['source-prepared', 'source-unprepared']) {
      for (const destinationName of [undefined, 'd']) {
        const provider = await backend.getStateProvider(source, { destinationName });
        assert.equal(provider.getStreamState('users').stream?.stream_state?.cursor, 1, source);
      }
    }
    assert.throws(
      () => new SqlStateBackend(backend.orm, { preparedStatements: 'yes' as never }),
      /Invalid preparedStatements: expected true or false/,
    );
  });

  test('when the server loses prepared statements (a pooler), the backend warns once and goes on unprepared', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error & { code?: string }) => {
      if (warning.code === 'TEMPORAL_SYNC_STATE_UNPREPARED') warnings.push(warning.message);
    };
    process.on('warning', onWarning);
    // Infinity: no prune, so every write below sends the same statement text.
    const options = { url: db.url, poolSize: 2, historyRetention: Infinity };
    const forgetOnEveryConnection = (b: SqlStateBackend) =>
      Promise.all(
        [1, 2].map(() =>
          b.fork().transactional(async (em) => {
            await em.execute('deallocate all');
            await new Promise((resolve) => setTimeout(resolve, 100)); // hold the connection
          }),
        ),
      );
    const outside = await SqlStateBackend.connect(options);
    const inside = await SqlStateBackend.connect(options);
    try {
      // Outside a transaction: the write is retried unprepared at once.
      const writer = outside.getStateWriter('source-lost');
      await Promise.all([writer.writeState(stream('a', 1)), writer.writeState(stream('b', 1))]);
      await forgetOnEveryConnection(outside);
      await writer.writeState(stream('a', 2));
      assert.equal(outside.statements.prepare, false);
      await writer.writeState(stream('a', 3));
      // Inside a transaction: that transaction fails (the error aborted it), its retry succeeds.
      const txWriter = inside.getStateWriter('source-lost-tx');
      await assert.rejects(
        inside.fork().transactional(async (em) => {
          await txWriter.writeState(stream('a', 1), { em });
          await em.execute('deallocate all');
          await txWriter.writeState(stream('a', 2), { em });
        }),
        /prepared statement "tss_\w+" does not exist/,
      );
      assert.equal(inside.statements.prepare, false);
      await inside.fork().transactional(async (em) => {
        await txWriter.writeState(stream('a', 4), { em });
      });
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on next tick
    } finally {
      process.off('warning', onWarning);
      await outside.close();
      await inside.close();
    }
    assert.equal(warnings.length, 2, 'one warning per backend');
    assert.match(warnings[0] ?? '', /PgBouncer .* preparedStatements: false/);
    const cursor = async (source: string) =>
      (await backend.getStateProvider(source)).getStreamState('a').stream?.stream_state?.cursor;
    assert.equal(await cursor('source-lost'), 3);
    assert.equal(await cursor('source-lost-tx'), 4, 'the failed transaction wrote nothing');
  });

  test('10. invalid or oversize state gets a named error and changes nothing', async () => {
    const small = new SqlStateBackend(backend.orm, { maxStateBytes: 200 });
    const writer = small.getStateWriter('source-bad');
    await writer.writeState(stream('users', 1));
    const before = await sql(`select * from _airbyte_state where source_name = 'source-bad'`);
    const bad: unknown[] = [
      { type: 'STREAM' },
      { type: 'STREAM', stream: { stream_descriptor: { name: 7 } } },
      { type: 'GLOBAL', global: {} },
      'not an object',
      stream('users', 'x'.repeat(300)),
    ];
    for (const message of bad) {
      await assert.rejects(writer.writeState(message), InvalidStateMessageError);
      // A batch with one bad message writes none of its good ones either.
      await assert.rejects(
        writer.writeStates([stream('products', 1), message]),
        InvalidStateMessageError,
      );
    }
    assert.deepEqual(
      await sql(`select * from _airbyte_state where source_name = 'source-bad'`),
      before,
    );
  });
});

describe('reading stored rows', () => {
  test('a stored row that is not a valid message is refused by name when read; other streams stay readable', async () => {
    const writer = backend.getStateWriter('source-edited');
    await writer.writeStates([stream('users', 1), stream('orders', 2), stream('items', 3)]);
    const edit = (streamName: string, json: string) =>
      sql(
        `update _airbyte_state set state_json = ? where source_name = 'source-edited' and stream_name = ?`,
        [json, streamName],
      );
    const corruptions: [string, RegExp][] = [
      [
        '{"type": "STREAM",',
        /_airbyte_state row \(stream_namespace "", stream_name "orders"\)\.state_json: expected JSON text/,
      ],
      [
        JSON.stringify({ type: 'STREAM', stream: { stream_descriptor: {} } }),
        /stream_name "orders"\)\.state_json \$\.stream\.stream_descriptor\.name/,
      ],
      [
        JSON.stringify(stream('users', 9)),
        /stream_name "orders"\)\.state_json \$\.stream\.stream_descriptor\.name: expected the row's stream_name "orders", got "users"/,
      ],
    ];
    for (const [json, error] of corruptions) {
      await edit('orders', json);
      const provider = await backend.getStateProvider('source-edited');
      // Only the rows of the stream asked for are parsed.
      assert.equal(provider.getStreamState('users').stream?.stream_state?.cursor, 1);
      assert.equal(provider.getStreamState('items').stream?.stream_state?.cursor, 3);
      assert.throws(() => provider.getStreamState('orders'), error);
      assert.throws(() => provider.stateMessageArtifacts, error);
      assert.throws(() => provider.toStateInputFileText(), error);
      assert.throws(() => provider.knownStreamNames, InvalidStateMessageError);
    }
    await writer.writeState(stream('orders', 4));
    const fixed = await backend.getStateProvider('source-edited');
    assert.deepEqual(
      fixed.stateMessageArtifacts.map((m) => m.stream?.stream_state?.cursor),
      [3, 4, 1],
    );
    assert.equal(fixed.getStreamState('orders').stream?.stream_state?.cursor, 4);
    assert.throws(() => fixed.getStreamState('nope'), /nope/);
  });
});

describe('bad configuration', () => {
  test('names the option and what was expected', async () => {
    await assert.rejects(
      SqlStateBackend.connect({ url: 'mysql://x' }),
      /Invalid url: expected a postgres:\/\/ or postgresql:\/\/ URL/,
    );
    assert.throws(
      () => new SqlStateBackend(backend.orm, { tablePrefix: 'x"; drop table t; --' }),
      InvalidInputError,
    );
    assert.throws(() => new SqlStateBackend(backend.orm, { schema: 'a.b' }), /Invalid schema/);
    assert.throws(
      () => backend.getStateWriter(''),
      /Invalid sourceName: expected a non-empty string/,
    );
    assert.throws(
      () => backend.getStateWriter('s', { destinationName: 'a\u0000' }),
      /Invalid destinationName/,
    );
    await assert.rejects(
      backend.getStateProvider('s', { streamsFilter: 'users' as never }),
      /Invalid streamsFilter/,
    );
  });
});
