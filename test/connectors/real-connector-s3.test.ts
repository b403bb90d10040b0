/**
 * airbyte-source-s3 4.14.2 (scripts/setup-connectors.sh) against moto's S3 server on 127.0.0.1,
 * through `syncConnector`: file-based incremental state (one STATE per file, a `history` map),
 * an attempt that dies after its first file and the next attempt reading only the others, and a
 * second sync reading only the object uploaded since.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SqlStateBackend, startSync } from '../../src';
import { syncConnector } from '../../src/connectors/sync-connector';
import type { SyncConnectorResult } from '../../src/connectors/sync-types';
import { withTestDatabase } from '../helpers/database';
import { bin } from './fixtures/connector-venvs';
import { type MotoS3, startMotoS3 } from './fixtures/moto-s3';

const db = withTestDatabase();
let backend: SqlStateBackend;
let s3: MotoS3;

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 2 });
  s3 = await startMotoS3();
});
after(async () => {
  await s3?.close();
  await backend?.close();
});

const upload = (objects: Record<string, readonly number[]>) => s3.upload(objects);

async function sync(
  syncId: string,
  run: { readonly attempt?: number; readonly dieAfterCommits?: number } = {},
): Promise<SyncConnectorResult> {
  const owner = `s3/${syncId}`;
  const attempt = run.attempt ?? 1;
  if (attempt === 1)
    await startSync(backend, { connectionId: 's3', sourceName: 's3', tablePrefix: 's3_', owner });
  const abort = new AbortController();
  let commits = 0;
  return syncConnector(
    backend,
    {
      connectionId: 's3',
      sourceName: 's3',
      syncId,
      connector: { executable: bin('source-s3', 'source-s3') },
      config: s3.config(),
      streams: [{ name: 'customers', syncMode: 'incremental', writeStrategy: 'append' }],
      destination: { tablePrefix: 's3_' },
    },
    {
      runOwner: owner,
      attempt,
      signal: abort.signal,
      onCommit: () => {
        if (++commits === run.dieAfterCommits) abort.abort(new Error('the worker died'));
      },
    },
  );
}

const ids = async () =>
  (
    await backend.fork().execute<{ id: string }[]>('select id from s3_customers order by id::int')
  ).map((r) => Number(r.id));

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('airbyte-source-s3 4.14.2 on moto', () => {
  test('one STATE per file: an attempt that dies after its first file resumes with the others, each row once; the next sync reads only the new object', async () => {
    await upload({ 'part-1': range(1, 50), 'part-2': range(51, 100), 'part-3': range(101, 150) });
    const died = await sync('s1', { dieAfterCommits: 1 }).then(
      () => assert.fail('the attempt should have died'),
      (error: unknown) => error,
    );
    assert.match(String(died), /the worker died/);
    const committed = (await ids()).length;
    assert.equal(committed, 50, 'the first file, committed with its STATE before the death');

    const resumed = await sync('s1', { attempt: 2 });
    assert.deepEqual(resumed.startedFromState, ['customers']);
    assert.equal(resumed.recordsRead, 150 - committed, 'only the files left');
    assert.deepEqual(await ids(), range(1, 150), 'each row once');
    assert.equal(resumed.recordCounts.unverified, 0);

    await upload({ 'part-4': range(151, 153) });
    const second = await sync('s2');
    assert.equal(second.recordsRead, 3, 'only the new object');
    assert.equal((await ids()).length, 153, 'each row once');
    const [state] = await backend
      .fork()
      .execute<{ state_json: string }[]>(
        `select state_json from _airbyte_state where source_name = 's3'`,
      );
    for (const part of ['part-1', 'part-2', 'part-3', 'part-4'])
      assert.match(state?.state_json ?? '', new RegExp(`"customers/${part}\\.csv"`));
  });
});
