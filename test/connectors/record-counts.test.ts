import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SqlStateBackend, startSync } from '../../src';
import { ConnectorError } from '../../src/connectors/connector-error';
import { memberText, withMember } from '../../src/connectors/raw-json';
import { syncConnector } from '../../src/connectors/sync-connector';
import type { SyncConnectorInput } from '../../src/connectors/sync-types';
import type { JsonObject } from '../../src/protocol/types';
import { withTestDatabase } from '../helpers/database';

const db = withTestDatabase();
let backend: SqlStateBackend;
const fake = { executable: path.join(__dirname, 'fixtures/fake-source.mjs'), name: 'fake' };

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 3 });
});
after(async () => {
  await backend?.close();
});

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  backend.fork().execute<T[]>(query, params);

async function sync(
  connectionId: string,
  config: JsonObject,
  extra: Partial<SyncConnectorInput> = {},
) {
  await startSync(backend, {
    connectionId,
    sourceName: 'fake',
    tablePrefix: `${connectionId}_`,
    owner: `run-${connectionId}`,
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
    { runOwner: `run-${connectionId}`, attempt: 1 },
  );
}

/** The stored `state_json` of each stream, as text. */
async function storedText(prefix: string): Promise<Record<string, string>> {
  const rows = await sql<{ stream_name: string; state_json: string }>(
    `select stream_name, state_json from _airbyte_state where source_name = 'fake' and table_name = ? || stream_name order by 1`,
    [prefix],
  );
  return Object.fromEntries(rows.map((r) => [r.stream_name, r.state_json]));
}

describe('record counts of STATE messages', () => {
  test("each STATE's sourceStats.recordCount is checked, and the stored message keeps the connector's bytes with destinationStats added", async () => {
    const result = await sync('c1', {
      streams: { alpha: 12, beta: 7 },
      perState: 5,
      sourceStats: true,
      stateExtras: '"id":7,"x_future":{"v":1.50,"n":12.0}',
    });
    assert.deepEqual(result.recordCounts, { verified: 5, unverified: 0 });
    assert.equal(result.recordsCommitted, 19);
    assert.deepEqual(await storedText('c1_'), {
      alpha:
        '{"type":"STREAM","stream":{"stream_descriptor":{"name":"alpha"},"stream_state":{"cursor":12}},"sourceStats":{"recordCount":2.0},"id":7,"x_future":{"v":1.50,"n":12.0},"destinationStats":{"recordCount":2.0}}',
      beta: '{"type":"STREAM","stream":{"stream_descriptor":{"name":"beta"},"stream_state":{"cursor":7}},"sourceStats":{"recordCount":2.0},"id":7,"x_future":{"v":1.50,"n":12.0},"destinationStats":{"recordCount":2.0}}',
    });
    const [version] = await sql<{ state_json: string }>(
      `select state_json from _sync_state_history where table_prefix = 'c1_' and stream_name = 'alpha' order by version limit 1`,
    );
    assert.match(
      version?.state_json ?? '',
      /"sourceStats":\{"recordCount":5\.0\},"id":7,"x_future":\{"v":1\.50,"n":12\.0\},"destinationStats":\{"recordCount":5\.0\}\}$/,
      'the history keeps the same text for each checkpoint',
    );
    // The stored text is still the message the provider hands out, and a valid --state file.
    const provider = await backend.getStateProvider('fake', { tablePrefix: 'c1_' });
    assert.deepEqual(provider.getStreamState('alpha').destinationStats, { recordCount: 2 });
    assert.equal(provider.getStreamState('alpha').id, 7);
  });

  test('GLOBAL state is checked against the records of all streams since the previous STATE', async () => {
    const result = await sync('c2', {
      streams: { orders: 9, items: 4 },
      perState: 3,
      global: true,
      sourceStats: true,
    });
    assert.deepEqual(result.recordCounts, { verified: 5, unverified: 0 });
    const { _GLOBAL: text } = await storedText('c2_');
    assert.match(
      text ?? '',
      /"sourceStats":\{"recordCount":1\.0\},"destinationStats":\{"recordCount":1\.0\}\}$/,
    );
  });

  test('a STATE without sourceStats is committed unverified, with destinationStats', async () => {
    const result = await sync('c3', { streams: { alpha: 3 }, perState: 2 });
    assert.deepEqual(result.recordCounts, { verified: 0, unverified: 2 });
    assert.equal(
      (await storedText('c3_')).alpha,
      '{"type":"STREAM","stream":{"stream_descriptor":{"name":"alpha"},"stream_state":{"cursor":3}},"destinationStats":{"recordCount":1.0}}',
    );
  });

  for (const [what, config, message] of [
    [
      'a STREAM state',
      { streams: { alpha: 12 }, perState: 5, sourceStats: true, dropRecord: 7 },
      /stream "alpha": its STATE says 5 records since that stream's previous STATE \(sourceStats\.recordCount\), but 4 arrived/,
    ],
    [
      'a GLOBAL state',
      { streams: { orders: 9 }, perState: 3, global: true, sourceStats: true, dropRecord: 5 },
      /GLOBAL state: it says 3 records since the previous STATE, of all streams \(sourceStats\.recordCount\), but 2 arrived/,
    ],
  ] as const) {
    test(`a record lost before ${what} fails the sync non-retryably, and that checkpoint is not committed`, async () => {
      const id = what.includes('GLOBAL') ? 'm2' : 'm1';
      const error = await sync(id, config).then(
        () => assert.fail('the sync should fail'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ConnectorError);
      assert.equal(error.type, 'RecordCountMismatch');
      assert.equal(error.retryable, false);
      assert.match(error.message, message);
      assert.match(error.message, /this checkpoint was not committed/);
      const stream = id === 'm1' ? 'alpha' : 'orders';
      const ids = await sql<{ id: string }>(`select id from ${id}_${stream} order by id`);
      const committed = id === 'm1' ? [1, 2, 3, 4, 5] : [1, 2, 3];
      assert.deepEqual(
        ids.map((r) => Number(r.id)),
        committed,
        'only the records of the checkpoints before the mismatch',
      );
      const [state] = Object.values(await storedText(`${id}_`));
      assert.match(state ?? '', new RegExp(`"cursor":${committed.length}\\}`));
    });
  }
});

describe('raw JSON members', () => {
  test('a member is read and set without touching the other bytes', () => {
    const text = '{ "type" : "STREAM",\n "n": 1.50, "s": "a}\\"b", "o": {"x": [1, {"y": "]"}]} }';
    assert.equal(memberText(text, 'n'), '1.50');
    assert.equal(memberText(text, 's'), '"a}\\"b"');
    assert.equal(memberText(text, 'o'), '{"x": [1, {"y": "]"}]}');
    assert.equal(memberText(text, 'missing'), undefined);
    assert.equal(
      withMember(text, 'n', '2.0'),
      '{ "type" : "STREAM",\n "n": 2.0, "s": "a}\\"b", "o": {"x": [1, {"y": "]"}]} }',
    );
    assert.equal(
      withMember(text, 'z', '{"k":1.0}'),
      '{ "type" : "STREAM",\n "n": 1.50, "s": "a}\\"b", "o": {"x": [1, {"y": "]"}]} ,"z":{"k":1.0}}',
    );
    assert.equal(withMember('{}', 'a', '1'), '{"a":1}');
    assert.equal(withMember('{ }', 'a', '1'), '{ "a":1}');
  });
});
