import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InvalidInputError, SqlStateBackend, startSync } from '../../src';
import { refreshStreams } from '../../src/connectors/refresh-streams';
import { syncConnector } from '../../src/connectors/sync-connector';
import type { SyncConnectorInput, SyncConnectorResult } from '../../src/connectors/sync-types';
import type { JsonObject } from '../../src/protocol/types';
import { withTestDatabase } from '../helpers/database';

const db = withTestDatabase();
let backend: SqlStateBackend;
let dir: string;
const fake = { executable: path.join(__dirname, 'fixtures/fake-source.mjs'), name: 'fake' };

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 3 });
  dir = await mkdtemp(path.join(tmpdir(), 'generations-'));
});
after(async () => {
  await backend?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  backend.fork().execute<T[]>(query, params);

interface RunOptions {
  /** The sync (stable across its attempts). */
  readonly syncId: string;
  readonly attempt?: number;
  /** Aborts the attempt (as a dying worker would: nothing more is committed) after this many commits. */
  readonly abortAfter?: number;
  /** Looks at the database after each commit. */
  readonly onCommit?: () => Promise<void>;
  readonly extra?: Partial<SyncConnectorInput>;
}

/** One attempt of sync `syncId` of connection `id` (a run of its own: owner = the sync id). */
async function run(id: string, config: JsonObject, options: RunOptions) {
  const owner = `${id}/${options.syncId}`;
  const attempt = options.attempt ?? 1;
  if (attempt === 1)
    await startSync(backend, {
      connectionId: id,
      sourceName: 'fake',
      tablePrefix: `${id}_`,
      owner,
    });
  const abort = new AbortController();
  let commits = 0;
  return syncConnector(
    backend,
    {
      connectionId: id,
      connector: fake,
      config,
      destination: { tablePrefix: `${id}_` },
      syncId: options.syncId,
      ...options.extra,
    },
    {
      runOwner: owner,
      attempt,
      signal: abort.signal,
      onCommit: async () => {
        await options.onCommit?.();
        if (++commits === options.abortAfter) abort.abort(new Error('the worker died'));
      },
    },
  );
}

/** [id, generation] of each row of a table, by id. */
async function rows(table: string): Promise<[number, number | null][]> {
  const found = await sql<{ id: string; g: string | null }>(
    `select id, _airbyte_generation_id as g from "${table}" order by id, g`,
  );
  return found.map((r) => [Number(r.id), r.g === null ? null : Number(r.g)]);
}

const tableExists = async (name: string) =>
  (await sql('select 1 from pg_tables where tablename = ?', [name])).length > 0;

const failed = (promise: Promise<SyncConnectorResult>) =>
  promise.then(
    () => assert.fail('the attempt should have been stopped'),
    (error: unknown) => error,
  );

describe('generations', () => {
  test('the configured catalog carries generation_id, minimum_generation_id and sync_id; each row its generation', async () => {
    const catalogFile = path.join(dir, 'catalog.json');
    const config = { streams: { alpha: 3 }, saveCatalogTo: catalogFile };
    const catalog = async () =>
      (JSON.parse(await readFile(catalogFile, 'utf8')) as { streams: JsonObject[] }).streams[0];
    await run('c1', config, { syncId: 's1' });
    assert.deepEqual(
      [
        (await catalog())?.generation_id,
        (await catalog())?.minimum_generation_id,
        (await catalog())?.sync_id,
      ],
      [0, 0, 1],
    );
    await run('c1', config, { syncId: 's2' });
    assert.equal((await catalog())?.sync_id, 2, 'the second sync of the connection');
    assert.deepEqual(await rows('c1_alpha'), [
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
  });

  test('refresh and remove: the old rows stay readable until the new read completes, then only the new generation is left, each record once across a kill', async () => {
    const append = { destination: { tablePrefix: 'r1_', writeStrategy: 'append' as const } };
    await run('r1', { streams: { alpha: 6 }, perState: 2 }, { syncId: 's1', extra: append });
    const requested = await refreshStreams(backend, {
      connectionId: 'r1',
      streams: ['alpha'],
      mode: 'remove',
    });
    assert.deepEqual(requested.streams, [
      { name: 'alpha', namespace: null, generationId: 1, minimumGenerationId: 1, mode: 'remove' },
    ]);
    // The source lost records 5 and 6 since: only a refresh that removes makes the table say so.
    const config = { streams: { alpha: 4 }, perState: 1 };
    const seen: [number, number | null][][] = [];
    const killed = await failed(
      run('r1', config, {
        syncId: 's2',
        abortAfter: 2,
        extra: append,
        onCommit: async () => void seen.push(await rows('r1_alpha')),
      }),
    );
    assert.match(String(killed), /the worker died/);
    const old = [1, 2, 3, 4, 5, 6].map((id) => [id, 0]);
    assert.deepEqual(seen, [old, old], 'while the refresh read, the table kept its old rows');
    assert.deepEqual(await rows('r1_alpha'), old);
    assert.deepEqual(await rows('r1_alpha__airbyte_tmp'), [
      [1, 1],
      [2, 1],
    ]);
    const resumed = await run('r1', config, { syncId: 's2', attempt: 2, extra: append });
    assert.deepEqual(resumed.startedFromState, ['alpha']);
    assert.equal(resumed.recordsRead, 2, 'the second attempt resumed the refresh at record 3');
    assert.deepEqual(resumed.refreshesCompleted, ['alpha']);
    assert.deepEqual(await rows('r1_alpha'), [
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
    assert.equal(await tableExists('r1_alpha__airbyte_tmp'), false, 'the staging table is gone');
    const [clear] = (
      await backend.getStateHistory('fake', { tablePrefix: 'r1_', stream: 'alpha' })
    ).filter((v) => v.operation === 'clear');
    assert.match(
      clear?.note ?? '',
      /^refresh \(remove\) to generation 1: the stream is read from scratch$/,
    );
    // The next sync is an ordinary one again: incremental, into the table, in generation 1.
    const next = await run(
      'r1',
      { streams: { alpha: 5 }, perState: 1 },
      { syncId: 's3', extra: append },
    );
    assert.equal(next.recordsRead, 1);
    assert.deepEqual((await rows('r1_alpha')).at(-1), [5, 1]);
  });

  test('refresh and retain: the stream is read again from scratch and its rows join the old generation', async () => {
    const append = { destination: { tablePrefix: 'k1_', writeStrategy: 'append' as const } };
    await run('k1', { streams: { alpha: 3 } }, { syncId: 's1', extra: append });
    await refreshStreams(backend, {
      connectionId: 'k1',
      streams: [{ name: 'alpha' }],
      mode: 'retain',
    });
    const second = await run('k1', { streams: { alpha: 3 } }, { syncId: 's2', extra: append });
    assert.deepEqual([second.recordsRead, second.refreshesCompleted], [3, ['alpha']]);
    assert.deepEqual(await rows('k1_alpha'), [
      [1, 0],
      [1, 1],
      [2, 0],
      [2, 1],
      [3, 0],
      [3, 1],
    ]);
  });

  test('replace is a remove-refresh per sync: the table keeps the last complete sync while the next one reads (a kill too), and the final STATE commits in the swap', async () => {
    const replace = { destination: { tablePrefix: 'p1_', writeStrategy: 'replace' as const } };
    const config = { streams: { alpha: 4 }, perState: 2, streamStatus: true };
    await run('p1', config, { syncId: 's1', extra: replace });
    const first = [1, 2, 3, 4].map((id) => [id, 1]);
    assert.deepEqual(await rows('p1_alpha'), first);
    const seen: [number, number | null][][] = [];
    const bigger = { ...config, streams: { alpha: 6 } };
    await failed(
      run('p1', bigger, {
        syncId: 's2',
        abortAfter: 1,
        extra: replace,
        onCommit: async () => void seen.push(await rows('p1_alpha')),
      }),
    );
    assert.deepEqual(seen, [first]);
    assert.deepEqual(await rows('p1_alpha'), first, 'a killed sync leaves the last complete one');
    const done = await run('p1', bigger, { syncId: 's2', attempt: 2, extra: replace });
    assert.equal(done.recordsRead, 4, 'it resumed its own staged read');
    assert.deepEqual(
      await rows('p1_alpha'),
      [1, 2, 3, 4, 5, 6].map((id) => [id, 2]),
    );
    const xmins = await sql<{ xmin: string }>(
      `select distinct xmin::text as xmin from p1_alpha
        union select xmin::text from _airbyte_state where table_name = 'p1_alpha'`,
    );
    assert.equal(xmins.length, 1, 'the rows swapped in and the final state: one transaction');
  });

  test('a new sync reads a resumable full-refresh stream from its start, not from its finished state; within a sync it resumes', async () => {
    const streams = [
      { name: 'alpha', syncMode: 'full_refresh' as const, writeStrategy: 'append' as const },
    ];
    const config = { streams: { alpha: 5 }, perState: 2, resumableFullRefresh: true };
    const first = await run('f1', config, { syncId: 's1', extra: { streams } });
    assert.equal(first.recordsRead, 5);
    const [stored] = (await backend.getStateProvider('fake', { tablePrefix: 'f1_' }))
      .stateMessageArtifacts;
    assert.deepEqual(stored?.stream?.stream_state, { __ab_full_refresh_sync_complete: true });
    const second = await run('f1', config, { syncId: 's2', extra: { streams } });
    assert.deepEqual(second.startedFromState, [], 'the finished state stays with its sync');
    assert.equal(second.recordsRead, 5);
    await failed(run('f1', config, { syncId: 's3', abortAfter: 1, extra: { streams } }));
    const third = await run('f1', config, { syncId: 's3', attempt: 2, extra: { streams } });
    assert.deepEqual([third.startedFromState, third.recordsRead], [['alpha'], 3]);
    const counts = await sql<{ id: string; n: string }>(
      'select id, count(*) as n from f1_alpha group by id order by id',
    );
    assert.deepEqual(
      counts.map((r) => [Number(r.id), Number(r.n)]),
      [1, 2, 3, 4, 5].map((id) => [id, 3]),
      'each record once per sync',
    );
  });

  test('a refresh names streams the connection syncs, and a mode', async () => {
    await assert.rejects(
      refreshStreams(backend, { connectionId: 'r1', streams: ['nope'], mode: 'remove' }),
      (error: unknown) =>
        error instanceof InvalidInputError &&
        /streams\[0\]: expected a stream that connection "r1" syncs \(alpha\), got "nope"/.test(
          error.message,
        ),
    );
    await assert.rejects(
      refreshStreams(backend, { connectionId: 'r1', streams: ['alpha'], mode: 'truncate' }),
      /mode: expected "remove" or "retain", got the string "truncate"/,
    );
    const [row] = await sql<{ generation_id: string; refresh: string | null }>(
      `select generation_id, refresh from _sync_state_generations where connection_id = 'r1'`,
    );
    assert.deepEqual([Number(row?.generation_id), row?.refresh], [1, null], 'nothing changed');
  });
});
