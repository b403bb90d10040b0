import assert from 'node:assert/strict';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { SqlStateBackend, startSync } from '../../src';
import { runCli } from '../../src/cli/run-cli';
import { syncConnector } from '../../src/connectors/sync-connector';
import { withTestDatabase } from '../helpers/database';

const db = withTestDatabase();
let backend: SqlStateBackend;
const fake = { executable: path.join(__dirname, '../connectors/fixtures/fake-source.mjs') };

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 2 });
});
after(async () => {
  await backend?.close();
});

/** Runs the CLI in this process against the test database. */
async function cli(args: readonly string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runCli(args, {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: { DATABASE_URL: db.url },
  });
  return { code, stdout: out, stderr: err };
}

/** One sync of the fake source's stream alpha (append) into connection `cr`. */
async function sync(syncId: string, records: number) {
  const owner = `cr/${syncId}`;
  await startSync(backend, { connectionId: 'cr', sourceName: 'fake', tablePrefix: 'cr_', owner });
  return syncConnector(
    backend,
    {
      connectionId: 'cr',
      connector: fake,
      config: { streams: { alpha: records }, perState: 2 },
      destination: { tablePrefix: 'cr_', writeStrategy: 'append' },
      syncId,
    },
    { runOwner: owner, attempt: 1 },
  );
}

/** [generation, rows] of the table. */
const generations = async () =>
  (
    await backend
      .fork()
      .execute<{ g: string | null; n: string }[]>(
        'select _airbyte_generation_id as g, count(*) as n from cr_alpha group by 1 order by 1',
      )
  ).map((r) => [Number(r.g), Number(r.n)]);

describe('sync refresh', () => {
  test('refreshes a stream: the next sync reads it from scratch and only the new generation stays', async () => {
    await sync('s1', 4);
    const refreshed = await cli(['sync', 'refresh', 'cr', '--stream', 'alpha', '--mode', 'remove']);
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.match(refreshed.stdout, /alpha\s+1\s+1\s+remove/);
    const second = await sync('s2', 3);
    assert.deepEqual(second.startedFromState, [], 'alpha was not fed its old state');
    assert.deepEqual(await generations(), [[1, 3]]);
  });

  test('bad input exits 2 with one error line and changes nothing', async () => {
    const before = await generations();
    for (const [args, message] of [
      [['--stream', 'alpha', '--mode', 'wipe'], /mode.*"remove" or "retain"/],
      [['--stream', 'nope', '--mode', 'retain'], /alpha/],
      [['--mode', 'retain'], /--stream/],
    ] as const) {
      const run = await cli(['sync', 'refresh', 'cr', ...args]);
      assert.equal(run.code, 2, run.stderr);
      const errors = run.stderr.split('\n').filter((line) => line.startsWith('error: '));
      assert.equal(errors.length, 1, run.stderr);
      assert.match(errors[0] ?? '', message);
    }
    const run = await cli([
      'sync',
      'refresh',
      'cr',
      '--stream',
      'alpha',
      '--mode',
      'retain',
      '--json',
    ]);
    const refreshed = JSON.parse(run.stdout) as { streams: { generationId: number }[] };
    assert.equal(refreshed.streams[0]?.generationId, 2, 'the bad calls changed nothing');
    assert.deepEqual(await generations(), before);
  });
});
