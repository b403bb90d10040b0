import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SqlStateBackend, startSync } from '../../src';
import { syncConnector } from '../../src/connectors/sync-connector';
import type { JsonObject } from '../../src/protocol/types';
import { withTestDatabase } from '../helpers/database';

const db = withTestDatabase();
let backend: SqlStateBackend;
let dir: string;
const fake = { executable: path.join(__dirname, 'fixtures/fake-source.mjs'), name: 'fake' };

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 3 });
  dir = await mkdtemp(path.join(tmpdir(), 'state-switch-'));
});
after(async () => {
  await backend?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  backend.fork().execute<T[]>(query, params);

let runs = 0;
/** One sync of connection `t1` as a new run; returns what the connector got as --state. */
async function sync(config: JsonObject): Promise<{ recordsRead: number; stateFile: unknown }> {
  const owner = `run-${++runs}`;
  const saveStateTo = path.join(dir, `${owner}.json`);
  await startSync(backend, { connectionId: 't1', sourceName: 'fake', tablePrefix: 't1_', owner });
  const result = await syncConnector(
    backend,
    {
      connectionId: 't1',
      connector: fake,
      config: { ...config, saveStateTo },
      destination: { tablePrefix: 't1_' },
    },
    { runOwner: owner, attempt: 1 },
  );
  const stateFile = await readFile(saveStateTo, 'utf8').then(
    (text) => JSON.parse(text) as unknown,
    () => null,
  );
  return { recordsRead: result.recordsRead, stateFile };
}

const rows = async () =>
  (
    await sql<{ stream_name: string; state_json: string }>(
      `select stream_name, state_json from _airbyte_state where source_name = 'fake' and table_name = 't1_' || stream_name order by stream_name collate "C"`,
    )
  ).map((r) => [r.stream_name, JSON.parse(r.state_json) as JsonObject] as const);

describe('a source that switches between STREAM and GLOBAL state', () => {
  test('each commit of the new kind supersedes the rows of the other (deleted, in the history, rollback-able), so the next read gets one kind', async () => {
    const first = await sync({ streams: { alpha: 4, beta: 3 }, perState: 2 });
    assert.equal(first.recordsRead, 7);
    assert.deepEqual(
      (await rows()).map(([name]) => name),
      ['alpha', 'beta'],
    );

    // Per-stream cursors to CDC: the connector resumes from the STREAM rows, and writes GLOBAL.
    const second = await sync({ streams: { alpha: 6, beta: 5 }, perState: 2, global: true });
    assert.deepEqual(
      (second.stateFile as { type: string }[]).map((m) => m.type),
      ['STREAM', 'STREAM'],
    );
    assert.equal(second.recordsRead, 4, 'alpha 5-6 and beta 4-5: it resumed');
    const afterGlobal = await rows();
    assert.deepEqual(
      afterGlobal.map(([name]) => name),
      ['_GLOBAL'],
      'the STREAM rows are gone, not blanked',
    );
    assert.deepEqual((afterGlobal[0]?.[1].global as { stream_states: unknown[] }).stream_states, [
      { stream_descriptor: { name: 'alpha' }, stream_state: { cursor: 6 } },
      { stream_descriptor: { name: 'beta' }, stream_state: { cursor: 5 } },
    ]);
    const cleared = await backend.getStateHistory('fake', { tablePrefix: 't1_', stream: 'alpha' });
    assert.equal(cleared[0]?.operation, 'clear');
    assert.equal(cleared[0]?.message, null);
    assert.equal(cleared[0]?.connectionId, 't1');
    assert.match(cleared[0]?.note ?? '', /superseded by a GLOBAL commit/);
    assert.deepEqual(cleared[1]?.message?.stream?.stream_state, { cursor: 4 });

    // And back: the next run is given the GLOBAL alone; its STREAM commits supersede it.
    const third = await sync({ streams: { alpha: 7, beta: 5 }, perState: 2 });
    assert.deepEqual(
      (third.stateFile as { type: string }[]).map((m) => m.type),
      ['GLOBAL'],
    );
    assert.equal(third.recordsRead, 1, 'alpha 7: it resumed from the GLOBAL');
    assert.deepEqual(
      (await rows()).map(([name, message]) => [name, (message.stream as JsonObject).stream_state]),
      [
        ['alpha', { cursor: 7 }],
        ['beta', { cursor: 5 }],
      ],
    );
    const [globalCleared, globalBefore] = await backend.getStateHistory('fake', {
      tablePrefix: 't1_',
      stream: '_GLOBAL',
    });
    assert.equal(globalCleared?.operation, 'clear');
    assert.match(globalCleared?.note ?? '', /superseded by a STREAM commit/);

    // A rollback of the superseded GLOBAL brings it back as a new version.
    const rolledBack = await backend.restoreStateVersion('fake', {
      tablePrefix: 't1_',
      stream: '_GLOBAL',
      to: globalBefore!.version,
    });
    assert.deepEqual(rolledBack.message, globalBefore?.message);
    assert.deepEqual(
      (await rows()).map(([name]) => name),
      ['_GLOBAL', 'alpha', 'beta'],
    );
    const [ids] = await sql<{ n: string; d: string }>(
      'select count(*) as n, count(distinct id) as d from t1_alpha',
    );
    assert.deepEqual([Number(ids?.n), Number(ids?.d)], [7, 7], 'alpha 1..7, each once');
  });
});
