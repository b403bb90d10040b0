/**
 * airbyte-source-s3 4.14.2 (scripts/setup-connectors.sh) against moto's S3 server on 127.0.0.1,
 * through `syncConnector`: file-based incremental state (one STATE per file, a `history` map),
 * an attempt that dies after its first file and the next attempt reading only the others, and a
 * second sync reading only the object uploaded since.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SqlStateBackend, startSync } from '../../src';
import { syncConnector } from '../../src/connectors/sync-connector';
import type { SyncConnectorResult } from '../../src/connectors/sync-types';
import { withTestDatabase } from '../helpers/database';

const ROOT = path.join(__dirname, '..', '..');
const VENVS = path.resolve(ROOT, process.env.CONNECTORS_VENV ?? '.venv-connectors');
const bin = (venv: string, executable: string): string => {
  const file = path.join(VENVS, venv, 'bin', executable);
  assert.ok(existsSync(file), `${file} is missing: run bash scripts/setup-connectors.sh`);
  return file;
};
/** Longest wait for moto_server to answer, in 0.5 s tries. */
const MOTO_START_TRIES = 120;

const db = withTestDatabase();
let backend: SqlStateBackend;
let moto: ChildProcess | undefined;
let endpoint: string;
let dir: string;

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 2 });
  dir = await mkdtemp(path.join(tmpdir(), 's3-'));
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  moto = spawn(bin('moto', 'moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  });
});
after(async () => {
  moto?.kill();
  await backend?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Uploads CSV objects `customers/<name>.csv`, each with the customer ids given (boto3, signed). */
async function upload(objects: Record<string, readonly number[]>): Promise<void> {
  const files: string[] = [];
  for (const [name, ids] of Object.entries(objects)) {
    const file = path.join(dir, `${name}.csv`);
    await writeFile(file, ['id,name', ...ids.map((id) => `${id},customer ${id}`)].join('\n'));
    files.push(`customers/${name}.csv`, file);
  }
  const script = [
    'import sys, time, boto3',
    's3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1",',
    '  aws_access_key_id="testing", aws_secret_access_key="testing")',
    'try: s3.create_bucket(Bucket="fixtures")',
    'except s3.exceptions.BucketAlreadyOwnedByYou: pass',
    'for i, (key, file) in enumerate(zip(sys.argv[2::2], sys.argv[3::2])):',
    '  if i: time.sleep(1.1)  # LastModified has one-second resolution: one cursor value per file',
    '  s3.put_object(Bucket="fixtures", Key=key, Body=open(file, "rb").read())',
  ].join('\n');
  for (let i = 1; ; i++) {
    try {
      execFileSync(bin('moto', 'python'), ['-c', script, endpoint, ...files], { stdio: 'pipe' });
      return;
    } catch (error) {
      if (i >= MOTO_START_TRIES) throw error; // moto_server still starting
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

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
      config: {
        bucket: 'fixtures',
        aws_access_key_id: 'testing',
        aws_secret_access_key: 'testing',
        endpoint,
        region_name: 'us-east-1',
        streams: [{ name: 'customers', globs: ['customers/*.csv'], format: { filetype: 'csv' } }],
      },
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
