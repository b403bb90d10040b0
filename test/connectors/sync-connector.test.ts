import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SqlStateBackend, StaleCheckpointError, startSync } from '../../src';
import { ConnectorError } from '../../src/connectors/connector-error';
import { syncConnector } from '../../src/connectors/sync-connector';
import type { SyncConnectorInput } from '../../src/connectors/sync-types';
import type { JsonObject } from '../../src/protocol/types';
import { withTestDatabase } from '../helpers/database';

const db = withTestDatabase();
let backend: SqlStateBackend;

const fake = { executable: path.join(__dirname, 'fixtures/fake-source.mjs'), name: 'fake' };

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 4 });
});
after(async () => {
  await backend?.close();
});

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  backend.fork().execute<T[]>(query, params);

/** Claims the connection for a run (as the workflow's startSync does) and syncs once. */
async function sync(
  connectionId: string,
  config: JsonObject,
  extra: Partial<SyncConnectorInput> = {},
  context: { runOwner?: string; attempt?: number; claim?: boolean } = {},
) {
  const runOwner = context.runOwner ?? `run-${connectionId}`;
  if (context.claim !== false)
    await startSync(backend, {
      connectionId,
      sourceName: 'fake',
      tablePrefix: `${connectionId}_`,
      owner: runOwner,
    });
  return syncConnector(
    backend,
    {
      connectionId,
      connector: fake,
      config,
      destination: { tablePrefix: `${connectionId}_` },
      ...extra,
    },
    { runOwner, attempt: context.attempt ?? 1 },
  );
}

async function stateOf(sourceName = 'fake', tablePrefix?: string) {
  const provider = await backend.getStateProvider(sourceName, { tablePrefix });
  return provider.stateMessageArtifacts;
}

describe('syncConnector', () => {
  test('commits each STATE with the records before it, and a second sync resumes from the stored state', async () => {
    const commits: number[] = [];
    await startSync(backend, {
      connectionId: 's1',
      sourceName: 'fake',
      tablePrefix: 's1_',
      owner: 'r1',
    });
    const first = await syncConnector(
      backend,
      {
        connectionId: 's1',
        connector: fake,
        config: { streams: { alpha: 12, beta: 7 }, perState: 5 },
        destination: { tablePrefix: 's1_' },
      },
      { runOwner: 'r1', attempt: 1, onCommit: (c) => void commits.push(c.checkpoints.length) },
    );
    assert.equal(first.commits, 5, 'alpha: 5, 10, 12; beta: 5, 7');
    assert.equal(first.recordsRead, 19);
    assert.equal(first.recordsCommitted, 19);
    assert.deepEqual(
      first.streams.map((s) => [s.name, s.writeMethod, s.syncMode, s.recordsRead]),
      [
        ['alpha', 'merge', 'incremental', 12],
        ['beta', 'merge', 'incremental', 7],
      ],
    );
    assert.deepEqual(first.startedFromState, []);
    const rows = await sql<{ id: string; name: string; payload: unknown; _airbyte_raw_id: string }>(
      'select id, name, payload, _airbyte_raw_id, _airbyte_extracted_at, _airbyte_meta from s1_alpha order by id',
    );
    assert.equal(rows.length, 12);
    assert.deepEqual(rows[0]?.payload, { n: 1 });
    assert.equal(typeof rows[0]?._airbyte_raw_id, 'string');
    const columns = await sql<{ column_name: string; data_type: string }>(
      `select column_name, data_type from information_schema.columns where table_name = 's1_alpha' order by ordinal_position`,
    );
    assert.deepEqual(
      columns.map((c) => `${c.column_name} ${c.data_type}`),
      [
        'id bigint',
        'name text',
        'updated_at timestamp with time zone',
        'payload jsonb',
        '_airbyte_raw_id text',
        '_airbyte_extracted_at timestamp with time zone',
        '_airbyte_meta jsonb',
        '_airbyte_sync_id text',
        '_airbyte_generation_id bigint',
      ],
    );
    assert.deepEqual(
      (await stateOf('fake', 's1_')).map((m) => [
        m.stream?.stream_descriptor.name,
        m.stream?.stream_state,
      ]),
      [
        ['alpha', { cursor: 12 }],
        ['beta', { cursor: 7 }],
      ],
    );
    const second = await sync(
      's1',
      { streams: { alpha: 14, beta: 7 }, perState: 5 },
      {},
      { runOwner: 'r2' },
    );
    assert.deepEqual(second.startedFromState, ['alpha', 'beta']);
    assert.equal(second.recordsRead, 2, 'only alpha 13 and 14 are new');
    assert.equal(
      Number((await sql<{ n: string }>('select count(*) as n from s1_alpha'))[0]?.n),
      14,
    );
  });

  test('GLOBAL (CDC-style) state is committed with its records and resumed from', async () => {
    const config = { streams: { orders: 9, items: 4 }, perState: 3, global: true };
    const first = await sync('g1', config);
    assert.ok(
      first.checkpoints.some((c) => c.name === '_GLOBAL'),
      'the _GLOBAL checkpoint row',
    );
    const [global] = await stateOf('fake', 'g1_');
    assert.equal(global?.type, 'GLOBAL');
    assert.deepEqual(global?.global?.shared_state, { lsn: 13 });
    const second = await sync(
      'g1',
      { ...config, streams: { orders: 11, items: 4 } },
      {},
      { runOwner: 'g1-again' },
    );
    assert.deepEqual(second.startedFromState, ['_GLOBAL']);
    assert.equal(second.recordsRead, 2);
    const [after] = await stateOf('fake', 'g1_');
    assert.deepEqual(after?.global?.shared_state, { lsn: 15 });
  });

  test('append and replace strategies: append keeps every version, replace keeps only the last sync', async () => {
    const config = { streams: { alpha: 4 }, perState: 2 };
    await sync('w1', config, { destination: { tablePrefix: 'w1_', writeStrategy: 'append' } });
    await sync(
      'w1',
      config,
      {
        destination: { tablePrefix: 'w1_', writeStrategy: 'append' },
        streams: [{ name: 'alpha', syncMode: 'full_refresh' }],
      },
      { runOwner: 'w1-b' },
    );
    assert.equal(Number((await sql<{ n: string }>('select count(*) as n from w1_alpha'))[0]?.n), 8);
    await sync('w2', config, {
      destination: { tablePrefix: 'w2_', writeStrategy: 'replace' },
      syncId: 'first',
    });
    const second = await sync(
      'w2',
      { ...config, streams: { alpha: 3 } },
      { destination: { tablePrefix: 'w2_', writeStrategy: 'replace' }, syncId: 'second' },
      { runOwner: 'w2-b' },
    );
    assert.deepEqual(second.startedFromState, [], 'a replaced stream is read from the start');
    const rows = await sql<{ id: string; _airbyte_sync_id: string }>(
      'select id, _airbyte_sync_id from w2_alpha order by id',
    );
    assert.deepEqual(
      rows.map((r) => [Number(r.id), r._airbyte_sync_id]),
      [
        [1, 'second'],
        [2, 'second'],
        [3, 'second'],
      ],
    );
  });

  test('records are written ahead past the buffer bound, yet commit only with their STATE', async () => {
    await assert.rejects(
      sync(
        'b1',
        { streams: { alpha: 9 }, perState: 4, exitEarlyAfter: 7 },
        { maxBufferedRecords: 2 },
      ),
      (error: unknown) =>
        error instanceof ConnectorError &&
        /exited with code 3/.test(error.message) &&
        /boom/.test(error.message),
    );
    const ids = await sql<{ id: string }>('select id from b1_alpha order by id');
    assert.deepEqual(
      ids.map((r) => Number(r.id)),
      [1, 2, 3, 4],
      'records 5-7 had no STATE: rolled back',
    );
    assert.deepEqual((await stateOf('fake', 'b1_'))[0]?.stream?.stream_state, { cursor: 4 });
  });

  test('integers beyond 2^53 in records reach the database exactly; in a STATE they fail before anything is committed', async () => {
    await sync('n1', { streams: { alpha: 2 }, bigIds: true });
    const rows = await sql<{ big: string }>(`select payload ->> 'big' as big from n1_alpha`);
    assert.deepEqual(
      rows.map((r) => r.big),
      ['1234567890123456789012', '1234567890123456789012'],
    );
    await assert.rejects(
      sync('n2', { streams: { alpha: 2 }, perState: 1, unsafeState: true }),
      (error: unknown) =>
        error instanceof ConnectorError &&
        error.type === 'ConnectorProtocolError' &&
        /12345678901234567891/.test(error.message),
    );
    assert.deepEqual(await stateOf('fake', 'n2_'), []);
    assert.equal(Number((await sql<{ n: string }>('select count(*) as n from n2_alpha'))[0]?.n), 0);
  });

  test('an earlier attempt still running is fenced off once a later attempt claims the connection', async () => {
    await startSync(backend, {
      connectionId: 'f1',
      sourceName: 'fake',
      tablePrefix: 'f1_',
      owner: 'run-f1',
    });
    let second: Promise<unknown> | undefined;
    const first = syncConnector(
      backend,
      {
        connectionId: 'f1',
        connector: fake,
        config: { streams: { alpha: 6 }, perState: 2 },
        destination: { tablePrefix: 'f1_' },
      },
      {
        runOwner: 'run-f1',
        attempt: 1,
        onCommit: async () => {
          // After its first commit, attempt 1 stalls (as a worker cut off from Temporal would)
          // while attempt 2 starts, claims the connection and runs the whole sync.
          second ??= sync(
            'f1',
            { streams: { alpha: 6 }, perState: 2 },
            {},
            { runOwner: 'run-f1', attempt: 2, claim: false },
          );
          await second;
        },
      },
    );
    await assert.rejects(first, StaleCheckpointError);
    await second;
    const rows = await sql<{ id: string }>('select id from f1_alpha order by id');
    assert.deepEqual(
      rows.map((r) => Number(r.id)),
      [1, 2, 3, 4, 5, 6],
    );
    await assert.rejects(
      sync('f1', { streams: { alpha: 6 } }, {}, { runOwner: 'run-f1', attempt: 1, claim: false }),
      /does not own the connection/,
    );
  });

  test('bad input fails clearly before any table or state changes', async () => {
    await assert.rejects(
      sync('x1', { streams: { alpha: 2 } }, { streams: ['alpha', 'nope'] }),
      /streams\[1\]: expected a stream of fake \(it has: alpha\), got "nope"/,
    );
    await assert.rejects(
      sync('x1', { streams: { alpha: 2 } }, { connector: { executable: '/no/such/source-x' } }),
      (error: unknown) =>
        error instanceof ConnectorError &&
        error.type === 'ConnectorNotFound' &&
        /no such executable/.test(error.message),
    );
    await assert.rejects(
      sync('x1', { garbage: true }),
      (error: unknown) =>
        error instanceof ConnectorError &&
        /wrote no Airbyte message.*Starting up the fake source/.test(error.message),
    );
    await assert.rejects(
      sync('x1', {
        streams: { alpha: 2 },
        traceError: {
          message: 'Bad API key',
          internal_message: '401 Unauthorized',
          failure_type: 'config_error',
        },
      }),
      (error: unknown) =>
        error instanceof ConnectorError &&
        error.type === 'ConnectorConfigError' &&
        /Bad API key — 401 Unauthorized \(config_error\)/.test(error.message),
    );
    const tables = await sql(`select tablename from pg_tables where tablename like 'x1_%'`);
    assert.deepEqual(
      tables.map((t) => t.tablename).sort(),
      ['x1_alpha'],
      'only the trace-error run, which read, made its table',
    );
  });
});
