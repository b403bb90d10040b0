import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MikroORM } from '@mikro-orm/postgresql';
import fc from 'fast-check';
import { runMigrations, SqlStateBackend, syncStateEntities } from '../../src';
import { arbitraryName, arbitraryStateMessage } from '../helpers/arbitraries';
import { withTestDatabase } from '../helpers/database';

const db = withTestDatabase();
let orm: MikroORM;

before(async () => {
  await db.ready();
  orm = await MikroORM.init({
    clientUrl: db.url,
    entities: [...syncStateEntities],
    allowGlobalContext: false,
    debug: false,
  });
});
after(async () => {
  await orm?.close(true);
});

const sql = (query: string, params: unknown[] = []) =>
  orm.em.fork().execute<Record<string, unknown>[]>(query, params);

/** The DDL that PyAirbyte's SQLAlchemy models create on PostgreSQL. */
async function createPyAirbyteTables(schema: string): Promise<void> {
  await sql(`create schema ${schema}`);
  await sql(`create table ${schema}._airbyte_state (
    source_name varchar, stream_name varchar, table_name varchar not null, state_json varchar,
    last_updated timestamptz, primary key (table_name))`);
  await sql(`create table ${schema}._airbyte_destination_state (
    destination_name varchar not null, source_name varchar not null, stream_name varchar not null,
    state_json varchar, last_updated timestamptz, primary key (destination_name, source_name, stream_name))`);
}

/** PyAirbyte's write: delete by its key, commit, insert its columns, commit. */
async function pyAirbyteWrite(
  schema: string,
  source: string,
  stream: string,
  json: string,
): Promise<void> {
  await sql(`delete from ${schema}._airbyte_state where table_name = ?`, [stream]);
  await sql(
    `insert into ${schema}._airbyte_state (source_name, stream_name, table_name, state_json, last_updated) values (?, ?, ?, ?, ?)`,
    [source, stream, stream, json, '2024-01-01T00:00:00Z'],
  );
}

describe('migrations', () => {
  test('adopt tables that PyAirbyte created, keeping every row', async () => {
    await createPyAirbyteTables('adopted');
    const users = JSON.stringify({
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'users', namespace: null }, stream_state: { c: 1 } },
      data: null,
    });
    await pyAirbyteWrite('adopted', 'source-faker', 'users', users);
    await sql(
      `insert into adopted._airbyte_destination_state (destination_name, source_name, stream_name, state_json) values ('duckdb', 'source-faker', 'users', ?)`,
      [users],
    );
    const backend = new SqlStateBackend(orm, { schema: 'adopted' });
    assert.deepEqual((await backend.getStateProvider('source-faker')).stateMessageArtifacts, [
      JSON.parse(users),
    ]);
    assert.deepEqual(
      (await backend.getStateProvider('source-faker', { destinationName: 'duckdb' }))
        .stateMessageArtifacts,
      [JSON.parse(users)],
    );
    const keys = await sql(
      `select conrelid::regclass::text as t, pg_get_constraintdef(oid) as def from pg_constraint
        where contype = 'p' and connamespace = 'adopted'::regnamespace and conrelid::regclass::text like '%_airbyte_%' order by 1`,
    );
    assert.deepEqual(keys, [
      {
        t: 'adopted._airbyte_destination_state',
        def: 'PRIMARY KEY (destination_name, source_name, table_prefix, stream_namespace, stream_name)',
      },
      {
        t: 'adopted._airbyte_state',
        def: 'PRIMARY KEY (source_name, stream_namespace, table_name)',
      },
    ]);
  });

  test("PyAirbyte's own writes still work on the adopted tables, beside ours", async () => {
    const backend = new SqlStateBackend(orm, { schema: 'adopted' });
    await backend
      .getStateWriter('source-other')
      .writeState({ type: 'STREAM', stream: { stream_descriptor: { name: 'orders' } } });
    const next = JSON.stringify({
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'users' }, stream_state: { c: 2 } },
    });
    await pyAirbyteWrite('adopted', 'source-faker', 'users', next);
    await pyAirbyteWrite('adopted', 'source-faker', 'users', next);
    const provider = await backend.getStateProvider('source-faker');
    assert.deepEqual(provider.getStreamState('users'), JSON.parse(next));
    assert.equal((await backend.getStateProvider('source-other')).knownStreamNames.size, 1);
  });

  test('run once: a second run, or many workers starting at once, run nothing again', async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, () => runMigrations(orm, 'concurrent')),
    );
    assert.deepEqual(
      results.flat(),
      [
        '0001-state-tables',
        '0002-sync-checkpoints',
        '0003-state-history',
        '0004-record-tables',
        '0005-stream-generations',
      ],
      'exactly one of four concurrent runs migrated',
    );
    assert.deepEqual(await runMigrations(orm, 'concurrent'), []);
  });

  test('the entities match the migrated tables exactly', async () => {
    const backend = new SqlStateBackend(orm, { schema: 'public' });
    await backend.migrate();
    const diff = await orm.schema.getUpdateSchemaSQL({ safe: true, wrap: false, schema: 'public' });
    const ours = diff
      .split('\n')
      .filter((line) => /_airbyte_(destination_)?state|_sync_state_/.test(line));
    assert.deepEqual(ours, [], `MikroORM would change the state tables:\n${ours.join('\n')}`);
  });

  test('any valid message round-trips through the database unchanged', async () => {
    const backend = new SqlStateBackend(orm, { schema: 'roundtrip' });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        arbitraryStateMessage,
        fc.option(arbitraryName, { nil: undefined }),
        async (message, destinationName) => {
          const source = `source-${run++}`;
          await backend.getStateWriter(source, { destinationName }).writeState(message);
          const provider = await backend.getStateProvider(source, { destinationName });
          assert.deepEqual(provider.stateMessageArtifacts, [message]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
